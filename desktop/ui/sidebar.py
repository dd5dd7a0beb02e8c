"""The profile sidebar: profiles grouped by provider → environment, production unmistakable.

Each profile's mark differs in shape as well as colour (▲ production, ● a test
environment, ■ the built-in sandbox), a legend under the list says which is
which, and the same words are the item's tooltip and accessible text: the
kind of a profile is never carried by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QPolygonF,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.palette import Colours
from desktop.core.profiles import Profile
from desktop.ui.context import AppContext
from desktop.ui.style import SIDEBAR_MIN_WIDTH, borderless, sidebar_heading
from desktop.ui.theme import bind, qcolor
from desktop.ui.widgets.actions import text_tool_button
from desktop.ui.widgets.flow import FlowLayout

PROFILE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KINDS = {
    "production": ("▲", "production", "production: messages sent here are real"),
    "test": ("●", "warn", "a test environment (staging, development)"),
    "sandbox": ("■", "ok", "the built-in sandbox: a simulated API on this machine"),
}
"""Profile kind → (legend glyph, colour role, words)."""


def dot_icon(colour: QColor | str, size: int = 12, kind: str = "test") -> QIcon:
    """The kind's mark: a triangle (production), a circle (test) or a square (sandbox)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    if kind == "production":
        painter.drawPolygon(QPolygonF([QPointF(size / 2, 0.5), QPointF(size - 0.5, size - 1),
                                       QPointF(0.5, size - 1)]))
    elif kind == "sandbox":
        painter.drawRect(2, 2, size - 4, size - 4)
    else:
        painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def kind_icon(kind: str) -> QIcon:
    return dot_icon(qcolor(KINDS[kind][1]), kind=kind)


def legend_html(c: Colours) -> str:
    return "<br>".join(f"<span style='color:{getattr(c, role)}'>{glyph}</span> {words}"
                       for glyph, role, words in (
                           (g, r, w.split(":")[0]) for g, r, w in KINDS.values()))


class ProfileSidebar(QWidget):
    profile_activated = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("profileSidebar")
        self.setMinimumWidth(SIDEBAR_MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(sidebar_heading("Profiles"))
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("profileTree")
        self.tree.setAccessibleName("Profiles")
        self.tree.setAccessibleDescription(
            "Credential profiles by provider and environment. Enter or double-click edits the "
            "selected one, Delete deletes it, the context menu has every profile action.")
        borderless(self.tree)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.tree, 1)
        self.legend = QLabel()
        self.legend.setObjectName("profileLegend")
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.legend)
        self._layout = layout
        self._menu_groups: Sequence[Sequence[QAction]] = ()
        self._menu: QMenu | None = None
        ctx.profiles_changed.connect(self.rebuild)
        ctx.active_profile_changed.connect(self._select_profile)
        bind(self, self._recolour)

    def _recolour(self, c: Colours) -> None:
        self.legend.setText(f"<span style='color:{c.muted}'>{legend_html(c)}</span>")
        self.rebuild()

    def rebuild(self) -> None:
        workspace = self.ctx.workspace
        active = workspace.active
        self.model.clear()
        groups: dict[str, QStandardItem] = {}
        environments: dict[tuple[str, str], QStandardItem] = {}
        bold = QFont()
        bold.setBold(True)
        for profile in workspace.profiles:
            provider = workspace.provider_for(profile)
            provider_name = provider.name if provider else f"{profile.provider} (unknown provider)"
            group = groups.get(profile.provider)
            if group is None:
                group = QStandardItem(provider_name)
                group.setSelectable(False)
                group.setFont(bold)
                groups[profile.provider] = group
                self.model.appendRow(group)
            environment = provider.environment(profile.environment) if provider else None
            production = bool(environment and environment.production)
            env_key = (profile.provider, profile.environment)
            env_item = environments.get(env_key)
            if env_item is None:
                label = environment.name if environment else profile.environment
                env_item = QStandardItem(label.upper() if production else label)
                env_item.setSelectable(False)
                if production:
                    env_item.setForeground(qcolor("production"))
                    env_item.setFont(bold)
                    env_item.setToolTip("Production: requests here reach real recipients.")
                environments[env_key] = env_item
                group.appendRow(env_item)
            env_item.appendRow(self._profile_item(profile, production, bool(provider and
                                                                          provider.sandbox)))
        self.tree.expandAll()
        self._select_profile(active)

    def _profile_item(self, profile: Profile, production: bool, sandbox: bool) -> QStandardItem:
        region = f" · {profile.region}" if profile.region else ""
        item = QStandardItem(f"{profile.name}{region}")
        item.setData(profile.id, PROFILE_ID_ROLE)
        kind = "production" if production else "sandbox" if sandbox else "test"
        item.setIcon(kind_icon(kind))
        words = KINDS[kind][2]
        item.setToolTip(f"{profile.name}: {words}.")
        item.setData(f"{profile.name}{region}, {words}", Qt.ItemDataRole.AccessibleTextRole)
        if production:
            item.setText(f"{profile.name}{region}  [PRODUCTION]")
            item.setForeground(qcolor("production"))
        return item

    def _find(self, profile_id: str, parent: QModelIndex | None = None) -> QModelIndex | None:
        parent = parent or QModelIndex()
        for row in range(self.model.rowCount(parent)):
            index = self.model.index(row, 0, parent)
            if index.data(PROFILE_ID_ROLE) == profile_id:
                return index
            found = self._find(profile_id, index)
            if found is not None:
                return found
        return None

    def _select_profile(self, profile: Profile | None) -> None:
        if profile is None:
            return
        index = self._find(profile.id)
        if index is not None and index != self.tree.currentIndex():
            self.tree.setCurrentIndex(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        profile_id = current.data(PROFILE_ID_ROLE)
        if profile_id is None:
            return
        profile = self.ctx.workspace.profiles.by_id(profile_id)
        if profile is not None:
            self.ctx.set_active_profile(profile)
            self.profile_activated.emit(profile)

    def selected_profile(self) -> Profile | None:
        profile_id = self.tree.currentIndex().data(PROFILE_ID_ROLE)
        return self.ctx.workspace.profiles.by_id(profile_id) if profile_id else None

    def add_section(self, section: QWidget) -> None:
        """A section under the profiles (the collections tree), sharing the height."""
        self._layout.addWidget(section, 2)

    # -- profile commands (the actions and their work live in desktop.ui.dialogs) ----------------

    def add_profile_actions(self, buttons: Sequence[QAction],
                            menu_groups: Sequence[Sequence[QAction]], *,
                            double_click: QAction, delete_key: QAction) -> None:
        """Show ``buttons`` above the list and ``menu_groups`` on right-click."""
        # Plain buttons in a wrapping row, not a QToolBar: a toolbar's buttons take no focus
        # (Tab never reached them) and hide behind a » menu when the sidebar is narrow.
        self.toolbar = QWidget()
        self.toolbar.setObjectName("profileToolbar")
        row = FlowLayout(self.toolbar, spacing=2)
        for action in buttons:
            self.toolbar.addAction(action)
            row.add(text_tool_button(action))
        self._layout.insertWidget(1, self.toolbar)
        self._menu_groups = menu_groups
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.doubleClicked.connect(
            lambda index: double_click.trigger() if index.data(PROFILE_ID_ROLE) else None)
        self.delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.tree,
                                         delete_key.trigger,
                                         context=Qt.ShortcutContext.WidgetShortcut)

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for number, group in enumerate(self._menu_groups):
            if number:
                menu.addSeparator()
            menu.addActions(list(group))
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.data(PROFILE_ID_ROLE):
            self.tree.setCurrentIndex(index)
        self._menu = self.context_menu()
        self._menu.popup(self.tree.viewport().mapToGlobal(pos))

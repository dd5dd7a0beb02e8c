"""The sidebar's Collections section: the tree, its buttons, its keys and context menu.

Enter (or a double-click) opens a request in the Composer; F2 renames,
Delete deletes (to the trash, after asking), Alt+Up and Alt+Down move a row
among its siblings. The tree claims those keys while it has the focus, so
the window-wide F2 (edit profile) does not fire from here. The work is
``CollectionActions``'; this widget only routes keys and clicks to it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMainWindow,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.context import AppContext
from desktop.ui.models.collections_model import KIND_ROLE, CollectionsModel, Key, key_of
from desktop.ui.style import borderless, sidebar_heading
from desktop.ui.widgets.actions import text_tool_button
from desktop.ui.widgets.flow import FlowLayout

_ALT = Qt.KeyboardModifier.AltModifier
_KEYS = {
    (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier): "rename",
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier): "delete",
    (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier): "open",
    (Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier): "open",
    (Qt.Key.Key_Up, _ALT): "up",
    (Qt.Key.Key_Down, _ALT): "down",
}


class CollectionsTree(QTreeView):
    """A tree view that takes its own keys before the window's shortcuts see them."""

    def __init__(self, panel: CollectionsPanel) -> None:
        super().__init__()
        self._panel = panel

    def _command(self, event: QKeyEvent) -> str | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier \
            if event.key() != Qt.Key.Key_Enter else event.modifiers()
        return _KEYS.get((Qt.Key(event.key()), modifiers)) or (
            "open" if event.key() == Qt.Key.Key_Enter else None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and self._command(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        command = self._command(event)
        if command is None:
            super().keyPressEvent(event)
            return
        event.accept()
        self._panel.command(command)


class CollectionsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.ui.collections.actions import CollectionActions

        self.ctx = ctx
        self.setObjectName("collectionsPanel")
        self.model = CollectionsModel(ctx.collections, self)
        self.tree = CollectionsTree(self)
        self.tree.setObjectName("collectionsTree")
        self.tree.setAccessibleName("Collections")
        self.tree.setAccessibleDescription(
            "Saved requests by collection and folder. Enter opens the selected request in the "
            "Composer, F2 renames, Delete deletes, Alt+Up and Alt+Down move it; the context "
            "menu has every collection action.")
        borderless(self.tree)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.doubleClicked.connect(self._double_clicked)
        self.problems = QLabel()
        self.problems.setObjectName("collectionProblems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.actions = CollectionActions(ctx, self)
        self.toolbar = QWidget()
        self.toolbar.setObjectName("collectionsToolbar")
        row = FlowLayout(self.toolbar, spacing=2)
        for action in self.actions.buttons:
            row.add(text_tool_button(action))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(sidebar_heading("Collections"))
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.problems)
        self._menu: QMenu | None = None
        self._expanded: set[Key] = set()
        self._known: set[str] = set()
        self._want: Key | None = None
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._after_reset)
        self.tree.expanded.connect(lambda index: self._expanded.add(key_of(index)))
        self.tree.collapsed.connect(lambda index: self._expanded.discard(key_of(index)))
        self.tree.selectionModel().currentChanged.connect(lambda *_: self.actions.update())
        self._restore()

    # -- keeping the view across rebuilds ----------------------------------------------------

    def _remember(self) -> None:
        current = key_of(self.tree.currentIndex())
        if self._want is None and current is not None:
            self._want = current

    def _after_reset(self) -> None:
        # Rows are appended after the reset; restore once the model has them all.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._restore)

    def refresh(self, select: Key | None = None) -> None:
        """Re-read the disk now and select ``select`` (after an operation)."""
        if select is not None:
            self._want = select
        self.model.rebuild()
        self._restore()

    def _restore(self) -> None:
        roots = {key[0] for r in range(self.model.rowCount())
                 if (key := key_of(self.model.index(r, 0))) is not None}
        # Collections are shown open the first time they are seen (at start, created, opened).
        self._expanded |= {(root, "") for root in roots - self._known}
        self._known |= roots
        self.tree.blockSignals(True)
        for key in list(self._expanded):
            index = self.model.find(key) if key else None
            if index is not None:
                self.tree.expand(index)
        self.tree.blockSignals(False)
        want, self._want = self._want, None
        index = self.model.find(want) if want else None
        if index is not None:
            parent = index.parent()
            while parent.isValid():
                self.tree.expand(parent)
                self._expanded.add(key_of(parent))
                parent = parent.parent()
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        self.problems.setVisible(bool(self.model.problems))
        self.problems.setText("⚠ " + "\n⚠ ".join(self.model.problems[:3]) + (
            f"\n(and {len(self.model.problems) - 3} more)" if len(self.model.problems) > 3
            else ""))
        self.problems.setToolTip("\n".join(self.model.problems))
        self.actions.update()

    def select(self, key: Key) -> QModelIndex | None:
        self._want = key
        self._restore()
        return self.model.find(key)

    # -- input ------------------------------------------------------------------------------

    def command(self, name: str) -> None:
        actions = self.actions
        if name == "open":
            index = self.tree.currentIndex()
            if index.data(KIND_ROLE) == "request":
                actions.open_request()
            elif index.isValid():
                self.tree.setExpanded(index, not self.tree.isExpanded(index))
        elif name == "rename":
            actions.rename()
        elif name == "delete":
            actions.delete()
        elif name in ("up", "down"):
            actions.move(-1 if name == "up" else 1)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) == "request":
            self.actions.open_request()

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for number, group in enumerate(self.actions.menu_groups()):
            if number:
                menu.addSeparator()
            menu.addActions(group)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self._menu = self.context_menu()
        self._menu.popup(self.tree.viewport().mapToGlobal(pos))


def install_collections(window: QMainWindow, ctx: AppContext) -> CollectionsPanel:
    """The collections tree under the profiles, and File › Import… / New collection…."""
    panel = CollectionsPanel(ctx)
    window.collections_panel = panel
    window.sidebar.add_section(panel)
    actions = panel.actions
    window.import_action = QAction("Import collection or &API file…", window)
    window.import_action.setShortcut(QKeySequence("Ctrl+I"))
    window.import_action.setStatusTip("Postman, Insomnia, OpenAPI or HAR: previewed before "
                                      "anything is written")
    window.import_action.triggered.connect(lambda: window.show_import())
    menu = window.file_menu
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, [window.import_action, actions.new_collection_action,
                               actions.open_folder_action])
    menu.insertSeparator(first)
    return panel

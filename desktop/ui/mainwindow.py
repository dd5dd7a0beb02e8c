"""The main window: profile sidebar, the pages as tabs, menus, status bar.

It is built in two steps so the first paint costs little more than a bare
window: the shell (frame, menus, tabs, status bar) needs nothing but Qt;
``attach(ctx)`` then brings in the profiles and builds the current page.
Other pages are built the first time they are shown: their modules (and
what those import) are not loaded before the user asks for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.ui import window_state
from desktop.ui.style import SIDEBAR_MIN_WIDTH, sidebar_heading

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from desktop.core.profiles import Profile
    from desktop.ui.context import AppContext
    from desktop.ui.pages.base import Page

PAGES: tuple[tuple[str, str, str], ...] = (
    ("Checklist", "desktop.ui.pages.checklist", "ChecklistPage"),
    ("Composer", "desktop.ui.pages.composer", "ComposerPage"),
    ("History", "desktop.ui.pages.history", "HistoryPage"),
    ("Webhooks", "desktop.ui.pages.webhooks", "WebhooksPage"),
    ("Rate limits", "desktop.ui.pages.ratelimits", "RateLimitsPage"),
)
PAGE_TITLES = tuple(title for title, _module, _name in PAGES)


def page_type(title: str) -> type[Page]:
    for page_title, module, name in PAGES:
        if page_title == title:
            return getattr(importlib.import_module(module), name)
    raise KeyError(title)


class _Placeholder(QWidget):
    """Stands in a tab until its page is built (a frame at most, the first time)."""


class LazyPages(Mapping[str, "Page"]):
    """``window.pages["Composer"]``: the page, built on first access."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getitem__(self, title: str) -> Page:
        return self._window.page(title)

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_TITLES)

    def __len__(self) -> int:
        return len(PAGE_TITLES)

    def built(self) -> list[Page]:
        return list(self._window._built.values())


class _FirstPaintWatcher(QObject):
    """Emits once, after the window has been painted for the first time."""

    painted = Signal()

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self._done = False
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            watched.removeEventFilter(self)
            # Qt is still inside the paint; announce it once that has finished.
            QTimer.singleShot(0, self.painted.emit)
        return False


class MainWindow(QMainWindow):
    close_requested = Signal()
    first_painted = Signal()

    def __init__(self, ctx: AppContext | None = None, icon: QIcon | None = None) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        if icon is not None:
            self.setWindowIcon(icon)
        self._fit_default_size()
        self._closing = False
        self._built: dict[str, Page] = {}
        self._pending_shortcuts: list[tuple[QAction, object]] = []
        self.pages = LazyPages(self)

        self.sidebar: QWidget = self._sidebar_placeholder()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        for number, title in enumerate(PAGE_TITLES):
            self.tabs.addTab(_Placeholder(), title)
            self.tabs.setTabToolTip(number, f"{title} (Ctrl+{number + 1})")
        self.tabs.currentChanged.connect(self._tab_shown)
        # Horizontal is QSplitter's default: spelling it out touches PySide's Qt namespace,
        # whose first use costs ~40 ms, before the first paint.
        self.splitter = QSplitter()
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)  # the sidebar stays readable (Ctrl+B hides it)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 960])
        self.setCentralWidget(self.splitter)

        self._build_status_bar()
        self._build_menus()
        self._paint_watcher = _FirstPaintWatcher(self)
        self._paint_watcher.painted.connect(self.first_painted.emit)
        self.restore_state()
        if ctx is not None:
            self.attach(ctx)
            self.finish_startup()

    def _sidebar_placeholder(self) -> QWidget:
        placeholder = QWidget()
        placeholder.setMinimumWidth(SIDEBAR_MIN_WIDTH)
        layout = QVBoxLayout(placeholder)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(sidebar_heading("Profiles"))
        layout.addStretch(1)
        return placeholder

    def attach(self, ctx: AppContext) -> None:
        """Bring in the workspace: the profile sidebar, the actions, the current page."""
        from desktop.ui.sidebar import ProfileSidebar
        from desktop.ui.style import show_focus_rings
        from desktop.ui.theme import theme

        self.ctx = ctx
        theme().follow_system()  # after the first paint: see desktop.ui.theme
        show_focus_rings()
        self._install_shortcuts()
        sidebar = ProfileSidebar(ctx)
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(0, sidebar)
        self.sidebar.deleteLater()
        self.sidebar = sidebar
        self.splitter.setSizes(sizes)
        self._build_profile_actions()
        from desktop.ui.composer.exports import install_curl_actions

        install_curl_actions(self, lambda: self.page("Composer"))
        from desktop.ui.collections.panel import install_collections

        install_collections(self, ctx)
        ctx.active_profile_changed.connect(self._on_profile_changed)
        ctx.services_changed.connect(self._refresh_services)
        ctx.status_message.connect(self._show_message)
        ctx.show_page.connect(self.show_page)
        self._on_profile_changed(ctx.active_profile)
        self._tab_shown(self.tabs.currentIndex())

    def finish_startup(self) -> None:
        """What can wait until the window is on screen."""
        if self.ctx is None:
            return
        self._show_keychain_status()
        notes = [self.ctx.workspace.profiles.load_problem or ""]
        skipped = self.ctx.workspace.providers.problems  # broken provider files, each logged
        if skipped:
            more = f" (and {len(skipped) - 1} more: see the log)" if len(skipped) > 1 else ""
            notes.append(f"Provider file skipped: {skipped[0]}{more}")
        if any(notes):
            self.statusBar().showMessage("  ·  ".join(note for note in notes if note))

    # -- pages ----------------------------------------------------------------------------------

    def page(self, title: str) -> Page:
        """The page with this title, built now if it has not been yet."""
        page = self._built.get(title)
        if page is not None:
            return page
        if self.ctx is None:
            raise RuntimeError("pages need the workspace: attach(ctx) first")
        index = PAGE_TITLES.index(title)
        page = page_type(title)(self.ctx)
        self._built[title] = page
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, title)
        self.tabs.setTabToolTip(index, f"{title} (Ctrl+{index + 1})")
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()
        page.on_profile_changed(self.ctx.active_profile)
        return page

    def _tab_shown(self, index: int) -> None:
        if self.ctx is not None and 0 <= index < len(PAGE_TITLES):
            self.page(PAGE_TITLES[index])

    # -- building ----------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        from desktop.ui.statusbar import StatusBar, StatusTipRouter

        bar = StatusBar(self)
        self.setStatusBar(bar)
        self._status_tips = StatusTipRouter(self, bar)
        self.production_badge, self.profile_label = bar.production_badge, bar.profile_label
        self.sandbox_label, self.receiver_label = bar.sandbox_label, bar.receiver_label
        self.keychain_label = bar.keychain_label

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot, *, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # Set in attach(), after the first paint: the first setShortcut() makes PySide
            # build its key enums (~30 ms), which would delay the window's first frame.
            self._pending_shortcuts.append((action, shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _install_shortcuts(self) -> None:
        pending, self._pending_shortcuts = self._pending_shortcuts, []
        for action, shortcut in pending:
            action.setShortcut(QKeySequence(shortcut))

    def _build_menus(self) -> None:
        menus = self.menuBar()
        self.file_menu = menus.addMenu("&File")
        self.quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close,
                                        tip="Stop the sandbox and receivers, then quit")
        self.export_bundle_action = self._action(
            "&Export diagnostic bundle…", "Ctrl+Shift+E", self.export_bundle,
            tip="Preview, then save a redacted zip for a support ticket")
        self.file_menu.addAction(self.export_bundle_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.view_menu = menus.addMenu("&View")
        for number, title in enumerate(PAGE_TITLES, start=1):
            action = self._action(title, f"Ctrl+{number}",
                                  lambda _checked=False, t=title: self.show_page(t),
                                  tip=f"Show the {title} page")
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.toggle_sidebar_action = self._action("Profile &sidebar", "Ctrl+B",
                                                  self._toggle_sidebar)
        self.toggle_sidebar_action.setCheckable(True)
        self.toggle_sidebar_action.setChecked(True)
        self.view_menu.addAction(self.toggle_sidebar_action)

        self.help_menu = menus.addMenu("&Help")
        self.help_menu.addAction(self._action("Open the &log folder", None, self._open_log_folder))
        self.help_menu.addAction(self._action("&Keyboard shortcuts", "Ctrl+/", self.show_shortcuts,
                                              tip="Every key, and where it works"))
        self.help_menu.addAction(self._action(f"&About {APP_NAME}", "F1", self._about))

    def _about(self) -> None:
        from desktop.ui.about import show_about

        self.about_box = show_about(self)

    def show_shortcuts(self) -> QWidget:
        from desktop.ui.shortcuts import show_shortcuts

        self.shortcuts_dialog = show_shortcuts(self)
        return self.shortcuts_dialog

    def _build_profile_actions(self) -> None:
        """New/Edit/Duplicate/Delete/Import/Export: File menu, sidebar buttons, context menu."""
        from desktop.ui.dialogs.profile_actions import ProfileActions

        self.profile_actions = actions = ProfileActions(self.ctx, self)
        before = self.file_menu.actions()[0] if self.file_menu.actions() else None
        for group in actions.menu_groups:
            self.file_menu.insertActions(before, group)
            self.file_menu.insertSeparator(before)
        self.sidebar.add_profile_actions(
            [actions.new_action, *actions.selection_actions], actions.menu_groups,
            double_click=actions.edit_action, delete_key=actions.delete_action)
        actions.keychain_status_changed.connect(self._show_keychain_status)

    def show_import(self, path: object = None) -> QWidget:
        from desktop.ui.dialogs.import_dialog import show_import

        self.import_dialog = show_import(self.ctx, self, path)
        return self.import_dialog

    def _show_keychain_status(self, *_status: object) -> None:
        """The no-keychain warning, once something has needed the keychain (never probed
        just for the status bar: the probe loads keyring and its backend)."""
        status = self.ctx.workspace.secrets.known_status if self.ctx else None
        self.keychain_label.setVisible(status is not None and not status.available)
        self.keychain_label.setText("⚠ No keychain: secrets in memory")
        self.keychain_label.setToolTip(status.message if status else "")

    def _fit_default_size(self) -> None:
        """1200×780, or 90% of a smaller screen: first launch must not open off-screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1200, 780
        if screen is not None:
            width = min(width, int(screen.width() * 0.9))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    # -- behaviour -----------------------------------------------------------------------------

    def show_page(self, title: str) -> Page:
        page = self.page(title)
        self.tabs.setCurrentWidget(page)
        return page

    def export_bundle(self) -> QWidget | None:
        from desktop.ui.bundle.action import export_bundle

        return export_bundle(self, self.ctx)  # the preview deletes itself when closed

    def _toggle_sidebar(self, checked: bool) -> None:
        self.sidebar.setVisible(checked)

    def _open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from desktop.core.logsetup import log_file

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent)))

    def _on_profile_changed(self, profile: Profile | None) -> None:
        if profile is None:
            self.profile_label.setText("No profile")
            self.production_badge.hide()
            return
        provider = self.ctx.workspace.provider_for(profile)
        environment = provider.environment(profile.environment) if provider else None
        env_name = environment.name if environment else profile.environment
        self.profile_label.setText(f"Profile: {profile.name} ({env_name})")
        self.production_badge.setVisible(bool(environment and environment.production))
        self.setWindowTitle(f"{profile.name} — {APP_NAME}")

    def _refresh_services(self) -> None:
        if self.ctx is None:
            return
        if self.ctx.sandbox_url:
            self.sandbox_label.setText(f"Sandbox: {self.ctx.sandbox_url}")
            self.sandbox_label.setToolTip("The simulated API is listening on this address.")
        elif self.ctx.sandbox_error:
            self.sandbox_label.setText("Sandbox: failed to start")
            self.sandbox_label.setToolTip(self.ctx.sandbox_error)
        receivers = [s.receiver.url for s in self.ctx.sessions
                     if s.receiver is not None and s.receiver.running and s.receiver.url]
        self.receiver_label.setText(f"Receiver: {receivers[0]}" if receivers else "Receiver: off")
        self.receiver_label.setToolTip("\n".join(receivers) or "No webhook receiver is running; "
                                       "it starts with the checklist or the Webhooks page.")
        self._show_keychain_status()

    def _show_message(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # -- state ---------------------------------------------------------------------------------

    def restore_state(self) -> None:
        window_state.restore(self)

    def save_state(self) -> None:
        window_state.save(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            self.save_state()
            self.close_requested.emit()
        event.accept()

"""What every page needs: the core Workspace and the app's running services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.core.profiles import Profile
from desktop.core.sessions import ProfileSession, Sessions
from desktop.core.workspace import Workspace

if TYPE_CHECKING:
    from desktop.core.collections import Collection, CollectionLibrary


class AppContext(QObject):
    """Qt-side hub: forwards core events as signals so views update on the UI thread."""

    active_profile_changed = Signal(object)
    """The selected Profile (or None)."""
    profiles_changed = Signal()
    services_changed = Signal()
    """The sandbox or a webhook receiver started or stopped."""
    status_message = Signal(str, int)
    """Text for the status bar and how long to show it (ms, 0 = until replaced)."""
    open_exchange = Signal(object)
    """Show this Exchange in the composer's response viewer (from history, checklist...)."""
    show_page = Signal(str)
    """Bring a page to the front by its title."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.sandbox = None
        """The running embedded sandbox (desktop.sandbox), once started."""
        self.sandbox_error: str | None = None
        self.sessions = Sessions(workspace)
        self._collections: CollectionLibrary | None = None
        workspace.active_changed.connect(self.active_profile_changed.emit)
        workspace.profiles.changed.connect(lambda _store: self.profiles_changed.emit())
        self.profiles_changed.connect(self._sync_sessions)

    def session(self, profile: Profile | None = None) -> ProfileSession | None:
        """A profile's live session (client, receiver, rate limits); the active one by default."""
        profile = profile or self.active_profile
        if profile is None:
            return None
        return self.sessions.get(profile)

    @property
    def collections(self) -> CollectionLibrary:
        """The saved-request collections (built on first use: start-up does not read them)."""
        if self._collections is None:
            from desktop.core.collections import CollectionLibrary

            self._collections = CollectionLibrary()
        return self._collections

    def writable(self, collection: Collection) -> Collection:
        """The collection bound to the active profile before a write: its redactor knows the
        profile's secret values and its auth header is never stored."""
        try:
            session = self.session()
        except KeyError:  # the profile's provider is not installed: the default redactor
            session = None
        if session is not None:
            from desktop.core.collections import bind_to_session

            bind_to_session(collection, session)
        return collection

    @property
    def active_profile(self) -> Profile | None:
        return self.workspace.active

    def set_active_profile(self, profile: Profile | None) -> None:
        self.workspace.set_active(profile)

    def say(self, text: str, timeout_ms: int = 5000) -> None:
        self.status_message.emit(text, timeout_ms)

    @property
    def sandbox_url(self) -> str | None:
        sandbox = self.sandbox
        return sandbox.url if sandbox is not None and sandbox.running else None

    def _sync_sessions(self) -> None:
        """An edited profile gets a fresh client; a deleted one's session is closed."""
        self.sessions.sync()
        self._tidy_sessions()

    def _tidy_sessions(self, attempts: int = 50) -> None:
        """Close what sync() replaced, from the event loop (a profile edit can arrive while
        a modal Qt loop runs; then try again shortly)."""
        import asyncio

        from PySide6.QtCore import QTimer

        from desktop.ui.crash import spawn

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            if attempts:
                QTimer.singleShot(100, lambda: self._tidy_sessions(attempts - 1))
            return
        spawn(self.sessions.tidy(), name="tidy-sessions")

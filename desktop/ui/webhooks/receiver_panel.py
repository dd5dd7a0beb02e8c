"""The receiver controls: listening or not, where, and how deliveries are checked.

The receiver itself belongs to the profile's session (core); this panel
starts and stops it, shows its URL, the scheme and whether a webhook
secret is set, and the receiver's own warning when it listens beyond
this computer. The checklist starts the same receiver, so the panel
follows the session's ``receiver_changed`` rather than its own clicks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.core.palette import Colours
from desktop.core.profiles import Profile
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from desktop.ui.context import AppContext
from desktop.ui.crash import spawn
from desktop.ui.theme import bind, colours
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text
from desktop.ui.widgets.flow import FlowLayout

SANDBOX_PATH = "webhooks"
"""Where the Sandbox posts under the receiver's URL (the checklist uses the same path)."""


class _Relay(QObject):
    """Brings core's ``receiver_changed`` (a plain callback) into Qt as a queued signal."""

    changed = Signal()


class ReceiverPanel(QFrame):
    test_event_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("receiverPanel")
        self.session: ProfileSession | None = None
        self.error: str | None = None
        self.task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._relay = _Relay(self)
        self._relay.changed.connect(self._receiver_changed, Qt.ConnectionType.QueuedConnection)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = FlowLayout()
        self.state_label = QLabel()
        self.state_label.setObjectName("receiverState")
        row.add(self.state_label)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("receiverUrl")
        self.url_edit.setReadOnly(True)
        self.url_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.url_edit.setMinimumWidth(220)
        self.url_edit.setAccessibleName("Receiver URL")
        self.url_edit.setAccessibleDescription("Where the receiver listens: give this address "
                                               "(or a tunnel to it) to the sender")
        row.add(self.url_edit, stretch=True)
        self.copy_button = QPushButton("Copy URL")
        self.copy_button.setObjectName("copyReceiverUrl")
        self.copy_button.setToolTip("Copy the receiver's URL to the clipboard")
        self.copy_button.clicked.connect(self.copy_url)
        row.add(self.copy_button)
        self.toggle_button = QPushButton("Start listening")
        self.toggle_button.setObjectName("receiverToggle")
        self.toggle_button.setToolTip("Start or stop this profile's webhook receiver")
        self.toggle_button.clicked.connect(self.toggle)
        row.add(self.toggle_button)
        self.test_button = QPushButton("Send a test event…")
        self.test_button.setObjectName("sendTestEvent")
        self.test_button.setToolTip("Post a signed, provider-shaped event to a URL "
                                    "(this receiver by default)")
        self.test_button.clicked.connect(self.test_event_requested)
        row.add(self.test_button)
        layout.addLayout(row)
        self.facts = QLabel()
        self.facts.setObjectName("receiverFacts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.warning = QLabel()
        self.warning.setObjectName("receiverWarning")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        self.error_label = QLabel()
        self.error_label.setObjectName("receiverError")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        bind(self, self._recolour)

    def _recolour(self, c: Colours) -> None:
        self.warning.setStyleSheet(f"color: {c.warn};")
        self.error_label.setStyleSheet(f"color: {c.fail};")
        self.refresh()

    # -- binding ---------------------------------------------------------------------------------

    def bind(self, session: ProfileSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.session = session
        self.error = None
        if session is not None:
            relay = self._relay  # the session may outlive this panel: check before signalling
            self._unsubscribe = session.receiver_changed.connect(
                lambda _session: isValid(relay) and relay.changed.emit())
        self.refresh()

    @property
    def profile(self) -> Profile | None:
        """The saved profile (fresher than the session's while an edit is being applied)."""
        if self.session is None:
            return None
        saved = self.ctx.workspace.profiles.by_id(self.session.profile.id)
        return saved or self.session.profile

    @property
    def running(self) -> bool:
        receiver = self.session.receiver if self.session else None
        return receiver is not None and receiver.running

    @property
    def url(self) -> str | None:
        return self.session.receiver.url if self.running and self.session \
            and self.session.receiver else None

    # -- actions -----------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        if self.session is None or (self.task is not None and not self.task.done()):
            return
        self.error = None
        self.task = spawn(self._start(self.session), name="webhook-receiver-start")
        self.refresh()

    def stop(self) -> None:
        if self.session is None or (self.task is not None and not self.task.done()):
            return
        self.task = spawn(self._stop(self.session), name="webhook-receiver-stop")
        self.refresh()

    async def _start(self, session: ProfileSession) -> None:
        settings = session.profile.webhook
        try:
            receiver = await session.start_receiver()
        except (OSError, ValueError) as exc:
            port = settings.port or "any free port"
            self.error = f"The receiver could not start on {settings.host}, {port}: {exc}"
        else:
            self.ctx.say(f"Listening for webhooks on {receiver.url}")
        finally:
            self.task = None
            self.ctx.services_changed.emit()
            self.refresh()

    async def _stop(self, session: ProfileSession) -> None:
        try:
            await session.stop_receiver()
            self.ctx.say("The webhook receiver stopped.")
        finally:
            self.task = None
            self.ctx.services_changed.emit()
            self.refresh()

    def copy_url(self) -> None:
        if not self.url:
            self.ctx.say("Nothing to copy: the receiver is not listening.")
        elif copy_text(self.url):
            self.ctx.say(f"Copied {self.url}")
        else:
            self.ctx.say(NOT_COPIED)

    def _receiver_changed(self) -> None:
        self._point_sandbox()
        self.ctx.services_changed.emit()
        self.refresh()

    def _point_sandbox(self) -> None:
        """A Sandbox profile's receiver is where the Sandbox posts, as in a checklist run."""
        sandbox = self.ctx.sandbox
        if self.session is None or not self.session.provider.sandbox or sandbox is None:
            return
        if self.url:
            sandbox.configure(webhook_url=self.url + SANDBOX_PATH)

    # -- rendering ------------------------------------------------------------------------------

    def refresh(self) -> None:
        session, profile = self.session, self.profile
        busy = self.task is not None and not self.task.done()
        for widget in (self.toggle_button, self.test_button):
            widget.setEnabled(session is not None and not busy)
        self.copy_button.setEnabled(self.url is not None)
        self.toggle_button.setText("Stop listening" if self.running else "Start listening")
        self.error_label.setText(self.error or "")
        self.error_label.setVisible(bool(self.error))
        if session is None or profile is None:
            self.state_label.setText("○ No profile")
            self.url_edit.clear()
            self.facts.clear()
            self.warning.hide()
            return
        settings = profile.webhook
        receiver = session.receiver if self.running else None
        c = colours()
        if busy:
            self.state_label.setText("… Working")
        elif receiver is not None:
            self.state_label.setText(f"<span style='color:{c.ok}'>●</span> Listening")
        else:
            self.state_label.setText(f"<span style='color:{c.muted}'>○</span> Not listening")
        self.url_edit.setText(self.url or "")
        self.url_edit.setPlaceholderText("Start listening to get the receiver's URL")
        host = receiver.host if receiver is not None else settings.host
        port = receiver.port if receiver is not None else (settings.port or "any free port")
        scheme = session.provider.webhooks.scheme
        facts = [f"Host {host}", f"port {port}"]
        if scheme == "none":
            facts.append("no signature scheme: deliveries are recorded unchecked")
        else:
            facts.append(f"scheme <b>{scheme}</b>")
            if session.secret(SecretKind.WEBHOOK_SECRET):
                facts.append(f"webhook secret <span style='color:{c.ok}'>✓ set</span>")
            else:
                facts.append(f"webhook secret <span style='color:{c.fail}'>✗ not set</span>: "
                             "every signed delivery fails verification (edit the profile)")
        sandbox = self.ctx.sandbox
        if receiver is not None and session.provider.sandbox and sandbox is not None and \
                (sandbox.config.webhook_url or "").startswith(receiver.url or "-"):
            facts.append("the Sandbox posts its webhooks here")
        self.facts.setText(" · ".join(facts))
        warning = receiver.warning if receiver is not None else (
            f"This profile allows connections from other machines: the receiver will listen "
            f"on {settings.host}." if settings.allow_all_interfaces else None)
        self.warning.setText(f"⚠ {warning}" if warning else "")
        self.warning.setVisible(bool(warning))

"""Posting a webhook ourselves: "Replay to URL…" and "Send a test event…".

Core builds the request (``desktop.core.webhooks.outbound``) and the
profile's client sends it without the profile's credentials; the dialogs
show the endpoint's answer, or why nothing came back, in place, and keep
what the user typed so the next attempt is one click away.
"""

from __future__ import annotations

import asyncio

import httpx
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.core.client.auth import TokenError
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import Exchange
from desktop.core.richtext import escape
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from desktop.core.webhooks.correlation import LifecycleRules
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.outbound import build_test_event, replay_dropped, replay_request
from desktop.core.webhooks.signatures import HmacOptions
from desktop.core.window_text import display_url
from desktop.ui.composer.units import human_ms
from desktop.ui.crash import spawn
from desktop.ui.theme import colours
from desktop.ui.widgets.accessible import describe_buttons

ANSWER_PREVIEW = 400
"""Characters of the endpoint's answer shown under its status."""


class SendDialog(QDialog):
    """A URL, a Send button, and the endpoint's answer shown in place."""

    answered = Signal(object)
    """The Exchange of the last send (a response or a transport error)."""

    def __init__(self, session: ProfileSession, title: str, intro: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: asyncio.Task[None] | None = None
        self.exchange: Exchange | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("sendUrl")
        self.url_edit.setPlaceholderText("http://127.0.0.1:3000/webhooks")
        self.url_edit.returnPressed.connect(self.send)
        self.url_edit.setToolTip("Where to POST the event; Enter sends")
        self.answer = QLabel()
        self.answer.setObjectName("sendResult")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer.setMinimumHeight(48)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send it now (Enter)")
        self.send_button.clicked.connect(self.send)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        describe_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleDescription(
            "Close this window; a send in flight is cancelled (Esc)")
        self._tail = (self.answer, buttons)

    def finish_layout(self) -> None:
        """Subclasses add their rows to ``form`` first; the URL, answer and buttons close it."""
        self.form.addRow("URL", self.url_edit)
        layout = self.layout()
        for widget in self._tail:
            layout.addWidget(widget)

    def build(self) -> RequestSpec:
        """The request to send; ``ValueError`` with words for the user when it cannot be."""
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    def send(self) -> None:
        if self.busy:
            return
        try:
            spec = self.build()
        except ValueError as exc:
            self.show_problem(str(exc))
            return
        self.send_button.setEnabled(False)
        self.answer.setText(f"Sending to {escape(display_url(spec.url))}…")
        self.task = spawn(self._send(spec), name="webhook-send")

    async def _send(self, spec: RequestSpec) -> None:
        try:
            exchange = await self.session.client.send(spec)
        except (TokenError, httpx.HTTPError, httpx.InvalidURL, RuntimeError) as exc:
            self.show_problem(f"Not sent: {exc}")
        else:
            self.exchange = exchange
            self.show_answer(exchange)
            self.answered.emit(exchange)
        finally:
            if isValid(self):  # closing the dialog cancels the send, then deletes it
                self.send_button.setEnabled(True)

    def show_problem(self, text: str) -> None:
        self.answer.setText(f"<span style='color:{colours().fail}'>✗ {escape(text)}</span>")

    def show_answer(self, exchange: Exchange) -> None:
        c = colours()
        response = exchange.response
        if response is None:
            error = exchange.error
            lines = [f"<span style='color:{c.fail}'>✗ No answer ({escape(exchange.error_label)})"
                     f": {escape(error.message if error else 'unknown error')}</span>"]
            lines.append(f"Nothing answered at {escape(display_url(exchange.request.url))}: "
                         "check that the "
                         "endpoint is running and listens on that address and port.")
        else:
            colour = c.ok if response.status < 300 else c.fail
            lines = [f"<span style='color:{colour}'><b>{response.status} "
                     f"{escape(response.reason)}</b></span> in "
                     f"{human_ms(exchange.duration_ms)}"]
            text = response.text(ANSWER_PREVIEW)
            if text.strip():
                lines.append(f"<code>{escape(text)}</code>")
        lines.extend(self.comparison(exchange))
        self.answer.setText("<br>".join(lines))

    def comparison(self, exchange: Exchange) -> list[str]:
        """Extra lines that put the answer in context."""
        return []

    def done(self, code: int) -> None:
        if self.busy and self.task is not None:
            self.task.cancel()
        super().done(code)


class ReplayDialog(SendDialog):
    last_url = ""
    """The URL of the previous replay in this run of the app: people replay to one handler."""

    def __init__(self, session: ProfileSession, event: WebhookEvent,
                 parent: QWidget | None = None) -> None:
        dropped = replay_dropped(event)
        left_out = (f" Left out: {escape(', '.join(dropped))} (the client writes its own "
                    "connection headers).") if dropped else ""
        super().__init__(session, "Replay to URL", (
            f"Re-POST this <b>{escape(event.event_type or 'event')}</b> — its exact body and "
            f"headers — to another endpoint (your own webhook handler, say) and compare its "
            f"answer with the receiver's ({event.status}).{left_out} The signature is sent as "
            "received: a handler that checks timestamps refuses it once it is older than its "
            "tolerance."), parent)
        self.setObjectName("replayDialog")
        self.webhook_event = event
        self.url_edit.setText(ReplayDialog.last_url)
        self.finish_layout()

    def build(self) -> RequestSpec:
        spec = replay_request(self.webhook_event, self.url_edit.text())
        ReplayDialog.last_url = spec.url
        return spec

    def comparison(self, exchange: Exchange) -> list[str]:
        return [f"The receiver answered {self.webhook_event.status} when this event arrived."]


class TestEventDialog(SendDialog):
    __test__ = False  # a dialog, not a pytest test class

    def __init__(self, session: ProfileSession, receiver_url: str | None,
                 parent: QWidget | None = None) -> None:
        provider = session.provider
        self.scheme = provider.webhooks.scheme
        self.rules = LifecycleRules.from_scheme(provider.webhooks)
        super().__init__(session, "Send a test event", (
            f"Post a {escape(provider.name)}-shaped lifecycle event, signed with the profile's "
            "webhook secret, to a URL: this receiver's own by default, where it appears in the "
            "list with its signature verdict. The secret itself is never shown or sent."),
            parent)
        self.setObjectName("testEventDialog")
        self.receiver_url = receiver_url
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("testEventType")
        self.type_combo.setToolTip("Which lifecycle event to send")
        self.type_combo.addItems(list(self.rules.order))
        terminal = next(iter(self.rules.terminal), None)
        if terminal:
            self.type_combo.setCurrentText(terminal)
        self.form.addRow("Event type", self.type_combo)
        self.message_edit = QLineEdit()
        self.message_edit.setObjectName("testEventMessageId")
        self.message_edit.setPlaceholderText("empty: a new msg_test_… id each time")
        self.message_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.form.addRow("Message id", self.message_edit)
        has_secret = bool(session.secret(SecretKind.WEBHOOK_SECRET))
        self.sign_check = QCheckBox(f"Sign it ({self.scheme}) with the profile's webhook secret")
        self.sign_check.setObjectName("testEventSign")
        self.sign_check.setToolTip("Sign the event as the provider would, so the receiver can "
                                   "verify it")
        self.sign_check.setChecked(has_secret and self.scheme != "none")
        self.sign_check.setEnabled(has_secret and self.scheme != "none")
        if self.scheme == "none":
            self.sign_check.setText("Unsigned: this provider has no signature scheme")
        elif not has_secret:
            self.sign_check.setText("Unsigned: the profile has no webhook secret (edit the "
                                    "profile to set one)")
        self.form.addRow("", self.sign_check)
        self.url_edit.setText(receiver_url or "")
        self.finish_layout()

    def build(self) -> RequestSpec:
        signed = self.sign_check.isChecked()
        options = None
        if signed and self.scheme == "hmac" and self.session.provider.webhooks.options:
            options = HmacOptions.from_mapping(self.session.provider.webhooks.options)
        return build_test_event(
            self.url_edit.text(),
            scheme=self.scheme if signed else None,
            secret=self.session.secret(SecretKind.WEBHOOK_SECRET) if signed else None,
            event_type=self.type_combo.currentText(),
            message_id=self.message_edit.text().strip() or None,
            options=options,
            rules=self.rules,
        )

    def comparison(self, exchange: Exchange) -> list[str]:
        if self.receiver_url and exchange.request.url == self.receiver_url:
            return ["It is in this page's event list now, with its signature verdict."]
        return []

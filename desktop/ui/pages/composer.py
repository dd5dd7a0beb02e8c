"""The Composer page: build a request from the profile, lint it, send it, read the answer.

Left: the request editor, lint findings and the Send button. Right: the
response viewer with its explanation. The page wires widgets to core:
lint (``lint_request``/``apply_fix``), templates (``fill_template``), the
profile's client (through ``Sender``), curl import/export and the redactor.

Lint never blocks sending. When error findings are listed, the first press
of Send asks in place ("Send anyway") and the second sends; that answer is
remembered for the same set of errors. Deliberately sending a broken request
is a normal thing to do in a diagnostic tool (to see what the server says),
so the question is asked once, in place, with no modal dialog to dismiss.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.client.spec import RequestSpec
from desktop.core.compose import credential_headers, editable_spec, fill_template
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding, Severity
from desktop.core.lint import apply_fix, lint_request
from desktop.core.profiles import Profile
from desktop.core.provider.model import Endpoint, Provider
from desktop.ui.composer.exports import CurlActions
from desktop.ui.composer.lint_list import LintList
from desktop.ui.composer.request_editor import RequestEditor
from desktop.ui.composer.response_view import BODY_TAB, ResponseView
from desktop.ui.composer.sender import Sender
from desktop.ui.composer.style import COMPOSER_STYLE
from desktop.ui.context import AppContext
from desktop.ui.pages.base import Page
from desktop.ui.widgets.empty_state import EmptyState

LINT_DELAY_MS = 250
AUTH_REFRESH_MS = 20_000


class ComposerPage(Page):
    title = "Composer"
    object_name = "composerPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profile: Profile | None = None
        self.provider: Provider | None = None
        self.shown_exchange: Exchange | None = None
        self.shown_spec: RequestSpec | None = None
        """The spec that produced ``shown_exchange`` (what "Retry" and "Copy as curl" use)."""
        self._confirming: frozenset[tuple[str, str | None]] | None = None
        self._confirmed: frozenset[tuple[str, str | None]] | None = None

        self.editor = RequestEditor()
        self.editor.changed.connect(self._schedule_lint)
        self.editor.template_chosen.connect(self.use_template)
        self.lint = LintList()
        self.lint.fix_requested.connect(self.apply_fix)
        self.send_note = QLabel()
        self.send_note.setObjectName("sendNote")
        self.send_note.setWordWrap(True)
        self.send_note.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(110)
        self.send_button.setToolTip("Send (Ctrl+Enter); while sending: Cancel (Esc)")
        self.send_button.clicked.connect(self.send_or_cancel)
        self.response = ResponseView()
        self.response.retry.retry_requested.connect(self.retry)
        self.sender = Sender(ctx.workspace.history, self)
        self.sender.busy_changed.connect(self._busy_changed)
        self.sender.sent.connect(self._sent)
        self.sender.token_failed.connect(self._token_failed)
        self.sender.cancelled.connect(self._cancelled)
        self.sender.problem.connect(self.response.show_problem)
        self.curl = CurlActions(self)
        self.editor.curl_pasted.connect(self.curl.import_dialog)

        self.set_content(self._build_layout())
        self._lint_timer = QTimer(self)
        self._lint_timer.setSingleShot(True)
        self._lint_timer.setInterval(LINT_DELAY_MS)
        self._lint_timer.timeout.connect(self.lint_now)
        self._auth_timer = QTimer(self)
        self._auth_timer.setInterval(AUTH_REFRESH_MS)
        self._auth_timer.timeout.connect(self.refresh_auth)
        self._shortcuts()
        ctx.open_exchange.connect(self.open_exchange)
        ctx.profiles_changed.connect(self._profiles_changed)

    def _build_layout(self) -> QWidget:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(8, 8, 4, 8)
        column.addWidget(self.editor, 1)
        column.addWidget(self.lint)
        column.addWidget(self.send_note)
        row = QHBoxLayout()
        row.addWidget(self.busy, 1)
        row.addStretch(0)
        row.addWidget(self.send_button)
        column.addLayout(row)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 8, 8, 8)
        right_layout.addWidget(self.response)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("composerSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStyleSheet(COMPOSER_STYLE)
        return self.splitter

    def _shortcuts(self) -> None:
        scoped = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.send, context=scoped)
        QShortcut(QKeySequence("Esc"), self, self.cancel, context=scoped)
        QShortcut(QKeySequence.StandardKey.Find, self, self.find_in_body, context=scoped)

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "✎",
            "Compose a request",
            "Requests are built on the selected profile's base URL and credentials, checked "
            "against the provider's rules before they leave, and every answer is explained. "
            "Select or create a profile to start.",
        )

    def install_actions(self, window: QMainWindow) -> None:
        """Called by the main window: the File menu's curl actions; History reopens here."""
        self.curl.install(window)
        show_page = getattr(window, "show_page", None)
        if show_page is not None:
            self.ctx.show_page.connect(show_page)

    # -- profile ------------------------------------------------------------------------------

    def on_profile_changed(self, profile: Profile | None) -> None:
        self.profile = profile
        self.provider = self.ctx.workspace.provider_for(profile) if profile else None
        self.show_empty(profile is None)
        self.editor.set_base_url(profile.base_url if profile else "")
        self.editor.set_templates(self.provider.endpoints if self.provider else ())
        if self.isVisible():
            self.refresh_auth()
        self._schedule_lint()

    def _profiles_changed(self) -> None:
        active = self.ctx.active_profile
        if active != self.profile:
            self.on_profile_changed(active)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_auth()
        self._auth_timer.start()

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt's QHideEvent
        self._auth_timer.stop()
        super().hideEvent(event)

    def refresh_auth(self) -> None:
        """The auth line: how the profile authenticates, never the credential itself."""
        session = self.ctx.session(self.profile) if self.profile else None
        if session is None:
            self.editor.set_auth_description("No profile selected")
            return
        self.editor.set_auth_description(session.client.auth_description())

    # -- lint ---------------------------------------------------------------------------------

    def _schedule_lint(self) -> None:
        self._lint_timer.start()

    def lint_now(self) -> list[Finding]:
        self._lint_timer.stop()
        base_url = self.profile.base_url if self.profile else ""
        findings = lint_request(self.editor.spec(), self.provider, base_url=base_url)
        self.lint.set_findings(findings)
        if self._confirming is not None and self._error_key(findings) != self._confirming:
            self._end_confirmation()
        return findings

    def apply_fix(self, finding: Finding) -> None:
        self.editor.set_spec(apply_fix(self.editor.spec(), finding))
        self.lint_now()

    @staticmethod
    def _error_key(findings: list[Finding]) -> frozenset[tuple[str, str | None]]:
        return frozenset((f.code, f.location) for f in findings
                         if f.severity is Severity.ERROR)

    def _end_confirmation(self) -> None:
        self._confirming = None
        self.send_note.hide()
        self._busy_changed(self.sender.busy)

    # -- sending ------------------------------------------------------------------------------

    def send_or_cancel(self) -> None:
        if self.sender.busy:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        if self.sender.busy or self.profile is None:
            return
        errors = self._error_key(self.lint_now())
        if errors and errors != self._confirmed and errors != self._confirming:
            self._confirming = errors
            self.send_note.setText(f"⛔ {len(errors)} error finding(s) above: the server will "
                                   "probably reject this request. Press Send again "
                                   "(Ctrl+Enter) to send it anyway.")
            self.send_note.show()
            self.send_button.setText("Send anyway")
            return
        if errors:
            self._confirmed = errors
        self._end_confirmation()
        self._send_spec(self.editor.spec())

    def _send_spec(self, spec: RequestSpec) -> None:
        session = self.ctx.session(self.profile)
        if session is None or self.sender.busy:
            return
        self.shown_spec = spec
        self.response.show_sending(f"{spec.method} {spec.url}")
        self.sender.send(session.client, spec)

    def retry(self) -> None:
        """The 429 countdown ended with "Retry when allowed" armed: the same request again."""
        if self.shown_spec is not None:
            self._send_spec(self.shown_spec)

    def cancel(self) -> None:
        if not self.sender.cancel():
            self.response.retry.disarm()

    def _busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.send_button.setText("Cancel" if busy else
                                 "Send anyway" if self._confirming is not None else "Send")
        self.send_button.setToolTip("Cancel the request in flight (Esc)" if busy else
                                    "Send (Ctrl+Enter)")

    def _sent(self, exchange: Exchange) -> None:
        self.shown_exchange = exchange
        self.response.show_exchange(exchange, self.provider)
        self.refresh_auth()

    def _token_failed(self, message: str, exchange: Exchange | None) -> None:
        self.shown_exchange = exchange
        self.response.show_token_error(message, exchange, self.provider)
        self.refresh_auth()

    def _cancelled(self, exchange: Exchange | None) -> None:
        self.shown_exchange = exchange
        self.response.show_cancelled(exchange, self.provider)

    def find_in_body(self) -> None:
        self.response.tabs.setCurrentIndex(BODY_TAB)
        self.response.body.focus_search()

    # -- filling the editor -------------------------------------------------------------------

    def use_template(self, endpoint: Endpoint) -> None:
        if self.profile is None or self.provider is None:
            return
        spec, missing = fill_template(endpoint.request, self.profile, self.provider)
        self.editor.set_spec(spec)
        if missing:
            self.ctx.say(f"Template “{endpoint.name}”: fill in {', '.join(missing)}.", 8000)
        self.lint_now()

    def load_spec(self, spec: RequestSpec) -> None:
        self.editor.set_spec(spec)
        self.lint_now()

    def open_exchange(self, exchange: Exchange) -> None:
        """Show a recorded Exchange (from History, a checklist step) and its request."""
        profile = self.ctx.workspace.profiles.get(exchange.profile) if exchange.profile else None
        provider = self.ctx.workspace.provider_for(profile) if profile else self.provider
        spec = editable_spec(exchange, provider)
        self.editor.set_spec(spec)
        notes = []
        if credential_headers(exchange.request.headers, provider):
            notes.append("Credentials are not shown: the profile attaches its own when you "
                         "send again.")
        if profile is not None and self.profile is not None and profile.id != self.profile.id:
            notes.append(f"Recorded with profile {profile.name}; sending again uses "
                         f"{self.profile.name}.")
        self.shown_exchange, self.shown_spec = exchange, spec
        self.response.show_exchange(exchange, provider, note=" ".join(notes))
        self.lint_now()
        self.ctx.show_page.emit(self.title)

"""The Composer page: build a request from the profile, lint it, send it, read the answer.

Left: the request editor, lint findings and the Send button. Right: the
response viewer with its explanation. The page wires widgets to core:
lint (``lint_request``/``apply_fix``), templates (``fill_template``), the
profile's client (through ``Sender``), curl import/export and the redactor.

Lint never blocks sending: see ``SendBar`` for the one in-place question
asked when error findings are listed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.client.spec import RequestSpec
from desktop.core.compose import credential_headers, editable_spec, fill_template
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding
from desktop.core.profiles import Profile
from desktop.core.provider.model import Endpoint, Provider
from desktop.core.sessions import ProfileSession
from desktop.core.window_text import display_redactor, display_url
from desktop.ui.collections.composer_link import ComposerSaving
from desktop.ui.composer.exports import CurlActions
from desktop.ui.composer.request_editor import RequestEditor
from desktop.ui.composer.response_view import BODY_TAB, ResponseView
from desktop.ui.composer.send_bar import SendBar
from desktop.ui.composer.sender import Sender
from desktop.ui.composer.style import composer_style
from desktop.ui.context import AppContext
from desktop.ui.pages.base import Page
from desktop.ui.theme import bind
from desktop.ui.widgets.empty_state import EmptyState

LINT_DELAY_MS = 250
STACK_BELOW = 680
"""Page width (px) under which the answer is shown below the request instead of beside it."""
AUTH_REFRESH_MS = 20_000


class ComposerPage(Page):
    title = "Composer"
    object_name = "composerPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profile: Profile | None = None
        self.provider: Provider | None = None
        self.shown_spec: RequestSpec | None = None
        """The spec last sent or opened (what "Retry when allowed" sends again)."""
        self.shown_exchange: Exchange | None = None
        """The answer to ``shown_spec``, when there is one ("Copy as curl" copies it)."""

        self.editor = RequestEditor()
        self.editor.changed.connect(self._schedule_lint)
        self.editor.template_chosen.connect(self.use_template)
        self.send_bar = SendBar()
        self.send_bar.clicked.connect(self.send_or_cancel)
        self.lint = self.send_bar.lint
        self.lint.fix_requested.connect(self.apply_fix)
        self.send_button, self.send_note, self.busy = (self.send_bar.button, self.send_bar.note,
                                                       self.send_bar.busy)
        self.response = ResponseView()
        self.response.retry.retry_requested.connect(self.retry)
        self.response.copied.connect(lambda text: self.ctx.say(text))
        self.sender = Sender(ctx.workspace.history, self)
        self.sender.busy_changed.connect(self.send_bar.set_busy)
        self.sender.sent.connect(self._sent)
        self.sender.token_failed.connect(self._token_failed)
        self.sender.cancelled.connect(self._cancelled)
        self.sender.problem.connect(self.response.show_problem)
        self.curl = CurlActions(self)
        self.saving = ComposerSaving(self)
        """Ctrl+S into a collection; remembers the collection request the editor came from."""
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
        column.addWidget(self.send_bar)
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
        left.setMinimumWidth(220)
        right.setMinimumWidth(220)
        self._sized = False
        bind(self.splitter, lambda c: self.splitter.setStyleSheet(composer_style(c)))
        return self.splitter

    def _shortcuts(self) -> None:
        # Window-wide while this page is the visible tab (a hidden widget's shortcuts are
        # off), so Ctrl+Enter sends wherever the cursor is in the composer.
        scoped = Qt.ShortcutContext.WindowShortcut
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.send, context=scoped)
        QShortcut(QKeySequence("Esc"), self, self.cancel, context=scoped)
        QShortcut(QKeySequence.StandardKey.Find, self, self.find_in_body, context=scoped)
        QShortcut(QKeySequence("Ctrl+T"), self, lambda: self.new_request(), context=scoped)
        QShortcut(QKeySequence("Ctrl+S"), self, self.saving.save, context=scoped)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.saving.save_as, context=scoped)

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "✎",
            "Compose a request",
            "Requests are built on the selected profile's base URL and credentials, checked "
            "against the provider's rules before they leave, and every answer is explained. "
            "Select or create a profile to start.",
        )

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Side by side where there is room; on a small screen the answer goes below the
        request, so neither is squeezed to a sliver (the URL field to three letters)."""
        super().resizeEvent(event)
        stacked = self.width() < STACK_BELOW
        orientation = Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            self._sized = False
            self._share()

    def _share(self) -> None:
        vertical = self.splitter.orientation() == Qt.Orientation.Vertical
        size = self.splitter.height() if vertical else self.splitter.width()
        if not self._sized and size > 0:
            self._sized = True  # the request gets 45 %, however wide the answer's text
            self.splitter.setSizes([int(size * 0.45), size - int(size * 0.45)])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._share()
        self.refresh_auth()
        self._auth_timer.start()
        self._lint_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._auth_timer.stop()
        super().hideEvent(event)

    def refresh_auth(self) -> None:
        """The auth line: how the profile authenticates, never the credential itself, and
        never words the request or its answer contradict (``window_text.auth_line``)."""
        session = self.session()
        if session is None:
            self.editor.set_auth_description("No profile selected" if self.profile is None else
                                             "Unknown provider: nothing can be sent")
            return
        from desktop.core.window_text import auth_line

        spec = self.editor.spec()
        answer = self.shown_exchange if self.shown_spec is not None and \
            self.shown_spec.url == spec.url else None
        line = auth_line(session.client.auth_description(), attached=spec.attach_auth,
                         findings=self.send_bar.lint.findings, answer=answer,
                         provider=self.provider)
        state = ("off" if line.startswith("Not ") else
                 "refused" if ": refused with 401" in line else "")
        self.editor.set_auth_description(line, state)

    def session(self) -> ProfileSession | None:
        """The profile's live session, or None (no profile, or its provider is not installed)."""
        if self.profile is None or self.provider is None:
            return None
        return self.ctx.session(self.profile)

    # -- lint ---------------------------------------------------------------------------------

    def _schedule_lint(self) -> None:
        if self.isVisible():  # lint (and its imports) wait until someone is looking
            self._lint_timer.start()

    def lint_now(self) -> list[Finding]:
        self._lint_timer.stop()
        from desktop.core.lint import lint_request  # loads on first use, not at start-up

        base_url = self.profile.base_url if self.profile else ""
        findings = lint_request(self.editor.spec(), self.provider, base_url=base_url)
        self.send_bar.findings_changed(findings)
        self.refresh_auth()
        return findings

    def apply_fix(self, finding: Finding) -> None:
        from desktop.core.lint import apply_fix

        self.editor.set_spec(apply_fix(self.editor.spec(), finding))
        self.lint_now()

    # -- sending ------------------------------------------------------------------------------

    def send_or_cancel(self) -> None:
        if self.sender.busy:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        if self.sender.busy or self.profile is None:
            return
        if self.send_bar.may_send(self.lint_now()):
            self._send_spec(self.editor.spec())

    def _send_spec(self, spec: RequestSpec) -> None:
        if self.sender.busy:
            return
        session = self.session()
        if session is None:
            self.response.show_problem(f"The profile uses the provider "
                                       f"“{self.profile.provider if self.profile else '?'}”, "
                                       "which is not installed: nothing can be sent with it.")
            return
        self.shown_spec = spec
        self._hide_secrets_of(self.profile)  # a problem sending may quote the request
        self.response.show_sending(f"{spec.method} {display_url(spec.url)}")
        self.sender.send(session.client, spec)

    def retry(self) -> None:
        """The 429 countdown ended with "Retry when allowed" armed: the same request again."""
        if self.shown_spec is not None:
            self._send_spec(self.shown_spec)

    def cancel(self) -> None:
        if not self.sender.cancel():
            self.response.retry.disarm()

    def _hide_secrets_of(self, profile: Profile | None) -> None:
        """Answers are shown through ``profile``'s display redactor (``window_text``)."""
        try:
            session = self.ctx.session(profile) if profile is not None else None
        except KeyError:  # its provider is not installed
            session = None
        self.response.set_redactor(display_redactor(session))

    def _sent(self, exchange: Exchange) -> None:
        self.shown_exchange = exchange
        self._hide_secrets_of(self.profile)
        self.response.show_exchange(exchange, self.provider)
        self.refresh_auth()

    def _token_failed(self, message: str, exchange: Exchange | None) -> None:
        self.shown_exchange = None  # the token call is shown, not an answer to the request
        self._hide_secrets_of(self.profile)
        self.response.show_token_error(message, exchange, self.provider)
        self.refresh_auth()

    def _cancelled(self, exchange: Exchange | None) -> None:
        spec = self.shown_spec
        answers = exchange is not None and spec is not None and exchange.request.url == spec.url
        self.shown_exchange = exchange if answers else None
        self._hide_secrets_of(self.profile)
        self.response.show_cancelled(exchange, self.provider)

    def find_in_body(self) -> None:
        self.response.tabs.setCurrentIndex(BODY_TAB)
        self.response.body.focus_search()

    # -- filling the editor -------------------------------------------------------------------

    def use_template(self, endpoint: Endpoint) -> None:
        if self.profile is None or self.provider is None:
            return
        session = self.ctx.session(self.profile)
        learned = session.last_run.values if session and session.last_run else None
        spec, missing = fill_template(endpoint.request, self.profile, self.provider, learned)
        self.new_request(spec)
        if missing:
            self.ctx.say(f"Template “{endpoint.name}”: fill in {', '.join(missing)}.", 8000)

    def load_spec(self, spec: RequestSpec) -> None:
        """An imported request: a new request, so the last answer goes with the old one."""
        self.new_request(spec)

    def new_request(self, spec: RequestSpec | None = None) -> None:
        """Start another request (empty, a template, an import): the previous answer is no
        longer this request's, so it is cleared rather than shown beside it."""
        if self.sender.busy:
            self.sender.cancel()
        self.saving.forget()
        self.shown_spec = self.shown_exchange = None
        self.response.clear()
        self.editor.set_spec(spec or RequestSpec(method="GET", url=""))
        self.lint_now()
        self.editor.url.setFocus()

    def open_exchange(self, exchange: Exchange) -> None:
        """Show a recorded Exchange (from History, a checklist step) and its request."""
        profile = self.ctx.workspace.profiles.get(exchange.profile) if exchange.profile else None
        provider = self.ctx.workspace.provider_for(profile) if profile else self.provider
        spec = editable_spec(exchange, provider)
        self.saving.forget()
        self.editor.set_spec(spec)
        notes = []
        if credential_headers(exchange.request.headers, provider):
            notes.append("Credentials are not shown: the profile attaches its own when you "
                         "send again.")
        if profile is not None and self.profile is not None and profile.id != self.profile.id:
            notes.append(f"Recorded with profile {profile.name}; sending again uses "
                         f"{self.profile.name}.")
        self.shown_exchange, self.shown_spec = exchange, spec
        self._hide_secrets_of(profile or self.profile)
        self.response.show_exchange(exchange, provider, note=" ".join(notes))
        self.lint_now()
        self.ctx.show_page.emit(self.title)

"""The response viewer: status and its meaning, time, size, request id, then the tabs.

Findings (the explanation), Body, Headers and Timings of one Exchange. It
also says in place what happened when there is no response to show: the
token could not be acquired (with the token Exchange's diagnosis), the
request was cancelled, or it could not be built at all.

Everything from the wire (body, headers, findings that quote it, error
messages) goes through the profile's redactor before it is shown, unless
the user asks for "Show secrets" (the Body tab) for this answer.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.compose import status_text
from desktop.core.exchange import ErrorKind, Exchange
from desktop.core.provider.model import Provider
from desktop.core.ratelimit import RetryPlan
from desktop.ui.composer.body_viewer import BodyViewer
from desktop.ui.composer.findings_panel import FindingsPanel
from desktop.ui.composer.retry_bar import RetryBar
from desktop.ui.composer.timings_view import TimingsView
from desktop.ui.composer.units import human_ms, human_size
from desktop.ui.widgets.accessible import describe_tabs
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text
from desktop.ui.widgets.elided_label import ElidedLabel

if TYPE_CHECKING:
    from desktop.core.redact import Redactor

FINDINGS_TAB, BODY_TAB, HEADERS_TAB, TIMINGS_TAB = range(4)
GETTING_STARTED = (
    "Findings explain the response here once it arrives: what we saw, the likely causes, "
    "what to do next.\n\n"
    "To start, pick a request from Templates ▾, type a path such as /api/core/whoami (the "
    "profile's base URL is added for you), or paste a curl command into the URL field. "
    "Lint checks the request as you type. Ctrl+Enter sends, Esc cancels."
)


def status_kind(exchange: Exchange) -> str:
    """``ok``, ``redirect``, ``client``, ``server`` or ``error``: the colour of a status."""
    status = exchange.status
    if status is None or (exchange.error is not None and exchange.response is None):
        return "error"
    if status < 300:
        return "ok"
    if status < 400:
        return "redirect"
    return "client" if status < 500 else "server"


class ResponseView(QWidget):
    copied = Signal(str)
    """What to say in the status bar about a copy (done, or why not)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseView")
        self.exchange: Exchange | None = None
        self._redactor: Redactor | None = None
        self._provider: Provider | None = None
        self.status = QLabel("No response yet")
        self.status.setObjectName("statusLabel")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = ElidedLabel(mode=Qt.TextElideMode.ElideRight)
        self.meta.setObjectName("responseMeta")
        self.request_id = ElidedLabel(mode=Qt.TextElideMode.ElideRight)  # ids read from the start
        self.request_id.setObjectName("requestId")
        self.copy_id_button = QToolButton()
        self.copy_id_button.setObjectName("copyRequestId")
        self.copy_id_button.setText("Copy")
        self.copy_id_button.setToolTip("Copy the request id: support asks for it first")
        self.copy_id_button.setAccessibleName("Copy request id")
        self.copy_id_button.clicked.connect(self.copy_request_id)
        self.message = QLabel()
        self.message.setObjectName("responseMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.retry = RetryBar()

        self.findings = FindingsPanel()
        self.body = BodyViewer()
        self.body.secrets_toggled.connect(self._secrets_toggled)
        self.headers = QTableWidget(0, 2)
        self.headers.setObjectName("responseHeaders")
        self.headers.setHorizontalHeaderLabels(["Name", "Value"])
        self.headers.setAccessibleName("Response headers")
        self.headers.setAccessibleDescription("The headers of the answer, as received")
        self.headers.horizontalHeader().setStretchLastSection(True)
        self.headers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.headers.verticalHeader().hide()
        self.headers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.headers.setWordWrap(False)
        self.timings = TimingsView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("responseTabs")
        self.tabs.addTab(self.findings, "Findings")
        self.tabs.addTab(self.body, "Body")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.timings, "Timings")
        describe_tabs(self.tabs, "Response", "Findings, body, headers and timings of the answer.",
                      ("What the answer means", "The body", "The headers as received",
                       "Where the time went"))

        summary = QHBoxLayout()
        summary.addWidget(self.status)
        summary.addWidget(self.meta, 1)
        identity = QHBoxLayout()
        identity.addWidget(self.request_id, 1)
        identity.addWidget(self.copy_id_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(summary)
        layout.addLayout(identity)
        layout.addWidget(self.message)
        layout.addWidget(self.retry)
        layout.addWidget(self.tabs, 1)
        self.clear()

    # -- states -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.exchange = None
        self._status("No response yet", "none")
        self.meta.setText("Send a request (Ctrl+Enter) to see the answer explained here.")
        self._set_request_id(None)
        self._say("")
        self.retry.set_plan(None)
        self.findings.set_findings([], None, GETTING_STARTED)
        self.body.set_response(None)
        self.headers.setRowCount(0)
        self.timings.set_timings(None)

    def show_sending(self, summary: str) -> None:
        self._status("Sending…", "busy")
        self.meta.setText(summary)
        self._say("")
        self.retry.set_plan(None)

    def set_redactor(self, redactor: Redactor | None) -> None:
        """The redactor for what the next answers show (the profile's; None: as received)."""
        self._redactor = redactor
        self.body.set_redactor(redactor.redact_text if redactor is not None else None)

    def _hiding(self) -> Redactor | None:
        return None if self.body.secrets_shown else self._redactor

    def _shown(self, text: str) -> str:
        redactor = self._hiding()
        return redactor.redact_text(text) if redactor is not None and text else text

    def _secrets_toggled(self, _shown: bool) -> None:
        """Show secrets switched: the findings and headers follow the body."""
        if self.exchange is not None:
            self._fill(self.exchange, self._provider)

    def show_exchange(self, exchange: Exchange, provider: Provider | None,
                      note: str = "") -> None:
        self.exchange, self._provider = exchange, provider
        response = exchange.response
        self.body.set_response(response)  # a new answer: its secrets start hidden
        if response is not None:
            self._status(status_text(response.status, response.reason), status_kind(exchange))
        else:
            self._status(f"✗ {exchange.error_label.capitalize() or 'No response'}", "error")
        self.meta.setText(self._meta_text(exchange))
        self._set_request_id(exchange.request_id)
        self._say(" ".join(p for p in (note, self._shown(self._problem_text(exchange))) if p),
                  "warn" if note or exchange.error else "")
        self._show_retry(exchange, provider)
        self._fill(exchange, provider)
        self.timings.set_timings(exchange.timings)
        self.tabs.setTabText(FINDINGS_TAB, f"Findings ({len(exchange.findings)})"
                             if exchange.findings else "Findings")
        self.tabs.setCurrentIndex(FINDINGS_TAB if exchange.findings or response is None
                                  else BODY_TAB)

    def _fill(self, exchange: Exchange, provider: Provider | None) -> None:
        """The findings and headers, secrets hidden unless "Show secrets" is on."""
        hiding = self._hiding()
        findings = exchange.findings if hiding is None else [
            hiding.redact_finding(finding) for finding in exchange.findings]
        self.findings.set_findings(findings, provider)
        self._fill_headers(exchange)

    def show_token_error(self, message: str, token_exchange: Exchange | None,
                         provider: Provider | None) -> None:
        """The token could not be acquired: the request was not sent. Explain the token call."""
        if token_exchange is not None:
            self.show_exchange(token_exchange, provider)
        else:
            self.clear()
        self._status("Not sent: no token", "error")
        if token_exchange is not None:
            self.meta.setText(f"Token request: {token_exchange.summary}  ·  "
                              f"{human_ms(token_exchange.duration_ms)}")
        self._say(f"The request was not sent because no access token could be acquired. "
                  f"{self._shown(message)}" + (" The token request is shown below."
                                  if token_exchange is not None else ""), "error")
        self.tabs.setCurrentIndex(FINDINGS_TAB)

    def show_cancelled(self, exchange: Exchange | None, provider: Provider | None) -> None:
        if exchange is not None:
            self.show_exchange(exchange, provider)
        self._status("Cancelled", "error")
        self._say("You cancelled the request; whatever arrived before is recorded in History.",
                  "warn")

    def show_problem(self, message: str) -> None:
        """The request could not even be built (an invalid URL...): say so, keep the editor."""
        self.clear()
        self._status("Not sent", "error")
        self.meta.setText("")
        self._say(self._shown(message), "error")

    # -- actions ------------------------------------------------------------------------------

    def copy_request_id(self) -> None:
        request_id = self.exchange.request_id if self.exchange is not None else None
        if not request_id:
            self.copied.emit("Nothing to copy: this answer has no request id.")
        elif copy_text(request_id):
            self.copied.emit(f"Copied request id {request_id}.")
        else:
            self.copied.emit(NOT_COPIED)

    # -- helpers ------------------------------------------------------------------------------

    def _status(self, text: str, kind: str) -> None:
        self.status.setText(text)
        self.status.setProperty("kind", kind)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def _say(self, text: str, kind: str = "") -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def _set_request_id(self, request_id: str | None) -> None:
        self.request_id.setText(f"Request id: {request_id}" if request_id else "")
        self.request_id.setVisible(bool(request_id))
        self.copy_id_button.setVisible(bool(request_id))

    def _meta_text(self, exchange: Exchange) -> str:
        parts = [human_ms(exchange.duration_ms)]
        response = exchange.response
        if response is not None:
            if response.truncated:
                parts.append(f"{human_size(response.body_size)} received, "
                             f"{human_size(len(response.body))} kept")
            else:
                parts.append(human_size(response.body_size or len(response.body)))
        parts.append(time.strftime("%H:%M:%S", time.localtime(exchange.started_at)))
        return "  ·  ".join(parts)

    @staticmethod
    def _problem_text(exchange: Exchange) -> str:
        response = exchange.response
        if exchange.error is not None and exchange.error.kind is not ErrorKind.CANCELLED:
            return f"No response: {exchange.error.message}"
        if response is not None and response.incomplete:
            return f"The body is incomplete: {response.incomplete}."
        return ""

    def _show_retry(self, exchange: Exchange, provider: Provider | None) -> None:
        sample = exchange.ratelimit
        if exchange.status == 429 and sample is not None:
            floor = provider.ratelimit.min_wait_after_429 if provider is not None else 0.0
            self.retry.set_plan(RetryPlan.from_sample(sample, min_wait_after_429=floor))
        else:
            self.retry.set_plan(None)

    def _fill_headers(self, exchange: Exchange) -> None:
        headers = exchange.response.headers if exchange.response is not None else ()
        hiding = self._hiding()
        if hiding is not None:
            headers = hiding.redact_headers(headers)
        self.headers.setRowCount(len(headers))
        for row, (name, value) in enumerate(headers):
            self.headers.setItem(row, 0, QTableWidgetItem(name))
            self.headers.setItem(row, 1, QTableWidgetItem(value))

"""The selected step in words: what it checks, what happened, why, and what to do next."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop.core.checklist.model import StepResult, StepStatus
from desktop.core.finding import Finding
from desktop.core.palette import Colours
from desktop.core.richtext import escape
from desktop.ui.checklist.model import STATUS_ROLES
from desktop.ui.theme import bind, colours


def finding_html(finding: Finding, c: Colours | None = None,
                 redact: Callable[[str], str] = str) -> str:
    """A finding as the detail pane shows it; ``redact`` is applied to every text in it (a
    finding may quote what a server sent, and a hostile server may echo a secret)."""
    c = c or colours()
    parts = [f"<p><b>{escape(redact(finding.title))}</b></p>"]
    if finding.evidence:
        parts.append(f"<p><span style='color:{c.muted}'>Seen:</span> "
                     f"{escape(redact(finding.evidence))}</p>")
    if finding.causes:
        items = "".join(f"<li>{escape(redact(cause))}</li>" for cause in finding.causes)
        parts.append(f"<p style='margin-bottom:0'>Likely causes, most likely first:</p>"
                     f"<ol style='margin-top:2px'>{items}</ol>")
    if finding.next_action:
        parts.append(f"<p><b>Next:</b> {escape(redact(finding.next_action))}</p>")
    if finding.doc:
        url = escape(finding.doc, quote=True)
        parts.append(f"<p><a href='{url}'>Provider documentation</a></p>")
    return "".join(parts)


def step_html(index: int, result: StepResult, c: Colours | None = None,
              redact: Callable[[str], str] = str) -> str:
    """The step, what happened and why; ``redact`` as in ``finding_html``."""
    c = c or colours()
    step = result.step
    colour = getattr(c, STATUS_ROLES.get(result.status, "text"))
    badge = (f"<span style='color:{colour}'>"
             f"{result.status.symbol} {result.status.value}</span>")
    parts = [f"<h3 style='margin-bottom:2px'>{index + 1}. {escape(step.title)} {badge}</h3>"]
    if step.explain:
        parts.append(f"<p style='color:{c.muted}'>{escape(step.explain)}</p>")
    if step.assumes:
        items = "".join(f"<li>{escape(text)}</li>" for text in step.assumes)
        parts.append("<p style='margin-bottom:0'>Not in the provider's public documentation, "
                     f"so assumed:</p><ul style='margin-top:2px'>{items}</ul>")
    if result.status is StepStatus.MANUAL or step.kind.value == "manual":
        parts.append(f"<p><b>In the provider's console:</b> {escape(step.instruction)}</p>")
    if result.status is StepStatus.SKIPPED and result.skip_reason:
        parts.append(f"<p>Skipped: {escape(redact(result.skip_reason))}.</p>")
    elif result.summary and result.status not in (StepStatus.MANUAL, StepStatus.PENDING) and (
            result.finding is None or result.finding.title != result.summary):
        parts.append(f"<p>{escape(redact(result.summary))}</p>")
    if result.finding is not None and result.status in (StepStatus.FAIL, StepStatus.WARN):
        parts.append(finding_html(result.finding, c, redact))
    for finding in result.findings:
        if finding is not result.finding and result.status in (StepStatus.FAIL,
                                                               StepStatus.WARN):
            parts.append("<hr>" + finding_html(finding, c, redact))
    if result.exchanges:
        links = "".join(
            f"<li><a href='exchange:{e.id}'>{escape(redact(e.summary))}</a>"
            f"{' · request id ' + escape(redact(e.request_id)) if e.request_id else ''}</li>"
            for e in result.exchanges)
        parts.append(f"<p style='margin-bottom:0'>Requests (open to see request and "
                     f"response):</p><ul style='margin-top:2px'>{links}</ul>")
    return "".join(parts)


class StepDetail(QWidget):
    exchange_requested = Signal(int)
    ticked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setObjectName("stepDetailText")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        layout.addWidget(self.browser)
        row = QHBoxLayout()
        self.tick_button = QPushButton("Mark as checked")
        self.tick_button.setToolTip("You looked in the provider's console and it was fine")
        self.tick_button.clicked.connect(lambda: self.ticked.emit(self._index))
        self.tick_button.hide()
        row.addWidget(self.tick_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._index = -1
        self._result: StepResult | None = None
        self._redact: Callable[[str], str] = str
        self.browser.setAccessibleName("Step detail")
        self.browser.setAccessibleDescription("What the selected step checks, what happened, "
                                              "the likely causes and the next thing to try; "
                                              "Tab reaches its links")
        bind(self, lambda _c: self.show_result(self._index, self._result))

    def set_redactor(self, redact: Callable[[str], str]) -> None:
        """What every text from a run goes through before it is shown (the profile's
        redactor: the secrets it knows, by value, in any form)."""
        self._redact = redact

    def show_result(self, index: int, result: StepResult | None) -> None:
        self._index, self._result = index, result
        if result is None:
            self.browser.setHtml(f"<p style='color:{colours().muted}'>Select a step in the "
                                 "list above to see what it checks and what happened.</p>")
            self.tick_button.hide()
            return
        self.browser.setHtml(step_html(index, result, redact=self._redact))
        self.tick_button.setVisible(result.status is StepStatus.MANUAL)

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "exchange":
            self.exchange_requested.emit(int(url.path()))
        else:
            QDesktopServices.openUrl(url)

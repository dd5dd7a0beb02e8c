"""One event in full: its signature verdict in words, its headers, its body.

The verdict comes from core's ``Verification``: reason, message, clock
skew, the first characters of the computed and received signatures, the
hint. The secret is never part of it, so nothing here can show it.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.palette import Colours
from desktop.core.richtext import escape
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.verification import Suspect, Verification
from desktop.ui.composer.units import human_size
from desktop.ui.theme import bind, colours
from desktop.ui.webhooks.events_model import clock
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text
from desktop.ui.widgets.highlight import PygmentsHighlighter

PRETTY_LIMIT = 1_000_000
"""Bodies larger than this are shown as received: indenting them would stall the window."""
_ROLES = {True: ("ok", "ok_bg"), False: ("fail", "fail_bg"), None: ("muted", "neutral_bg")}
EMPTY = "Select an event in the list above to see its signature check, headers and body."


_SUSPECTS = {
    Suspect.SECRET: "the secret (the body is as sent)",
    Suspect.BODY: "the body (it changed after signing)",
    Suspect.SECRET_OR_BODY: "the secret, or the body changed on the way",
}


def _skew(seconds: float) -> str:
    size = abs(seconds)
    amount = f"{size:.1f} s" if size < 120 else f"{size / 60:.1f} min"
    return f"{amount} {'old' if seconds >= 0 else 'ahead of this computer'}"


def verdict_html(event: WebhookEvent, c: Colours | None = None) -> str:
    """The verdict as a few lines of rich text: what happened, the evidence (the advice,
    ``Next:``, is shown apart, where no scroll area can hide it: see ``next_text``)."""
    if event.truncated:
        return (f"<b>– Refused, not checked.</b> The body ({human_size(event.size)}) was over "
                f"the receiver's size limit, so it was not kept; the receiver answered "
                f"{event.status}.")
    result = event.verification
    if result is None:
        return ("<b>– Not checked.</b> The profile's provider has no signature scheme, so "
                "deliveries are recorded without verification.")
    return _verification_html(result, c or colours())


def next_text(event: WebhookEvent) -> str:
    """What to do about the verdict (empty when there is nothing to do)."""
    result = event.verification
    return result.hint if result is not None and result.hint else ""


def _verification_html(result: Verification, c: Colours) -> str:
    head = "✓ Verified" if result.ok else f"✗ {result.reason.value.replace('_', ' ').capitalize()}"
    lines = [f"<b>{escape(head)}</b> <span style='color:{c.muted}'>({escape(result.scheme)}"
             f"{'' if result.ok else ', ' + escape(result.reason.value)})</span>",
             escape(result.message)]
    facts: list[tuple[str, str]] = []
    if result.skew_seconds is not None:
        facts.append(("Timestamp", _skew(result.skew_seconds)))
    if result.computed_prefix or result.received_prefix:
        facts.append(("Computed", f"<code>{escape(result.computed_prefix or '—')}…</code>"))
        facts.append(("Received", f"<code>{escape(result.received_prefix or '—')}…</code>"))
    if result.suspect is not None:
        facts.append(("Suspect", _SUSPECTS.get(result.suspect, escape(result.suspect.value))))
    if facts:
        rows = "".join(f"<tr><td style='color:{c.muted};padding-right:8px'>{name}</td>"
                       f"<td>{value}</td></tr>" for name, value in facts)
        lines.append(f"<table cellspacing='0'>{rows}</table>")
    return "<br>".join(lines)


def pretty_body(event: WebhookEvent) -> tuple[str, bool]:
    """(text, is_json): indented JSON when the body is JSON, else the text as received."""
    if event.truncated:
        return "(the body was refused as too large and not kept)", False
    if event.body and len(event.body) <= PRETTY_LIMIT:
        try:
            return json.dumps(json.loads(event.body), indent=2, ensure_ascii=False), True
        except (ValueError, RecursionError):
            pass
    return event.text(), False


class EventDetail(QWidget):
    replay_requested = Signal(object)
    """The WebhookEvent to replay."""
    copied = Signal(str)
    """What to say in the status bar about a copy (done, or why not)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current: WebhookEvent | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.summary = QLabel(EMPTY)
        self.summary.setObjectName("webhookSummary")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(160)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.summary, 1)
        self.copy_button = QPushButton("Copy body")
        self.copy_button.setToolTip("Copy the event's body as received")
        self.copy_button.clicked.connect(self.copy_body)
        top.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        self.replay_button = QPushButton("Replay to URL…")
        self.replay_button.setObjectName("replayButton")
        self.replay_button.setToolTip("Re-POST this event's exact body and headers to another "
                                      "endpoint (your own handler) and see what it answers")
        self.replay_button.clicked.connect(lambda: self.current and
                                           self.replay_requested.emit(self.current))
        top.addWidget(self.replay_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.next_label = QLabel()
        self.next_label.setObjectName("webhookNext")
        self.next_label.setWordWrap(True)
        self.next_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_label.hide()
        layout.addWidget(self.next_label)

        self.verdict = QTextBrowser()
        self.verdict.setObjectName("webhookVerdict")
        self.verdict.setOpenLinks(False)
        self.verdict.setAccessibleName("Signature verdict")
        self.verdict.setAccessibleDescription("Whether the event's signature checked out, "
                                              "and the evidence")
        self.headers = QTableWidget(0, 2)
        self.headers.setObjectName("webhookHeaders")
        self.headers.setHorizontalHeaderLabels(["Header", "Value"])
        self.headers.setAccessibleName("Event headers")
        self.headers.setAccessibleDescription("The headers the event arrived with")
        rows = self.headers.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.headers.fontMetrics().height() + 6)
        self.headers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.headers.setWordWrap(False)
        self.headers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.headers.horizontalHeader().setStretchLastSection(True)
        self.body = QPlainTextEdit()
        self.body.setObjectName("webhookBody")
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setPlaceholderText("The selected event's body appears here, indented when "
                                     "it is JSON.")
        self.body.setAccessibleName("Event body")
        self.body.setAccessibleDescription("The body as received (JSON indented)")
        self.highlighter = PygmentsHighlighter(self.body.document())

        for view in (self.verdict, self.headers, self.body):
            view.setMinimumHeight(36)  # not the 70 px scroll areas ask for: fit small screens
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.verdict)
        left.addWidget(self.headers)
        left.setSizes([170, 130])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.body)
        split.setSizes([460, 540])
        layout.addWidget(split, 1)
        bind(self, lambda _c: self.show_event(self.current))

    def show_event(self, event: WebhookEvent | None) -> None:
        self.current = event
        self.replay_button.setEnabled(event is not None and not event.truncated)
        self.copy_button.setEnabled(event is not None and bool(event.body))
        c = colours()
        if event is None:
            self.summary.setText(EMPTY)
            self.next_label.hide()
            self.verdict.setStyleSheet("")
            self.verdict.setHtml(f"<p style='color:{c.muted}'>{EMPTY}</p>")
            self.headers.setRowCount(0)
            self.body.clear()
            return
        self.summary.setText(f"{event.method} {event.target} · from {event.source or '?'} · "
                             f"answered {event.status} · {human_size(event.size)} · "
                             f"{clock(event.received_at)}")
        border, background = (getattr(c, role) for role in
                              _ROLES[None if event.truncated else event.verified])
        self.verdict.setStyleSheet(f"QTextBrowser#webhookVerdict {{ border: none; border-left:"
                                   f" 4px solid {border}; background: {background}; }}")
        self.verdict.setHtml(verdict_html(event, c))
        advice = next_text(event)
        self.next_label.setText(f"<b>Next:</b> {escape(advice)}" if advice else "")
        self.next_label.setVisible(bool(advice))
        self.headers.setRowCount(len(event.headers))
        for row, (name, value) in enumerate(event.headers):
            self.headers.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.headers.setItem(row, 1, item)
        text, is_json = pretty_body(event)
        self.highlighter.enabled = is_json
        self.body.setPlainText(text)

    def copy_body(self) -> None:
        if self.current is None or not self.current.body:
            self.copied.emit("Nothing to copy: the event has no body.")
        elif copy_text(self.current.text()):
            self.copied.emit("Copied the event's body.")
        else:
            self.copied.emit(NOT_COPIED)

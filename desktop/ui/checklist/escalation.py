"""“What to capture before escalation”, filled in from the last run, copyable (redacted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.richtext import escape
from desktop.ui.theme import bind, colours
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text

LABELS = (
    ("endpoint", "Endpoint"),
    ("http_status", "HTTP status"),
    ("request_timestamp", "Request time (UTC)"),
    ("request_id", "Request id"),
    ("payload_shape", "Payload shape (no values)"),
    ("token_freshly_acquired", "Token freshly acquired"),
    ("reproduces", "Reproduces"),
    ("message_id", "Message id"),
    ("api_client", "API client"),
    ("environment", "Environment"),
    ("base_url", "Base URL"),
)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def facts_text(facts: dict[str, Any]) -> str:
    return "\n".join(f"{label}: {_text(facts.get(key))}" for key, label in LABELS)


class EscalationFacts(QWidget):
    copied = Signal(str)
    """What to say in the status bar about a copy (done, or why not)."""

    def __init__(self, redact: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("escalationFacts")
        self._redact = redact
        self._facts: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = QLabel("<b>What to capture before escalation</b>")
        row.addWidget(title)
        row.addStretch(1)
        self.copy_button = QPushButton("Copy for a support ticket")
        self.copy_button.setToolTip("Copies these facts with every secret removed")
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setEnabled(False)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.view = QTextBrowser()
        self.view.setObjectName("escalationText")
        self.view.setAccessibleName("What to capture before escalation")
        self.view.setAccessibleDescription("The facts a provider's support asks for, from the "
                                           "last run, secrets removed")
        layout.addWidget(self.view)
        bind(self, lambda _c: self.show_facts(self._facts or None))

    def set_redactor(self, redact: Callable[[str], str]) -> None:
        self._redact = redact

    def show_facts(self, facts: dict[str, Any] | None) -> None:
        self._facts = facts or {}
        self.copy_button.setEnabled(bool(facts))
        muted = colours().muted
        if not facts:
            self.view.setHtml(f"<p style='color:{muted}'>Collected automatically when the "
                              "checklist runs: endpoint, status, time, request id, payload "
                              "shape, token freshness, message id.</p>")
            return
        rows = "".join(
            f"<tr><td style='color:{muted};padding-right:12px'>{escape(label)}</td>"
            f"<td>{escape(self._redact(_text(facts.get(key))))}</td></tr>"
            for key, label in LABELS)
        self.view.setHtml(f"<table cellspacing='2'>{rows}</table>")

    def copy(self) -> str:
        """Copy the facts (redacted); ``copied`` says whether the clipboard took them."""
        text = self._redact(facts_text(self._facts)) if self._facts else ""
        if not text:
            self.copied.emit("Nothing to copy yet: run the checklist first.")
        elif copy_text(text):
            self.copied.emit("Copied the escalation facts, secrets removed.")
        else:
            self.copied.emit(NOT_COPIED)
        return text

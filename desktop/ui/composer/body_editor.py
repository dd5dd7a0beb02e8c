"""The request body editor: JSON colours and a live "is this valid JSON?" line.

Validation is core's (``desktop.core.lint.context.parse_body``, the same
parse lint uses), so the line and column shown here are the ones lint
reports. The highlighter (and with it Pygments) is created the first time
the editor is shown, and lint's modules with the first validation.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.richtext import escape
from desktop.ui.widgets.accessible import describe

VALIDATE_DELAY_MS = 250


class BodyEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("bodyEdit")
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setPlaceholderText('{\n  "to": ["+14155550123"]\n}')
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        describe(self.edit, "Request body", "The body to send; JSON is checked as you type")
        self.edit.textChanged.connect(self._text_changed)
        self.status = QLabel()
        self.status.setObjectName("bodyStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.status.linkActivated.connect(self._go_to)
        self.format_button = QPushButton("Format JSON")
        self.format_button.setToolTip("Indent the JSON body (it must be valid)")
        self.format_button.clicked.connect(self.format_json)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.format_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addLayout(row)
        self.highlighter = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate)
        self._quiet = False

    def showEvent(self, event: QShowEvent) -> None:
        if self.highlighter is None:
            from desktop.ui.widgets.highlight import PygmentsHighlighter

            self.highlighter = PygmentsHighlighter(self.edit.document())
        super().showEvent(event)

    def text(self) -> str:
        return self.edit.toPlainText()

    def body(self) -> bytes:
        return self.text().encode("utf-8")

    def set_body(self, body: bytes) -> None:
        text = body.decode("utf-8", errors="replace")
        if text != self.text():
            self._quiet = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._quiet = False

    def _text_changed(self) -> None:
        self._timer.start()
        if not self._quiet:
            self.changed.emit()

    def validate(self) -> None:
        """Say in place whether the body is JSON, and where it breaks when it is not."""
        self._timer.stop()
        from desktop.core.lint.context import parse_body  # lint loads on first use

        parsed = parse_body(self.body())
        if not parsed.present:
            self._say("", None)
            self.format_button.setEnabled(False)
        elif parsed.is_json:
            self._say("✓ Valid JSON", "ok")
            self.format_button.setEnabled(True)
        elif parsed.looks_like_json and parsed.error is not None:
            error = parsed.error
            where = (f"<a href='{error.line}:{error.column}'>line {error.line}, column "
                     f"{error.column}</a>: " if error.line else "")
            self._say(f"✗ Invalid JSON — {where}{escape(error.message)}", "error")
            self.format_button.setEnabled(False)
        else:
            self._say("Not JSON: sent as typed.", None)
            self.format_button.setEnabled(False)

    def _go_to(self, target: str) -> None:
        """Put the cursor where the JSON breaks (the link in the status line)."""
        line, _, column = target.partition(":")
        block = self.edit.document().findBlockByNumber(int(line) - 1)
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, int(column) - 1))
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()

    def _say(self, text: str, state: str | None) -> None:
        self.status.setText(text)
        self.status.setProperty("state", state or "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def format_json(self) -> None:
        from desktop.core.lint.context import parse_body

        parsed = parse_body(self.body())
        if parsed.is_json:
            self.edit.setPlainText(json.dumps(parsed.value, indent=2, ensure_ascii=False))

"""The response body: pretty (indented, coloured JSON) or raw, searchable, size-bounded.

A text widget holding many megabytes lays out and paints slowly, so at
most ``DISPLAY_LIMIT`` characters go in at once; the rest is one click
("Show all") away, and the note says how much is hidden. The body itself
is already capped by the client (``ResponseRecord.truncated``).

With a redactor set (the Composer sets its profile's), what is shown has
secrets replaced, so a screenshot holds none; "Show secrets" shows the body
as received until the next answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.exchange import ResponseRecord
from desktop.ui.composer.units import human_size
from desktop.ui.widgets.accessible import describe

DISPLAY_LIMIT = 1_000_000
"""Characters put into the text widget before "Show all"."""
PRETTY_LIMIT = 2_000_000
"""Bytes above which a JSON body is shown raw: indenting it would stall the window."""


REDACTION_MARGIN = 4096
"""Characters past ``DISPLAY_LIMIT`` redacted with the shown part: a secret across the cut
is replaced whole, not left half visible."""


class BodyViewer(QWidget):
    secrets_toggled = Signal(bool)
    """"Show secrets" was switched (True: shown as received)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.response: ResponseRecord | None = None
        self._redact: Callable[[str], str] | None = None
        self._show_all = False
        self.text = QPlainTextEdit()
        self.text.setObjectName("responseBody")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        describe(self.text, "Response body", "The answer's body, indented when it is JSON "
                                              "(Pretty) or as received (Raw)")
        self.highlighter = None

        self.pretty_button = QToolButton()
        self.pretty_button.setText("Pretty")
        self.raw_button = QToolButton()
        self.raw_button.setText("Raw")
        self.mode = QButtonGroup(self)
        for button in (self.pretty_button, self.raw_button):
            button.setCheckable(True)
            button.setAutoRaise(True)
            self.mode.addButton(button)
        self.pretty_button.setChecked(True)
        self.pretty_button.setToolTip("Show JSON indented and coloured")
        self.raw_button.setToolTip("Show the body exactly as received")
        self.mode.buttonClicked.connect(lambda _b: self.render())
        self.secrets_button = QToolButton()
        self.secrets_button.setObjectName("showSecrets")
        self.secrets_button.setText("Show secrets")
        self.secrets_button.setCheckable(True)
        self.secrets_button.setAutoRaise(True)
        self.secrets_button.setToolTip("Secrets are hidden so a screenshot holds none (values "
                                       "the profile knows, and fields named like secrets); "
                                       "show this answer as received")
        self.secrets_button.setAccessibleName("Show secrets")
        self.secrets_button.toggled.connect(self._secrets_toggled)
        self.secrets_button.hide()

        self.search = QLineEdit()
        self.search.setObjectName("bodySearch")
        self.search.setPlaceholderText("Find in body (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        describe(self.search, "Find in body", "Text to find in the response body; Enter finds "
                                              "the next match, Shift+Enter the previous one")
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(lambda _t: self._find(from_start=True))
        self.previous_button = QToolButton()
        self.previous_button.setText("▲")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.previous_button.setAccessibleName("Previous match")
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = QToolButton()
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next match (Enter)")
        self.next_button.setAccessibleName("Next match")
        self.next_button.clicked.connect(self.find_next)
        self.match_label = QLabel()
        self.match_label.setObjectName("matchLabel")
        QShortcut(QKeySequence("Shift+Return"), self.search, self.find_previous,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.note = QLabel()
        self.note.setObjectName("bodyNote")
        self.note.setWordWrap(True)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setToolTip("Put the whole body in the view (slower for large "
                                        "bodies)")
        self.show_all_button.clicked.connect(self._reveal_all)

        bar = QHBoxLayout()
        bar.setSpacing(2)
        bar.addWidget(self.pretty_button)
        bar.addWidget(self.raw_button)
        bar.addWidget(self.secrets_button)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.match_label)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(notes)
        layout.addWidget(self.text, 1)
        self.set_response(None)

    @property
    def pretty(self) -> bool:
        return self.pretty_button.isChecked()

    def set_pretty(self, pretty: bool) -> None:
        (self.pretty_button if pretty else self.raw_button).setChecked(True)
        self.render()

    def set_response(self, response: ResponseRecord | None) -> None:
        self.response = response
        self._show_all = False
        self.secrets_button.blockSignals(True)
        self.secrets_button.setChecked(False)  # a new answer starts hidden again
        self.secrets_button.blockSignals(False)
        self.render()

    def set_redactor(self, redact: Callable[[str], str] | None) -> None:
        """What the shown text goes through while "Show secrets" is off (None: nothing)."""
        self._redact = redact
        self.secrets_button.setVisible(redact is not None)

    @property
    def secrets_shown(self) -> bool:
        """True when the text is shown as received (no redactor, or "Show secrets" on)."""
        return self._redact is None or self.secrets_button.isChecked()

    def _secrets_toggled(self, shown: bool) -> None:
        self.render()
        self.secrets_toggled.emit(shown)

    def shown_text(self) -> str:
        return self.text.toPlainText()

    # -- rendering ----------------------------------------------------------------------------

    def _full_text(self) -> tuple[str, bool]:
        """(text, is_json) for the current mode."""
        response = self.response
        if response is None or not response.body:
            return "", False
        if b"\x00" in response.body[:4096]:  # an image, a zip...: not text at all
            kind = response.header("Content-Type") or "unknown type"
            return f"[binary body: {human_size(len(response.body))}, {kind}; not shown]", False
        if self.pretty and len(response.body) <= PRETTY_LIMIT:
            data = response.json()  # None when not JSON or truncated
            if data is not None:
                return json.dumps(data, indent=2, ensure_ascii=False), True
        return response.text(), False

    def render(self) -> None:
        text, is_json = self._full_text()
        notes = []
        response = self.response
        if response is not None and not response.body:
            notes.append("Empty body." if response.body_size == 0 else "")
        if response is not None and response.truncated:
            notes.append(f"Only the first {human_size(len(response.body))} of "
                         f"{human_size(response.body_size)} were kept.")
        hidden = 0
        cut = len(text) > DISPLAY_LIMIT and not self._show_all
        if cut:
            hidden = len(text) - DISPLAY_LIMIT
            text = text[:DISPLAY_LIMIT + REDACTION_MARGIN]
        if self._redact is not None and not self.secrets_button.isChecked():
            text = self._redact(text)
        if cut:
            text = text[:DISPLAY_LIMIT]
            notes.append(f"Showing the first {DISPLAY_LIMIT:,} characters; "
                         f"{hidden:,} more are hidden to keep the window fast.")
        self.note.setText(" ".join(n for n in notes if n))
        self.note.setVisible(bool(self.note.text()))
        self.show_all_button.setVisible(hidden > 0)
        self._ensure_highlighter(is_json)
        self.text.setPlainText(text)
        self.match_label.clear()
        if self.search.text():
            self._find(from_start=True)

    def _ensure_highlighter(self, is_json: bool) -> None:
        if is_json and self.highlighter is None:
            from desktop.ui.widgets.highlight import PygmentsHighlighter

            self.highlighter = PygmentsHighlighter(self.text.document())
        if self.highlighter is not None:
            self.highlighter.enabled = is_json

    def _reveal_all(self) -> None:
        self._show_all = True
        self.render()

    # -- search -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def find_next(self) -> bool:
        return self._find()

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, *, backward: bool = False, from_start: bool = False) -> bool:
        needle = self.search.text()
        if not needle:
            self.match_label.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if from_start:
            cursor = self.text.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.text.setTextCursor(cursor)
        found = self.text.find(needle, flags)
        if not found:  # wrap around
            cursor = self.text.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End if backward
                                else QTextCursor.MoveOperation.Start)
            self.text.setTextCursor(cursor)
            found = self.text.find(needle, flags)
        self.match_label.setText("" if found else "No match")
        return found


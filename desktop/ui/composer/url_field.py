"""The URL field: a path or a full URL, and a pasted curl command is offered for import.

A curl command pasted into a one-line field would lose its line breaks
(and with them the meaning of ``\\`` continuations), so a paste that looks
like curl never reaches the field: the whole clipboard text goes to the
import dialog instead, which parses it and says what it found.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget


def looks_like_curl(text: str) -> bool:
    """A command, not a URL: starts with the word ``curl`` (after a ``$`` prompt, perhaps)."""
    stripped = text.lstrip().removeprefix("$").lstrip()
    return stripped[:5].lower() in ("curl ", "curl\t", "curl\n", "curl\\")


class UrlField(QLineEdit):
    curl_pasted = Signal(str)
    """The user pasted (or typed the start of) a curl command; its full text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("urlField")
        self.setPlaceholderText("/api/core/whoami, a full URL, or paste a curl command")
        self.setClearButtonEnabled(True)
        self._length = 0
        self.textEdited.connect(self._edited)
        self.textChanged.connect(self._remember_length)

    def _clipboard_curl(self) -> str | None:
        text = QGuiApplication.clipboard().text()
        return text if looks_like_curl(text) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            command = self._clipboard_curl()
            if command is not None:
                self.curl_pasted.emit(command)
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        command = self._clipboard_curl()
        if command is not None:
            for action in menu.actions():
                if action.text().replace("&", "").startswith("Paste"):
                    replacement = QAction("Paste curl command (import)…", menu)
                    replacement.triggered.connect(lambda: self.curl_pasted.emit(command))
                    menu.insertAction(action, replacement)
                    menu.removeAction(action)
                    break
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _remember_length(self, text: str) -> None:
        self._length = len(text)

    def _edited(self, text: str) -> None:
        # Dropped or pasted by other means: many characters arrived in one edit.
        grew = len(text) - self._length
        self._length = len(text)
        if grew > 1 and looks_like_curl(text):
            self.curl_pasted.emit(text)

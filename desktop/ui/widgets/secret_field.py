"""A masked input for a secret, with a "Show" toggle to check what was pasted."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget


class SecretField(QWidget):
    text_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        # No completion or history: the value must not be remembered anywhere by the toolkit.
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                      | Qt.InputMethodHint.ImhNoPredictiveText
                                      | Qt.InputMethodHint.ImhSensitiveData)
        self.edit.textChanged.connect(self.text_changed)
        layout.addWidget(self.edit, 1)
        self.show_button = QToolButton()
        self.show_button.setText("Show")
        self.show_button.setCheckable(True)
        self.show_button.setToolTip("Show the value to check what was pasted")
        self.show_button.toggled.connect(self._toggle)
        layout.addWidget(self.show_button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def setPlaceholderText(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    @property
    def revealed(self) -> bool:
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    def _toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown
                              else QLineEdit.EchoMode.Password)
        self.show_button.setText("Hide" if shown else "Show")


def trim_in_place(edit: QLineEdit) -> None:
    """Strip both ends through the edit's own undo history, so Ctrl+Z brings the text back."""
    text = edit.text()
    stripped = text.strip()
    if stripped == text:
        return
    edit.selectAll()
    edit.insert(stripped)

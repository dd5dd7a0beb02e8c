"""What a page shows before it has anything: what will appear here, and how to get it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    def __init__(self, glyph: str, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.glyph = QLabel(glyph)
        self.glyph.setObjectName("emptyGlyph")
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(title)
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel(body)
        self.body.setObjectName("emptyBody")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setFixedWidth(540)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._fit_body()
        for widget in (self.glyph, self.title, self.body):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        self._buttons = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(self._buttons)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)

    def add_action(
        self, text: str, slot: Callable[[], object], *, default: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        button.setDefault(default)
        button.clicked.connect(slot)
        self._buttons.addWidget(button)
        return button

    def set_body(self, body: str) -> None:
        self.body.setText(body)
        self._fit_body()

    def _fit_body(self) -> None:
        # A word-wrapped label with a fixed width does not grow by itself when
        # its text changes after the first layout: give it the height it needs.
        self.body.setMinimumHeight(self.body.heightForWidth(self.body.width()))

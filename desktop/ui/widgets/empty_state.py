"""What a page shows before it has anything: what will appear here, and how to get it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.style import FAINT, MUTED, style_text


class EmptyState(QWidget):
    def __init__(self, glyph: str, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.glyph = style_text(QLabel(glyph), pixel_size=40, colour=FAINT)
        self.glyph.setObjectName("emptyGlyph")
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = style_text(QLabel(title), pixel_size=17, bold=True)
        self.title.setObjectName("emptyTitle")
        self.title.setContentsMargins(0, 6, 0, 0)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = style_text(QLabel(body), pixel_size=13, colour=MUTED)
        self.body.setObjectName("emptyBody")
        self.body.setContentsMargins(0, 4, 0, 12)
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

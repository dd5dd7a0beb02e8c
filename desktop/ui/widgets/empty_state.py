"""What a page shows before it has anything: what will appear here, and how to get it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.style import style_text

MIN_BODY_WIDTH = 260


class EmptyState(QWidget):
    def __init__(self, glyph: str, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.glyph = style_text(QLabel(glyph), pixel_size=40, colour="faint")
        self.glyph.setObjectName("emptyGlyph")
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = style_text(QLabel(title), pixel_size=17, bold=True)
        self.title.setObjectName("emptyTitle")
        self.title.setContentsMargins(0, 6, 0, 0)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = style_text(QLabel(body), pixel_size=13, colour="muted")
        self.body.setObjectName("emptyBody")
        self.body.setContentsMargins(0, 4, 0, 12)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setMinimumWidth(MIN_BODY_WIDTH)  # a narrow window: fewer words a line
        self.body.setMaximumWidth(540)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.glyph, self.title):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        centred = QHBoxLayout()  # the body wraps to the page's width, up to 540 px
        centred.addStretch(1)
        centred.addWidget(self.body, 100)
        centred.addStretch(1)
        layout.addLayout(centred)
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
        self.body.updateGeometry()

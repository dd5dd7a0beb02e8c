"""A row of controls that wraps onto the next line when the window is narrow.

A ``QHBoxLayout`` asks for the sum of its widgets' widths as its minimum, so
one long row of buttons made the whole window wider than a small screen as
soon as its page was opened. This layout asks only for its widest item and
lays the others out like words in a paragraph (height for width). Items
marked ``stretch`` share what is left of their line, like a line edit in a
toolbar.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6,
                 margin: int = 0) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: set[int] = set()
        self._gap = spacing
        self.setContentsMargins(margin, margin, margin, margin)

    # -- building ---------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def add(self, widget: QWidget, *, stretch: bool = False) -> QWidget:
        """Add ``widget``; a ``stretch`` widget takes the rest of its line."""
        self.addChildWidget(widget)
        self._items.append(QWidgetItem(widget))
        if stretch:
            self._stretch.add(id(widget))
        self.invalidate()
        return widget

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- sizes ------------------------------------------------------------------------------

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:
        width = sum(self._hint(item).width() for item in self._shown()) \
            + self._gap * max(0, len(self._shown()) - 1)
        height = max((self._hint(item).height() for item in self._shown()), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    # -- layout -------------------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items
                if item.widget() is None or not item.widget().isHidden()]

    @staticmethod
    def _hint(item: QLayoutItem) -> QSize:
        return item.sizeHint().expandedTo(item.minimumSize())

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return QSize(size.width() + margins.left() + margins.right(),
                     size.height() + margins.top() + margins.bottom())

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            wanted = self._hint(item).width()
            if lines[-1] and used + self._gap + wanted > width:
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + wanted
            lines[-1].append(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            hints = [self._hint(item) for item in line]
            height = max(h.height() for h in hints)
            spare = area.width() - sum(h.width() for h in hints) - self._gap * (len(line) - 1)
            stretchy = [i for i, item in enumerate(line)
                        if item.widget() is not None and id(item.widget()) in self._stretch]
            x = area.x()
            for index, (item, hint) in enumerate(zip(line, hints, strict=True)):
                width = hint.width()
                if stretchy and index in stretchy and spare > 0:
                    width += spare // len(stretchy)
                width = min(width, area.width())
                if move:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, hint.height())))
                x += width + self._gap
            y += height + self._gap
        return y - self._gap - rect.y() + margins.bottom() if self._shown() else 0

"""The checklist's progress: one segment per step in its status colour, and the tally in words.

A plain progress bar showed a failed run as a full blue "5 of 5 steps".
Here a step that passed, failed, was skipped or is still to come has its own
segment (and shape: a failed segment is crossed, a skipped one hollow), and
the words beside it say what the colours do (``Stopped at step 4 of 5: 3
passed, 1 failed, 1 skipped``), in the failure colour when a step failed.
The counting is core's (``desktop.core.window_text.tally``).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from desktop.core.checklist.model import StepStatus
from desktop.core.palette import Colours
from desktop.core.window_text import RunTally, tally
from desktop.ui.theme import bind, colours

_ROLES = {StepStatus.PASS: "solid_ok", StepStatus.WARN: "warn", StepStatus.FAIL: "solid_fail",
          StepStatus.SKIPPED: "faint", StepStatus.MANUAL: "info", StepStatus.RUNNING: "info",
          StepStatus.PENDING: "border"}


class _Segments(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.statuses: list[StepStatus] = []
        self.setMinimumSize(60, 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(240, 12)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.statuses:
            return
        c = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gap = 3.0
        count = len(self.statuses)
        width = (self.width() - gap * (count - 1)) / count
        for index, status in enumerate(self.statuses):
            rect = QRectF(index * (width + gap), 1, width, self.height() - 2)
            colour = QColor(getattr(c, _ROLES[status]))
            if status in (StepStatus.SKIPPED, StepStatus.PENDING):
                painter.setPen(QPen(colour, 1.5))  # hollow: nothing happened there
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
            painter.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 2, 2)
            if status is StepStatus.FAIL:  # crossed, for those who cannot tell red
                painter.setPen(QPen(QColor(c.solid_text), 1.5))
                middle = rect.center()
                half = min(rect.height(), rect.width()) / 2 - 2
                painter.drawLine(middle.x() - half, middle.y() - half,
                                 middle.x() + half, middle.y() + half)
                painter.drawLine(middle.x() - half, middle.y() + half,
                                 middle.x() + half, middle.y() - half)
        painter.end()


class StepsBar(QWidget):
    """``set_statuses`` with the run's step statuses; ``text()`` is what the words say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistProgress")
        self.segments = _Segments(self)
        self.label = QLabel(self)
        self.label.setObjectName("checklistTally")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.segments, 1)
        layout.addWidget(self.label)
        self.tally: RunTally = tally([])
        self.setAccessibleName("Checklist progress")
        bind(self, self._recolour)

    def set_statuses(self, statuses: list[StepStatus]) -> None:
        self.segments.statuses = list(statuses)
        self.tally = tally(statuses)
        self.label.setText(self.tally.text if statuses else "")
        self.setAccessibleDescription(self.label.text())
        self.setToolTip(self.label.text())
        self._recolour(colours())
        self.segments.update()

    def value(self) -> int:
        """Steps finished (passed, failed, skipped...)."""
        return self.tally.done

    def text(self) -> str:
        return self.label.text()

    @property
    def state(self) -> str:
        return self.tally.state

    def _recolour(self, c: Colours) -> None:
        role = {"failed": "fail", "warned": "warn", "passed": "ok"}.get(self.tally.state, "text")
        self.label.setStyleSheet(f"color: {getattr(c, role)};"
                                 + (" font-weight: 600;" if role == "fail" else ""))
        self.segments.update()

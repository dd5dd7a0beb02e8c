"""A table model over a ChecklistRun's step results: status, step, time, outcome."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.provider.model import ChecklistStep
from desktop.ui.models.table import ColumnsModel
from desktop.ui.theme import qcolor

SPINNER = "◐◓◑◒"
STATUS_ROLES = {
    StepStatus.PASS: "ok", StepStatus.WARN: "warn", StepStatus.FAIL: "fail",
    StepStatus.SKIPPED: "muted", StepStatus.MANUAL: "info", StepStatus.RUNNING: "info",
}
"""Each status's colour role in ``desktop.core.palette`` (its symbol says it without colour)."""


def status_colour(status: StepStatus) -> QColor | None:
    role = STATUS_ROLES.get(status)
    return qcolor(role) if role else None
HEADERS = ("", "Step", "Time", "Outcome")
Index = QModelIndex | QPersistentModelIndex


class ChecklistModel(ColumnsModel):
    columns = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self.results: list[StepResult] = []
        self._spin = 0
        self._bold = QFont()
        self._bold.setBold(True)

    def show_steps(self, steps: tuple[ChecklistStep, ...]) -> None:
        """The provider's steps, all pending: what a run will do."""
        self.beginResetModel()
        self.results = [StepResult(step) for step in steps]
        self.endResetModel()

    def show_run(self, run: ChecklistRun) -> None:
        self.beginResetModel()
        self.results = run.results
        self.endResetModel()

    def step_changed(self, index: int) -> None:
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(HEADERS) - 1))

    def tick_spinner(self) -> bool:
        """Advance the spinner glyph; True when a step is running (keep the timer going)."""
        running = [i for i, r in enumerate(self.results) if r.status is StepStatus.RUNNING]
        self._spin = (self._spin + 1) % len(SPINNER)
        for row in running:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
        return bool(running)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.results)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        result = self.results[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                if result.status is StepStatus.RUNNING:
                    return SPINNER[self._spin]
                return result.status.symbol
            if column == 1:
                return f"{index.row() + 1}. {result.step.title}"
            if column == 2:
                return f"{result.duration_ms:,.0f} ms" if result.duration_ms is not None \
                    and result.status.done else ""
            return result.summary or (result.step.explain if result.status is
                                      StepStatus.PENDING else "")
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 3):
            return status_colour(result.status)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return result.summary or result.step.explain
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignCenter if column == 0 else
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return result.status.value
        return None

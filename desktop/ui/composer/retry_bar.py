"""After a 429: a countdown to the earliest safe retry, and "Retry when allowed".

The plan is core's (``RetryPlan.from_sample`` with the provider's minimum
wait after a 429); this bar only counts down to ``earliest_retry_at`` and,
when armed, asks for the re-send at that moment. The clock is injectable so
tests can stand at any instant without waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.ratelimit import RetryPlan

TICK_MS = 250


class RetryBar(QFrame):
    retry_requested = Signal()
    """The armed moment has come: send the same request again."""

    def __init__(self, parent: QWidget | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("retryBar")
        self.clock = clock
        self.plan: RetryPlan | None = None
        self.armed = False
        self.label = QLabel()
        self.label.setObjectName("retryLabel")
        self.label.setWordWrap(True)
        self.button = QPushButton("Retry when allowed")
        self.button.setObjectName("retryButton")
        self.button.clicked.connect(self._toggle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.hide()

    def set_plan(self, plan: RetryPlan | None) -> None:
        self.plan = plan
        self.disarm()
        if plan is None or not plan.refused:
            self._timer.stop()
            self.hide()
            return
        self.show()
        self._timer.start()
        self.tick()

    def seconds_left(self) -> int:
        if self.plan is None:
            return 0
        return math.ceil(self.plan.wait_seconds(self.clock()))

    def tick(self) -> None:
        plan = self.plan
        if plan is None:
            return
        left = self.seconds_left()
        why = plan.describe()
        if plan.needs_backoff:
            self.label.setText(f"429 Too Many Requests: {why}.")
        elif left > 0:
            self.label.setText(f"429 Too Many Requests: retry allowed in {left} s ({why}).")
        else:
            self.label.setText(f"429 Too Many Requests: a retry is allowed now ({why}).")
        if self.armed and left <= 0:
            self.disarm()
            self._timer.stop()
            self.retry_requested.emit()
            return
        if not self.armed:
            self.button.setText("Retry when allowed" if left > 0 else "Retry now")
            if left <= 0:
                self._timer.stop()

    def _toggle(self) -> None:
        if self.armed:
            self.disarm()
        else:
            self.arm()

    def arm(self) -> None:
        self.armed = True
        self.button.setText("Cancel retry")
        self._timer.start()
        self.tick()

    def disarm(self) -> None:
        self.armed = False
        self.button.setText("Retry when allowed" if self.seconds_left() > 0 else "Retry now")

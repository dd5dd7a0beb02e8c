"""After a 429: a countdown to the earliest safe retry, and "Retry when allowed".

The plan is core's (``RetryPlan.from_sample`` with the provider's minimum
wait after a 429); the shared ``Countdown`` counts to its
``earliest_retry_at``. Armed, the bar asks for the re-send at that moment;
Esc or "Cancel retry" disarms it. The clock is injectable so tests can
stand at any instant without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.ratelimit import RetryPlan
from desktop.ui.widgets.countdown import Countdown


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
        self.countdown = Countdown(
            self,  # a parentless label that shows itself is a window of its own
            template="429 Too Many Requests: retry allowed in {left} ({reason}).",
            done_text="429 Too Many Requests: a retry is allowed now.",
            keep_visible=True,
            clock=lambda: self.clock(),
        )
        self.countdown.setWordWrap(True)
        self.countdown.finished.connect(self._moment_reached)
        self.backoff = QLabel(self)
        self.backoff.setWordWrap(True)
        self.button = QPushButton("Retry when allowed", self)
        self.button.setObjectName("retryButton")
        self.button.setToolTip("Send the same request again as soon as the server allows it "
                               "(Esc cancels)")
        self.button.clicked.connect(self._toggle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.countdown, 1)
        layout.addWidget(self.backoff, 1)
        layout.addWidget(self.button)
        self.hide()

    def set_plan(self, plan: RetryPlan | None) -> None:
        self.plan = plan
        self.armed = False
        self.countdown.stop()
        if plan is None or not plan.refused:
            self.hide()
            return
        self.show()
        if plan.needs_backoff:
            self.countdown.hide()
            self.backoff.show()
            self.backoff.setText(f"429 Too Many Requests: {plan.describe()}.")
        else:
            self.backoff.hide()
            self.countdown.show()
            self.countdown.start(plan.earliest_retry_at, plan.describe())
        self._label_button()

    def seconds_left(self) -> float:
        return self.countdown.remaining()

    def text(self) -> str:
        return self.countdown.text() if self.countdown.isVisibleTo(self) else self.backoff.text()

    def _toggle(self) -> None:
        if self.armed:
            self.disarm()
        else:
            self.arm()

    def arm(self) -> None:
        """Re-send when the countdown ends (at once when it already has)."""
        if self.plan is None:
            return
        if not self.countdown.running:
            self.armed = False
            self.retry_requested.emit()
            return
        self.armed = True
        self._label_button()

    def disarm(self) -> None:
        self.armed = False
        self._label_button()

    def _moment_reached(self) -> None:
        armed, self.armed = self.armed, False
        self._label_button()
        if armed:
            self.retry_requested.emit()

    def _label_button(self) -> None:
        if self.armed:
            self.button.setText("Cancel retry")
        else:
            self.button.setText("Retry when allowed" if self.countdown.running else "Retry now")

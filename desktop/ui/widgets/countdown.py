"""A label that counts down to a moment: "Earliest safe retry in 29 s".

The rate-limit page shows it after a 429, the composer before a retry, the
checklist while a step waits. Every user counts to an absolute instant
(epoch seconds, the same clock ``RetryPlan`` and ``Exchange`` use), so the
number stays right however late a timer fires; the widget only decides how
often to repaint and what to say.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

_TICK_MS = 200
"""Repaint often enough that the whole-second figure never lags by more than a fifth."""


def left_text(seconds: float) -> str:
    """``29 s`` under two minutes, ``4:05`` up to an hour, ``1:02:09`` beyond."""
    whole = max(0, math.ceil(seconds))
    if whole < 120:
        return f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Countdown(QLabel):
    """Counts down to ``until``; says ``done_text`` (and emits ``finished``) when it is reached.

    ``template`` is formatted with ``left`` (``29 s``, ``4:05``) and ``reason``
    (the text given to ``start``). Hidden while idle unless ``keep_visible``.
    ``clock`` returns epoch seconds; tests pass a fake one.
    """

    finished = Signal()
    """The moment was reached (not emitted by ``stop``)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        template: str = "Earliest safe retry in {left} ({reason})",
        done_text: str = "You can retry now.",
        keep_visible: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.template = template
        self.done_text = done_text
        self._keep_visible = keep_visible
        self._clock = clock
        self._until: float | None = None
        self._reason = ""
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.setProperty("state", "idle")
        self._show(keep_visible)

    # -- the API ----------------------------------------------------------------------------

    def start(self, until: float, reason: str = "") -> None:
        """Count down to ``until`` (epoch seconds); restarting with a new moment is fine."""
        self._until = float(until)
        self._reason = reason
        self._set_state("counting")
        self._show(True)
        self._tick()
        if self._until is not None:  # _tick may have finished it already
            self._timer.start()

    def stop(self) -> None:
        """Forget the moment without announcing it (hidden unless ``keep_visible``)."""
        self._timer.stop()
        self._until = None
        self._reason = ""
        self._set_state("idle")
        self.clear()
        self._show(self._keep_visible)

    def _show(self, visible: bool) -> None:
        """Shown or hidden within its parent. Without one, showing would open the label as
        a window of its own (and take the focus from the main window): it waits for a
        parent instead, and is shown along with it."""
        if visible and self.parentWidget() is None:
            return
        self.setVisible(visible)

    @property
    def until(self) -> float | None:
        """The moment counted to, while counting."""
        return self._until

    @property
    def reason(self) -> str:
        return self._reason

    @property
    def running(self) -> bool:
        return self._until is not None

    def remaining(self) -> float:
        """Seconds left now (0 when idle or done)."""
        if self._until is None:
            return 0.0
        return max(0.0, self._until - self._clock())

    @property
    def state(self) -> str:
        """``idle``, ``counting`` or ``done``: also a Qt property, for style sheets."""
        return str(self.property("state") or "idle")

    def _set_state(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)

    # -- ticking ----------------------------------------------------------------------------

    def _tick(self) -> None:
        if self._until is None:
            return
        left = self._until - self._clock()
        if left <= 0:
            self._timer.stop()
            self._until = None
            self._set_state("done")
            self.setText(self.done_text)
            self.finished.emit()
            return
        text = self.template.format(left=left_text(left), reason=self._reason)
        self.setText(text.replace(" ()", ""))  # an empty reason leaves no bare brackets

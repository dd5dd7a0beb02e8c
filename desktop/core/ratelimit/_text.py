"""Durations and clock times in the words the UI shows (shared by plans and forecasts)."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo


def duration(seconds: float) -> str:
    """``30 s``, ``1.5 s``, ``4 min``, ``2.5 h``: short, rounded for reading."""
    if not math.isfinite(seconds):
        return "an unknown time"
    seconds = max(0.0, seconds)
    if seconds < 10 and not float(seconds).is_integer():
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{round(seconds)} s"
    if seconds < 120 * 60:
        return f"{round(seconds / 60)} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{round(hours / 24)} days"


def seconds_said(seconds: float) -> str:
    """A value as the server gave it: ``30 s``, ``1.5 s``, ``3600 s (~60 min)``."""
    if not math.isfinite(seconds):
        return duration(seconds)
    text = f"{int(seconds)} s" if float(seconds).is_integer() else f"{seconds:.1f} s"
    return text if seconds < 120 else f"{text} (~{duration(seconds)})"


def clock(epoch: float, tz: tzinfo | None = None, *, since: float | None = None) -> str:
    """``14:05:09`` in ``tz`` (local time by default), with the date if not ``since``'s day."""
    try:
        when = datetime.fromtimestamp(epoch, tz)
        same_day = since is None or datetime.fromtimestamp(since, tz).date() == when.date()
    except (OverflowError, ValueError, OSError):
        return "an unknown time"
    return when.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M:%S")

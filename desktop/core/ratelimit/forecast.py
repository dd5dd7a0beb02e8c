""""At the current rate, remaining reaches 0 in ~40 s": a forecast from the headers.

Only the server's own numbers are used: the run of samples in the current
window (remaining never going up, same limit, same reset instant) gives a
consumption rate by least squares. No forecast when the headers do not
allow one: no remaining values, a single sample, remaining not falling, or
a window that has already reset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from desktop.core.ratelimit._text import duration
from desktop.core.ratelimit.series import RateLimitSeries

_LOOKBACK = 256
"""At most this many recent samples are considered: the current rate, not the day's."""
_RESET_TOLERANCE = 2.0
"""Reset instants from delta seconds drift by up to a second per response."""


@dataclass(frozen=True, slots=True)
class Forecast:
    now: float
    remaining: int
    """Remaining in the latest sample."""
    rate_per_second: float
    """Quota units consumed per second over the current window."""
    zero_at: float
    """When remaining reaches 0 at that rate (epoch seconds)."""
    reset_at: float | None = None
    samples: int = 0
    """How many samples the rate was fitted on."""

    @property
    def seconds_to_zero(self) -> float:
        return max(0.0, self.zero_at - self.now)

    @property
    def resets_first(self) -> bool:
        """True when the window resets before the quota runs out at this rate."""
        return self.reset_at is not None and self.reset_at < self.zero_at

    @property
    def sentence(self) -> str:
        reset_in = None if self.reset_at is None else max(0.0, self.reset_at - self.now)
        if self.remaining == 0:
            if reset_in is None:
                return "Remaining has reached 0: requests will be refused."
            return f"Remaining has reached 0: the window resets in ~{duration(reset_in)}."
        zero = f"~{duration(self.seconds_to_zero)}"
        if self.resets_first and reset_in is not None:
            return (f"At the current rate, remaining would reach 0 in {zero}, "
                    f"but the window resets first (in ~{duration(reset_in)}).")
        return f"At the current rate, remaining reaches 0 in {zero}."


def _same(a: float, b: float, tolerance: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tolerance


def forecast(series: RateLimitSeries, now: float) -> Forecast | None:
    """When remaining reaches 0 at the current rate, or None when the headers do not say."""
    n = len(series)
    if n == 0:
        return None
    start = max(0, n - _LOOKBACK)
    times = np.asarray(series.times[start:])
    remaining = np.asarray(series.remaining[start:])
    limit = np.asarray(series.limit[start:])
    reset = np.asarray(series.reset_at[start:])
    known = np.flatnonzero(~np.isnan(remaining) & (times <= now))
    if len(known) == 0:
        return None
    last = known[-1]
    if not math.isnan(reset[last]) and reset[last] <= now:
        return None  # the window the numbers describe is over
    run = [last]
    for k in known[-2::-1]:
        newer = run[-1]
        if not (remaining[k] >= remaining[newer] and times[k] <= times[newer]
                and _same(limit[k], limit[newer], 0.0)
                and _same(reset[k], reset[newer], _RESET_TOLERANCE)):
            break
        run.append(k)
    run.reverse()
    t, r = times[run], remaining[run]
    if len(run) < 2 or r[0] <= r[-1] or t[-1] <= t[0]:
        return None
    slope = float(np.polyfit(t - t[0], r, 1)[0])
    if not slope < 0:
        return None
    rate = -slope
    left = int(r[-1])
    return Forecast(
        now=now, remaining=left, rate_per_second=rate, zero_at=float(t[-1]) + left / rate,
        reset_at=None if math.isnan(reset[last]) else float(reset[last]), samples=len(run),
    )

""""At the current rate, remaining reaches 0 in ~40 s": a forecast from the headers.

Only the server's own numbers are used: the run of samples in the current
window (remaining never going up, same limit, same reset instant) gives a
consumption rate by least squares. No forecast when the headers do not
allow one: no remaining values, a single sample, remaining not falling, or
a window that has already reset.

No forecast without a current rate either. Every response is a sample, so
the time since the last one is time in which nothing was consumed: the rate
is measured up to now, not only up to the last response, and once no
request has been seen for a while (``_IDLE_FLOOR`` seconds, or a few of the
run's own gaps) there is no current rate at all. Three requests in a burst
and then silence used to read "remaining reaches 0 in ~0 s" with 57 of 60
left; now it reads nothing. Remaining at 0 is a fact, not a forecast: it is
said whatever the rate.
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
_IDLE_FLOOR = 10.0
"""Seconds without a response after which the rate is no longer current, at the least."""
_IDLE_GAPS = 3.0
"""...or this many of the run's average gaps between responses, if that is longer."""


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
        left = self.seconds_to_zero
        zero = "under a second" if left < 1 else f"~{duration(left)}"
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
    reset_at = None if math.isnan(reset[last]) else float(reset[last])
    left = int(r[-1])
    if len(run) < 2 or r[0] <= r[-1] or t[-1] <= t[0]:
        return _exhausted(now, left, reset_at, len(run))
    slope = float(np.polyfit(t - t[0], r, 1)[0])
    if not slope < 0:
        return _exhausted(now, left, reset_at, len(run))
    gap = float(t[-1] - t[0]) / (len(run) - 1)
    idle = now - float(t[-1])
    if idle > max(_IDLE_FLOOR, _IDLE_GAPS * gap):
        return _exhausted(now, left, reset_at, len(run))  # nothing sent lately: no rate
    # Nothing was consumed since the last response: the rate is measured up to now.
    rate = min(-slope, float(r[0] - r[-1]) / max(now - float(t[0]), 1e-9))
    if left == 0:
        return Forecast(now=now, remaining=0, rate_per_second=rate, zero_at=float(t[-1]),
                        reset_at=reset_at, samples=len(run))
    return Forecast(now=now, remaining=left, rate_per_second=rate, zero_at=now + left / rate,
                    reset_at=reset_at, samples=len(run))


def _exhausted(now: float, left: int, reset_at: float | None, samples: int) -> Forecast | None:
    """No rate to forecast with; but remaining at 0 is still worth saying."""
    if left != 0:
        return None
    return Forecast(now=now, remaining=0, rate_per_second=0.0, zero_at=now, reset_at=reset_at,
                    samples=samples)

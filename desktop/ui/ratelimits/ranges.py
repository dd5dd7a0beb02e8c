"""Which stretch of time the chart follows, and how much of it is worth drawing.

Pure functions over a ``RateLimitSeries`` and numpy arrays (no Qt, no
pyqtgraph), so the chart's choices are plain to read and to test: the
followed time range, round request-rate buckets, marker thinning and the
merging of overlapping Retry-After waits.
"""

from __future__ import annotations

import math

import numpy as np

from desktop.core.ratelimit import RateLimitSeries

MIN_VIEW_SECONDS = 20.0
"""A followed view is never narrower than this, even with one sample."""
_NICE_BUCKETS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def span_range(series: RateLimitSeries | None, now: float, span: float) -> tuple[float, float]:
    """The last ``span`` seconds, narrowed to the samples while they fill less of it, and
    widened to show a reset or a Retry-After wait still to come (up to half a span ahead)."""
    left, right = now - span, now
    if series is not None and len(series):
        times = series.times
        first = float(np.nanmin(times))
        if first > left:
            left = first - max(2.0, (now - first) * 0.05)
        last = len(series) - 1
        ahead = [float(series.reset_at[last]), float(times[last] + series.retry_after[last])]
        refused = series.refusals(now - span)
        if len(refused):
            ahead.append(float(refused.retry_until[-1]))
        coming = [t for t in ahead if math.isfinite(t) and now < t <= now + span / 2]
        right = max([right, *coming])
    width = max(right - left, MIN_VIEW_SECONDS)
    return right - width, right + width * 0.03


def all_range(series: RateLimitSeries | None, now: float) -> tuple[float, float]:
    """Every sample, and the end of the last Retry-After wait."""
    if series is None or len(series) == 0:
        return now - 300.0, now
    times = series.times
    first, last = float(np.nanmin(times)), float(np.nanmax(times))
    ends = times + series.retry_after
    if np.any(~np.isnan(ends)):
        last = max(last, float(np.nanmax(ends)))
    width = max(last - first, MIN_VIEW_SECONDS)
    return first - width * 0.02, last + width * 0.04


def bucket_seconds(span: float) -> float:
    """A round request-rate bucket giving ~120 bars across ``span`` (at least one second)."""
    wanted = span / 120
    return float(next((b for b in _NICE_BUCKETS if b >= wanted), _NICE_BUCKETS[-1]))


def thin(times: np.ndarray, t0: float, t1: float, budget: int) -> np.ndarray:
    """Indices keeping at most one point per ``budget``-th of [t0, t1] (markers, not lines)."""
    if len(times) <= budget or t1 <= t0:
        return np.arange(len(times))
    cells = np.clip(((times - t0) / (t1 - t0) * budget).astype(np.int64), 0, budget - 1)
    return np.unique(cells, return_index=True)[1]


def union(start: np.ndarray, end: np.ndarray,
          gap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Intervals overlapping (or closer than ``gap``) merged: a 429 storm is one shaded
    stretch, not a stack of translucent ones darkening each other."""
    if len(start) < 2:
        return start, end
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    fresh = np.concatenate([[True], start[1:] > reach[:-1] + gap])
    groups = np.cumsum(fresh) - 1
    merged_end = np.zeros(int(groups[-1]) + 1)
    np.maximum.at(merged_end, groups, end)
    return start[fresh], merged_end


def nearest_index(series: RateLimitSeries | None, t: float) -> int | None:
    """The index of the sample observed closest to ``t`` (None without samples)."""
    if series is None or len(series) == 0 or not math.isfinite(t):
        return None
    times = series.times
    if len(times) > 1 and np.any(times[1:] < times[:-1]):  # unsorted: rare, exact anyway
        return int(np.argmin(np.abs(times - t)))
    i = int(np.searchsorted(times, t))
    candidates = [j for j in (i - 1, i) if 0 <= j < len(times)]
    return min(candidates, key=lambda j: abs(float(times[j]) - t))

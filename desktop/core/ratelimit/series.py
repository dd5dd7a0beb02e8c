"""A profile's rate-limit samples over time, stored as columns for the chart.

A busy day is 100,000+ responses; a list of sample objects would cost
~1 KB each and make every redraw walk Python objects. Columns in numpy
arrays (about 60 bytes a sample) grown by doubling keep ``append`` O(1)
amortised and let the chart slice, bucket and decimate without copying.
Missing values are NaN (floats) or -1 (status).
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from typing import Literal, TextIO

import numpy as np

from desktop.core.ratelimit.sample import FAMILIES, Family, RateLimitSample

Column = Literal["remaining", "limit", "reset_at", "retry_after", "window", "available_capacity"]

_FLOAT_COLUMNS: tuple[str, ...] = (
    "times", "limit", "remaining", "reset_at", "retry_after", "window", "available_capacity",
)
_CSV_HEADER = (
    "time_utc", "epoch", "status", "family", "limit", "remaining",
    "reset_at_utc", "reset_at", "retry_after", "window", "available_capacity",
)
_MAX_FLOAT = 1e300  # keeps absurd integers from overflowing float64 conversion


@dataclass(frozen=True, slots=True)
class SeriesWindow:
    """The columns of the samples observed since a moment (read-only views where possible)."""

    times: np.ndarray
    status: np.ndarray
    limit: np.ndarray
    remaining: np.ndarray
    reset_at: np.ndarray
    retry_after: np.ndarray

    def __len__(self) -> int:
        return len(self.times)


@dataclass(frozen=True, slots=True)
class Refusals:
    """429 markers: when each came, and until when Retry-After asked to wait (NaN: unsaid)."""

    times: np.ndarray
    retry_until: np.ndarray

    def __len__(self) -> int:
        return len(self.times)


def _float(value: float | int | None) -> float:
    if value is None:
        return np.nan
    return float(min(value, _MAX_FLOAT))


class RateLimitSeries:
    """Append-only rate-limit time series of one profile; ``len`` grows with every response."""

    def __init__(self, profile: str = "", *, initial_capacity: int = 1024) -> None:
        self.profile = profile
        self.last: RateLimitSample | None = None
        """The latest sample appended, for "remaining 40 / 100" style read-outs."""
        self._n = 0
        self._sorted = True
        capacity = max(16, initial_capacity)
        self._cols: dict[str, np.ndarray] = {
            name: np.full(capacity, np.nan) for name in _FLOAT_COLUMNS
        }
        self._status = np.full(capacity, -1, dtype=np.int16)
        self._family = np.zeros(capacity, dtype=np.int8)

    def __len__(self) -> int:
        return self._n

    def _grow(self) -> None:
        capacity = len(self._status) * 2
        for name, old in self._cols.items():
            new = np.full(capacity, np.nan)
            new[: self._n] = old[: self._n]
            self._cols[name] = new
        self._status = np.concatenate([self._status, np.full(len(self._status), -1, np.int16)])
        self._family = np.concatenate([self._family, np.zeros(len(self._family), np.int8)])

    def append(self, sample: RateLimitSample) -> None:
        """Record one response (empty samples too: they count for the request rate)."""
        i = self._n
        if i == len(self._status):
            self._grow()
        cols = self._cols
        at = float(sample.at)
        if i and at < cols["times"][i - 1]:
            self._sorted = False
        cols["times"][i] = at
        cols["limit"][i] = _float(sample.limit)
        cols["remaining"][i] = _float(sample.remaining)
        cols["reset_at"][i] = _float(sample.reset_at)
        cols["retry_after"][i] = _float(sample.retry_after)
        cols["window"][i] = _float(sample.window)
        capacity = sample.capacity
        cols["available_capacity"][i] = _float(capacity.available_capacity if capacity else None)
        status = sample.status
        self._status[i] = status if status is not None and 0 <= status < 32768 else -1
        self._family[i] = FAMILIES.index(sample.family) + 1 if sample.family in FAMILIES else 0
        self._n = i + 1
        self.last = sample

    # -- views ---------------------------------------------------------------

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._n]
        view.flags.writeable = False
        return view

    @property
    def times(self) -> np.ndarray:
        return self._view(self._cols["times"])

    @property
    def remaining(self) -> np.ndarray:
        return self._view(self._cols["remaining"])

    @property
    def limit(self) -> np.ndarray:
        return self._view(self._cols["limit"])

    @property
    def reset_at(self) -> np.ndarray:
        return self._view(self._cols["reset_at"])

    @property
    def retry_after(self) -> np.ndarray:
        return self._view(self._cols["retry_after"])

    @property
    def status(self) -> np.ndarray:
        """HTTP status per sample; -1 where there was none (transport error)."""
        return self._view(self._status)

    def column(self, name: Column) -> np.ndarray:
        return self._view(self._cols[name])

    def family(self, index: int) -> Family | None:
        code = int(self._family[: self._n][index])
        return FAMILIES[code - 1] if code else None

    def _range(self, since: float | None, until: float | None = None) -> slice | np.ndarray:
        """Indices of samples with ``since <= time <= until`` (a slice while times are sorted)."""
        times = self.times
        if self._sorted:
            start = 0 if since is None else int(np.searchsorted(times, since, "left"))
            stop = self._n if until is None else int(np.searchsorted(times, until, "right"))
            return slice(start, max(start, stop))
        mask = np.ones(self._n, dtype=bool)
        if since is not None:
            mask &= times >= since
        if until is not None:
            mask &= times <= until
        return np.flatnonzero(mask)

    def window(self, since: float | None) -> SeriesWindow:
        """Samples observed at or after ``since`` (epoch seconds); None for all of them."""
        pick = self._range(since)
        return SeriesWindow(
            times=self.times[pick], status=self.status[pick], limit=self.limit[pick],
            remaining=self.remaining[pick], reset_at=self.reset_at[pick],
            retry_after=self.retry_after[pick],
        )

    def reset_instants(self, since: float | None = None, *, tolerance: float = 1.0) -> np.ndarray:
        """Distinct moments the window resets, sorted; values within ``tolerance`` s are one.

        Delta-second resets drift by a fraction of a second from response to
        response; without merging, one reset would be drawn as dozens of lines.
        """
        values = self.reset_at[self._range(since)]
        values = np.sort(values[~np.isnan(values)])
        if len(values) == 0:
            return values
        starts = np.concatenate([[True], np.diff(values) > tolerance])
        return values[starts]

    def refusals(self, since: float | None = None) -> Refusals:
        """The 429s, each with the end of its Retry-After wait (NaN when none was given)."""
        pick = self._range(since)
        times, status, retry = self.times[pick], self.status[pick], self.retry_after[pick]
        hit = status == 429
        return Refusals(times=times[hit], retry_until=times[hit] + retry[hit])

    def request_rate(self, bucket_seconds: float, since: float | None = None,
                     until: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(bucket start times, requests per second in each bucket), from the sample times."""
        if not bucket_seconds > 0:
            raise ValueError("bucket_seconds must be positive")
        times = self.times[self._range(since, until)]
        if len(times) == 0:
            return np.empty(0), np.empty(0)
        first = np.floor((since if since is not None else times.min()) / bucket_seconds)
        origin = first * bucket_seconds
        index = np.maximum(((times - origin) // bucket_seconds).astype(np.int64), 0)
        last = index.max() if until is None else max(index.max(),
                                                     int((until - origin) // bucket_seconds))
        counts = np.bincount(index, minlength=int(last) + 1)
        starts = origin + np.arange(len(counts)) * bucket_seconds
        return starts, counts / bucket_seconds

    def decimate(self, t0: float, t1: float, max_points: int,
                 column: Column = "remaining") -> tuple[np.ndarray, np.ndarray]:
        """At most ``max_points`` (time, value) points for drawing ``column`` over [t0, t1].

        The range is cut into ``max_points // 2`` equal-time buckets and each
        bucket keeps its minimum and its maximum (in time order), so spikes
        and drops to 0 survive however far the chart is zoomed out. NaN
        (unknown) values are skipped. The stored data is never reduced.
        """
        if max_points < 2:
            raise ValueError("max_points must be at least 2")
        pick = self._range(t0, t1)
        times = np.asarray(self.times[pick])
        values = np.asarray(self.column(column)[pick])
        known = ~np.isnan(values)
        times, values = times[known], values[known]
        if not self._sorted:
            order = np.argsort(times, kind="stable")
            times, values = times[order], values[order]
        if len(times) <= max_points:
            return times.copy(), values.copy()
        buckets = max_points // 2
        width = (t1 - t0) / buckets if t1 > t0 else 1.0
        bucket = np.minimum(((times - t0) / width).astype(np.int64), buckets - 1)
        order = np.lexsort((values, bucket))  # by bucket, then value
        ordered = bucket[order]
        firsts = np.concatenate([[0], np.flatnonzero(np.diff(ordered)) + 1])
        lasts = np.concatenate([firsts[1:] - 1, [len(order) - 1]])
        keep = np.unique(np.concatenate([order[firsts], order[lasts]]))
        return times[keep], values[keep]

    # -- export --------------------------------------------------------------

    def to_csv(self, file: str | os.PathLike[str] | TextIO) -> int:
        """Write every sample as CSV (header row; UTC ISO-8601 and epoch times); returns rows."""
        if isinstance(file, str | os.PathLike):
            with open(file, "w", newline="", encoding="utf-8") as handle:
                return self._write_csv(handle)
        return self._write_csv(file)

    def _write_csv(self, handle: TextIO | io.StringIO) -> int:
        n = self._n
        cols = {name: self._cols[name][:n] for name in _FLOAT_COLUMNS}
        names = ("", *FAMILIES)
        columns = (
            _iso_column(cols["times"]),
            [f"{t:.3f}" for t in cols["times"].tolist()],
            ["" if s < 0 else str(s) for s in self._status[:n].tolist()],
            [names[code] for code in self._family[:n].tolist()],
            _num_column(cols["limit"]),
            _num_column(cols["remaining"]),
            _iso_column(cols["reset_at"]),
            ["" if math.isnan(t) else f"{t:.3f}" for t in cols["reset_at"].tolist()],
            _num_column(cols["retry_after"]),
            _num_column(cols["window"]),
            _num_column(cols["available_capacity"]),
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(_CSV_HEADER)
        writer.writerows(zip(*columns, strict=True))
        return n


def _num_column(values: np.ndarray) -> list[str]:
    """Counts as integers, other numbers as Python reprs, unknown as empty (vectorised: a day of
    samples exports in well under a second)."""
    out = np.full(len(values), "", dtype=object)
    whole = np.isfinite(values) & (np.abs(values) < 1e15)
    whole[whole] = values[whole] == np.floor(values[whole])
    out[whole] = values[whole].astype(np.int64).astype(str)
    other = ~whole & ~np.isnan(values)
    out[other] = [repr(float(v)) for v in values[other]]
    return out.tolist()


def _iso_column(epochs: np.ndarray) -> list[str]:
    """UTC ISO-8601 with milliseconds and ``Z``; empty for unknown or out-of-range instants."""
    usable = np.isfinite(epochs) & (epochs >= 0) & (epochs < 1e11)  # 1970..5138: 4-digit years
    millis = np.where(usable, np.round(np.where(usable, epochs, 0) * 1000), 0).astype(np.int64)
    text = np.datetime_as_string(millis.astype("datetime64[ms]"), unit="ms")
    return [f"{t}Z" if ok else "" for t, ok in zip(text.tolist(), usable.tolist(), strict=True)]

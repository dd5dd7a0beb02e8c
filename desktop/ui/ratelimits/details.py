"""The full sample behind a charted point: how Reset was read, what was malformed.

``RateLimitSeries`` keeps numbers in columns (cheap for a day of samples);
the hover read-out also wants each response's ``reset_unit`` and
``unparseable`` fields, which only the ``RateLimitSample`` on the Exchange
has. The History already holds every Exchange, so instead of a second copy
this index remembers, per profile, which History rows carried a sample.
"""

from __future__ import annotations

import bisect
from array import array

from desktop.core.history import History
from desktop.core.ratelimit import RateLimitSample

_NEARBY = 64
"""How far from the expected position to look when rows and samples drift apart."""


class SampleLookup:
    """Finds ``series``-index → ``RateLimitSample`` for one profile's samples in the History."""

    def __init__(self, history: History, profile_name: str) -> None:
        self._history = history
        self._profile = profile_name
        self._scanned = 0
        self._rows = array("q")
        self._times = array("d")

    def _scan(self) -> None:
        history = self._history
        if len(history) < self._scanned:  # the history was cleared
            self._scanned = 0
            self._rows = array("q")
            self._times = array("d")
        for row in range(self._scanned, len(history)):
            exchange = history[row]
            sample = exchange.ratelimit
            if sample is not None and exchange.profile == self._profile:
                self._rows.append(row)
                self._times.append(sample.at)
        self._scanned = len(history)

    def _sample(self, position: int) -> RateLimitSample | None:
        return self._history[self._rows[position]].ratelimit

    def find(self, index: int, at: float) -> RateLimitSample | None:
        """The sample observed at ``at`` (the series' ``index``-th), or None when unknown."""
        self._scan()
        times = self._times
        if 0 <= index < len(times) and times[index] == at:
            return self._sample(index)
        # Samples reach the series and the History in the same order, so the
        # index usually matches; when it does not (samples from elsewhere),
        # look near where ``at`` would sort and then around ``index``.
        start = bisect.bisect_left(times, at)
        for position in (*range(start - _NEARBY, start + _NEARBY),
                         *range(index - _NEARBY, index + _NEARBY)):
            if 0 <= position < len(times) and times[position] == at:
                return self._sample(position)
        return None

"""A fixed-window rate limiter and the header families real APIs use to report it.

The Sandbox can speak any of the common dialects so the rate-limit parser and
chart can be shown every one of them against a live server:

- ``ietf``: ``RateLimit: "default";r=R;t=T`` and ``RateLimit-Policy:
  "default";q=Q;w=W`` (draft-ietf-httpapi-ratelimit-headers-10)
- ``ietf-legacy``: ``RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` (delta seconds)
- ``x-ratelimit-delta``: ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` (delta seconds)
- ``x-ratelimit-epoch``: the same, ``-Reset`` in Unix epoch seconds (GitHub style)
- ``x-ratelimit-epoch-ms``: the same, ``-Reset`` in Unix epoch milliseconds
- ``x-rate-limit``: ``X-Rate-Limit-Limit`` / ``-Remaining`` / ``-Reset`` (epoch seconds)
- ``none``: no rate-limit headers (``Retry-After`` still comes with a 429)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

RATELIMIT_FAMILIES: tuple[str, ...] = (
    "ietf",
    "ietf-legacy",
    "x-ratelimit-delta",
    "x-ratelimit-epoch",
    "x-ratelimit-epoch-ms",
    "x-rate-limit",
    "none",
)

POLICY_NAME = "default"


@dataclass(frozen=True, slots=True)
class Quota:
    """Where one caller stands in its current window."""

    limit: int
    window: int
    remaining: int
    reset_in: float
    """Seconds (fractional) until the window closes."""
    exceeded: bool

    @property
    def reset_seconds(self) -> int:
        """Whole seconds until reset, never 0 while the window is open."""
        return max(1, math.ceil(self.reset_in))

    def exhausted(self) -> Quota:
        """The same window reported as used up (the ``rate_limit_storm`` fault)."""
        return Quota(self.limit, self.window, 0, self.reset_in, True)


class FixedWindowLimiter:
    """Counts requests per key in fixed windows that open on a key's first request."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, limit: int, window: int) -> Quota:
        now = self._clock()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= window:
            start, count = now, 0
        count += 1
        if key not in self._windows and len(self._windows) >= self._max_keys:
            self._prune(now, window)
        self._windows[key] = (start, count)
        reset_in = min(float(window), max(0.0, window - (now - start)))
        return Quota(limit, window, max(0, limit - count), reset_in, count > limit)

    def clear(self) -> None:
        self._windows.clear()

    def _prune(self, now: float, window: int) -> None:
        expired = [key for key, (start, _) in self._windows.items() if now - start >= window]
        for key in expired:
            del self._windows[key]
        while len(self._windows) >= self._max_keys:  # all live: forget the oldest
            del self._windows[next(iter(self._windows))]


def rate_limit_headers(
    family: str, quota: Quota, *, now: Callable[[], float] = time.time
) -> list[tuple[str, str]]:
    """The response headers ``family`` uses to report ``quota`` (empty for ``none``)."""
    limit, remaining, delta = str(quota.limit), str(quota.remaining), str(quota.reset_seconds)
    if family == "ietf":
        return [
            ("RateLimit", _sf_item(r=quota.remaining, t=quota.reset_seconds)),
            ("RateLimit-Policy", _sf_item(q=quota.limit, w=quota.window)),
        ]
    if family == "ietf-legacy":
        return _triple("RateLimit", limit, remaining, delta)
    if family == "x-ratelimit-delta":
        return _triple("X-RateLimit", limit, remaining, delta)
    if family == "x-ratelimit-epoch":
        return _triple("X-RateLimit", limit, remaining, str(math.ceil(now() + quota.reset_in)))
    if family == "x-ratelimit-epoch-ms":
        reset_ms = math.ceil((now() + quota.reset_in) * 1000)
        return _triple("X-RateLimit", limit, remaining, str(reset_ms))
    if family == "x-rate-limit":
        return _triple("X-Rate-Limit", limit, remaining, str(math.ceil(now() + quota.reset_in)))
    return []


def _triple(prefix: str, limit: str, remaining: str, reset: str) -> list[tuple[str, str]]:
    return [
        (f"{prefix}-Limit", limit),
        (f"{prefix}-Remaining", remaining),
        (f"{prefix}-Reset", reset),
    ]


def _sf_item(**params: int) -> str:
    """One structured-field List member: the policy name as a String with integer params."""
    import http_sfv  # here, not at the top: config imports this module on the CLI's --help path

    item = http_sfv.Item(POLICY_NAME)
    for name, value in params.items():
        item.params[name] = value
    members = http_sfv.List()
    members.append(item)
    return str(members)

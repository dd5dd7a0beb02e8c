"""Rate-limit samples: what one response said about the provider's limits.

Every response yields one sample (most of them empty). Keeping the parsed
values together with *how* they were read (which header family, how Reset
was interpreted, which fields were malformed) lets the chart, the retry
plan and the bundle explain themselves instead of showing bare numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["ietf", "ietf-legacy", "x-ratelimit", "x-rate-limit", "body"]
"""Which header family produced limit/remaining/reset (see docs/ratelimits.md)."""

ResetUnit = Literal["delta-seconds", "epoch-seconds", "epoch-milliseconds"]
"""How a Reset value was read, stated so the UI can show it."""

FAMILIES: tuple[Family, ...] = ("ietf", "ietf-legacy", "x-ratelimit", "x-rate-limit", "body")


@dataclass(frozen=True, slots=True)
class Capacity:
    """Pending-message capacity reported in a 429 body (Viber campaigns, seed 002).

    This is not a requests-per-window limit: it counts messages queued and
    not yet sent, so it is kept apart from ``limit``/``remaining``.
    """

    current_pending: int | None = None
    requested_count: int | None = None
    max_allowed: int | None = None
    available_capacity: int | None = None

    @property
    def shortfall(self) -> int | None:
        """How many of the requested messages did not fit, when the body says enough."""
        if self.requested_count is None or self.available_capacity is None:
            return None
        return max(0, self.requested_count - self.available_capacity)


@dataclass(frozen=True, slots=True)
class Policy:
    """One IETF quota policy: ``RateLimit`` (r, t) joined with ``RateLimit-Policy`` (q, w)."""

    name: str
    remaining: int | None = None
    """``r``: quota units left."""
    reset_after: int | None = None
    """``t``: seconds until more quota is made available (always delta seconds)."""
    limit: int | None = None
    """``q``: quota per window."""
    window: int | None = None
    """``w``: window length in seconds."""
    quota_unit: str | None = None
    """``qu``: ``requests`` (the default), ``content-bytes``, ``concurrent-requests``."""
    partition_key: bytes | None = None
    """``pk``: the partition the quota applies to."""


@dataclass(frozen=True, slots=True)
class RateLimitSample:
    """What one response said about rate limits, with how each value was read.

    Absolute instants (``at``, ``reset_at``) are epoch seconds on the local
    clock; ``reset_after`` and ``retry_after`` are seconds counted from ``at``.
    """

    at: float
    """Epoch seconds when the response was observed."""
    status: int | None = None
    family: Family | None = None
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    reset_after: float | None = None
    reset_unit: ResetUnit | None = None
    window: float | None = None
    """Window length in seconds (RateLimit-Policy ``w``), when declared."""
    policy: str | None = None
    """Name of the IETF policy the values come from (the one with least remaining)."""
    retry_after: float | None = None
    retry_after_source: Literal["header", "body"] | None = None
    capacity: Capacity | None = None
    policies: tuple[Policy, ...] = ()
    """Every IETF policy the response declared, in the order given."""
    unparseable: tuple[tuple[str, str], ...] = ()
    """(field name, raw value) of fields that were present but malformed, and ignored."""

    @property
    def is_empty(self) -> bool:
        """True when the response carried no rate-limit information, not even a malformed one."""
        return (
            self.family is None
            and self.retry_after is None
            and self.capacity is None
            and not self.policies
            and not self.unparseable
        )

    @property
    def refused(self) -> bool:
        """True for a 429 Too Many Requests: the provider refused this request."""
        return self.status == 429

    @property
    def retry_at(self) -> float | None:
        """The instant Retry-After points to, on the local clock."""
        return None if self.retry_after is None else self.at + self.retry_after

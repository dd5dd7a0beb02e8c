"""When to try again: a retry plan from one sample, and a jittered backoff schedule.

The seeds agree on the order of precedence: wait at least what
``Retry-After`` says (it wins over every other field, as the IETF draft
requires), otherwise until the window resets when the quota is spent, never
less than the provider's documented minimum after a 429 (eCourtDate: 60 s),
and back off exponentially when nothing says how long.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import tzinfo
from typing import Literal, Protocol

from desktop.core.ratelimit._text import clock, duration, seconds_said
from desktop.core.ratelimit.sample import RateLimitSample

Basis = Literal["retry-after", "reset", "min-wait", "none"]


class Uniform(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


@dataclass(frozen=True, slots=True)
class RetryPlan:
    """The earliest moment a retry makes sense, and why, in words."""

    sample_at: float
    earliest_retry_at: float
    basis: Basis
    """What decided ``earliest_retry_at``."""
    refused: bool = False
    retry_after: float | None = None
    retry_after_source: Literal["header", "body"] | None = None
    reset_at: float | None = None
    min_wait: float = 0.0

    @classmethod
    def from_sample(cls, sample: RateLimitSample, *, min_wait_after_429: float = 0.0) -> RetryPlan:
        """Plan from one response; ``min_wait_after_429`` is the provider's documented floor."""
        at = sample.at
        basis: Basis = "none"
        earliest = at
        if sample.retry_after is not None:
            basis, earliest = "retry-after", at + sample.retry_after
        elif (sample.refused or sample.remaining == 0) and sample.reset_at is not None:
            basis, earliest = "reset", max(at, sample.reset_at)
        if sample.refused and min_wait_after_429 > 0 and at + min_wait_after_429 > earliest:
            basis, earliest = "min-wait", at + min_wait_after_429
        return cls(sample_at=at, earliest_retry_at=earliest, basis=basis, refused=sample.refused,
                   retry_after=sample.retry_after, retry_after_source=sample.retry_after_source,
                   reset_at=sample.reset_at, min_wait=min_wait_after_429)

    @property
    def needs_backoff(self) -> bool:
        """Refused with nothing saying how long to wait: fall back to ``backoff_delays``."""
        return self.refused and self.basis == "none"

    def wait_seconds(self, now: float) -> float:
        """Seconds still to wait at ``now`` (0 when the moment has passed)."""
        return max(0.0, self.earliest_retry_at - now)

    @property
    def reason(self) -> str:
        """Why this wait, in words (clock times in local time); see ``describe``."""
        return self.describe()

    def describe(self, tz: tzinfo | None = None) -> str:
        """``Retry-After: 30 s``, ``window resets at 14:05:09``, ... (times in ``tz``)."""
        said = self._retry_after_words()
        if self.basis == "retry-after" and said:
            return said
        if self.basis == "reset" and self.reset_at is not None:
            return f"window resets at {clock(self.reset_at, tz, since=self.sample_at)}"
        if self.basis == "min-wait":
            words = f"the provider asks to wait at least {duration(self.min_wait)} after a 429"
            if said:
                return f"{words} ({said})"
            if self.reset_at is not None:
                reset = clock(self.reset_at, tz, since=self.sample_at)
                return f"{words} (window resets at {reset})"
            return words
        if self.refused:
            return "refused (429) without saying how long to wait: back off exponentially"
        return "no wait needed"

    def _retry_after_words(self) -> str:
        if self.retry_after is None:
            return ""
        where = "Retry-After" if self.retry_after_source != "body" else "Retry-After (in the body)"
        return f"{where}: {seconds_said(self.retry_after)}"

    def delay(self, attempt: int, now: float, *, base: float = 1.0, cap: float = 60.0,
              rng: Uniform | None = None) -> float:
        """Seconds to wait before retry ``attempt`` (0-based): the plan's wait or the backoff,
        whichever is longer."""
        jitter = backoff_delay(attempt, base, cap, rng or random.Random())
        return max(self.wait_seconds(now), jitter)


def backoff_delay(attempt: int, base: float, cap: float, rng: Uniform) -> float:
    """One "full jitter" delay: uniform in ``[0, min(cap, base × 2^attempt)]``."""
    exponent = min(max(attempt, 0), 1000)  # 2.0**1024 overflows; the cap wins long before
    ceiling = min(cap, base * 2.0**exponent)
    return rng.uniform(0.0, max(0.0, ceiling))


def backoff_delays(attempts: int, base: float = 1.0, cap: float = 60.0,
                   rng: Uniform | None = None) -> list[float]:
    """An exponential backoff schedule with "full jitter", bounded by ``cap``.

    Delay *n* (0-based) is drawn uniformly from ``[0, min(cap, base × 2^n)]``:
    the ceiling doubles each attempt until it reaches ``cap``, and the random
    spread keeps many clients refused at the same moment from retrying in
    lock-step (AWS Architecture Blog, "Exponential Backoff And Jitter").
    Pass a seeded ``random.Random`` for a reproducible schedule. Combine it
    with a plan's floor through ``RetryPlan.delay``: never less than what
    Retry-After or the provider asks.
    """
    source = rng or random.Random()
    return [backoff_delay(n, base, cap, source) for n in range(max(0, attempts))]

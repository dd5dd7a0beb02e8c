"""Retry plans (Retry-After first, then reset, floored by the provider's minimum) and backoff."""

from __future__ import annotations

import random
from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit import (
    RateLimitSample,
    RetryPlan,
    backoff_delays,
    parse_ratelimit,
)

AT = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def test_retry_after_sets_the_earliest_retry() -> None:
    sample = parse_ratelimit([("Retry-After", "30")], status=429, now=AT)
    plan = RetryPlan.from_sample(sample)
    assert plan.earliest_retry_at == AT + 30
    assert plan.basis == "retry-after"
    assert plan.reason == "Retry-After: 30 s"
    assert plan.wait_seconds(AT + 10) == 20
    assert plan.wait_seconds(AT + 40) == 0


def test_retry_after_wins_over_a_later_reset() -> None:
    sample = parse_ratelimit(
        [("Retry-After", "5"), ("RateLimit", '"default";r=0;t=50')], status=429, now=AT
    )
    plan = RetryPlan.from_sample(sample)
    assert plan.earliest_retry_at == AT + 5
    assert plan.basis == "retry-after"


def test_spent_quota_waits_for_the_window_reset_even_before_a_429() -> None:
    sample = parse_ratelimit([("RateLimit", '"default";r=0;t=49')], status=200, now=AT)
    plan = RetryPlan.from_sample(sample)
    assert plan.earliest_retry_at == AT + 49
    assert plan.describe(UTC) == "window resets at 22:14:09"


def test_provider_minimum_after_a_429_is_a_floor() -> None:
    sample = parse_ratelimit([("Retry-After", "30")], status=429, now=AT)
    plan = RetryPlan.from_sample(sample, min_wait_after_429=60)
    assert plan.earliest_retry_at == AT + 60
    assert plan.basis == "min-wait"
    assert plan.reason == "the provider asks to wait at least 60 s after a 429 (Retry-After: 30 s)"


def test_provider_minimum_alone_explains_itself() -> None:
    plan = RetryPlan.from_sample(RateLimitSample(at=AT, status=429), min_wait_after_429=60)
    assert plan.reason == "the provider asks to wait at least 60 s after a 429"
    assert not plan.needs_backoff


def test_provider_minimum_does_not_apply_to_successful_responses() -> None:
    sample = RateLimitSample(at=AT, status=200, remaining=10)
    plan = RetryPlan.from_sample(sample, min_wait_after_429=60)
    assert plan.wait_seconds(AT) == 0
    assert plan.reason == "no wait needed"


def test_longer_retry_after_beats_the_provider_minimum() -> None:
    sample = parse_ratelimit([("Retry-After", "150")], status=429, now=AT)
    plan = RetryPlan.from_sample(sample, min_wait_after_429=60)
    assert plan.earliest_retry_at == AT + 150
    assert plan.reason == "Retry-After: 150 s (~2 min)"


def test_body_retry_after_is_named_as_such() -> None:
    sample = parse_ratelimit([], status=429, body={"retryAfterSeconds": 15}, now=AT)
    assert RetryPlan.from_sample(sample).reason == "Retry-After (in the body): 15 s"


def test_refusal_without_any_wait_time_asks_for_backoff() -> None:
    plan = RetryPlan.from_sample(RateLimitSample(at=AT, status=429))
    assert plan.needs_backoff
    assert "back off exponentially" in plan.reason
    assert plan.wait_seconds(AT) == 0


def test_reset_on_another_day_shows_the_date() -> None:
    sample = RateLimitSample(at=AT, status=429, reset_at=AT + 86_400)
    assert RetryPlan.from_sample(sample).describe(UTC) == "window resets at 2023-11-15 22:13:20"


def test_delay_is_never_less_than_the_plan_wait() -> None:
    plan = RetryPlan.from_sample(parse_ratelimit([("Retry-After", "30")], status=429, now=AT))
    rng = random.Random(1)
    assert all(plan.delay(n, AT, base=1, cap=10, rng=rng) == 30 for n in range(10))
    assert 0 <= plan.delay(3, AT + 30, base=1, cap=10, rng=rng) <= 8


def test_backoff_schedule_is_reproducible_with_a_seeded_rng() -> None:
    assert backoff_delays(6, 1, 60, random.Random(7)) == backoff_delays(6, 1, 60, random.Random(7))


def test_backoff_ceiling_doubles_until_the_cap() -> None:
    class Top:
        def uniform(self, a: float, b: float) -> float:
            return b

    assert backoff_delays(8, base=0.5, cap=20, rng=Top()) == [0.5, 1, 2, 4, 8, 16, 20, 20]


@settings(deadline=None)
@given(
    attempts=st.integers(min_value=0, max_value=2000),
    base=st.floats(min_value=0, max_value=1e6),
    cap=st.floats(min_value=0, max_value=1e6),
    seed=st.integers(),
)
def test_backoff_delays_stay_within_zero_and_the_doubling_ceiling_and_the_cap(
    attempts: int, base: float, cap: float, seed: int
) -> None:
    delays = backoff_delays(attempts, base, cap, random.Random(seed))
    assert len(delays) == attempts
    for n, delay in enumerate(delays):
        assert 0 <= delay <= cap
        assert delay <= base * 2.0 ** min(n, 1000)


@settings(deadline=None)
@given(retry_after=st.floats(min_value=0, max_value=1e9), minimum=st.floats(0, 1e5),
       status=st.sampled_from([200, 429, 503]))
def test_plan_never_waits_less_than_retry_after_or_the_minimum_after_a_429(
    retry_after: float, minimum: float, status: int
) -> None:
    sample = RateLimitSample(at=AT, status=status, retry_after=retry_after,
                             retry_after_source="header")
    plan = RetryPlan.from_sample(sample, min_wait_after_429=minimum)
    assert plan.earliest_retry_at >= AT + retry_after
    if status == 429:
        assert plan.earliest_retry_at >= AT + minimum
    assert plan.reason


def test_wait_seconds_is_zero_after_the_moment() -> None:
    plan = RetryPlan.from_sample(RateLimitSample(at=AT, status=429, retry_after=1.5))
    assert plan.wait_seconds(AT) == pytest.approx(1.5)
    assert plan.reason == "Retry-After: 1.5 s"
    assert plan.wait_seconds(AT + 2) == 0

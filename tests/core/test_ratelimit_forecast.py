"""forecast(): when remaining reaches 0 at the current rate, only when the headers allow it."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit import RateLimitSample, RateLimitSeries, forecast

T0 = 1_700_000_000.0


def _series(points: list[tuple[float, int | None]], *, limit: int = 100,
            reset_at: float | None = T0 + 3600) -> RateLimitSeries:
    series = RateLimitSeries()
    for at, remaining in points:
        series.append(RateLimitSample(at=T0 + at, status=200, limit=limit, remaining=remaining,
                                      reset_at=reset_at))
    return series


def test_steady_consumption_forecasts_the_moment_remaining_reaches_zero() -> None:
    # 2 units a second, 40 left at t=30: zero at t=50
    series = _series([(t, 100 - 2 * t) for t in range(0, 31, 5)])
    result = forecast(series, T0 + 30)
    assert result is not None
    assert result.rate_per_second == pytest.approx(2)
    assert result.zero_at == pytest.approx(T0 + 50)
    assert result.seconds_to_zero == pytest.approx(20)
    assert result.sentence == "At the current rate, remaining reaches 0 in ~20 s."
    assert not result.resets_first


def test_window_resetting_first_is_said() -> None:
    series = _series([(0, 100), (10, 90)], reset_at=T0 + 40)
    result = forecast(series, T0 + 10)
    assert result is not None
    assert result.resets_first
    assert result.sentence == ("At the current rate, remaining would reach 0 in ~90 s, "
                               "but the window resets first (in ~30 s).")


def test_only_the_current_window_counts() -> None:
    # an earlier window fell fast; after the reset (remaining jumps up) it falls slowly
    points = [(0, 100), (1, 50), (2, 10), (3, 100), (13, 99), (23, 98)]
    series = RateLimitSeries()
    for at, remaining in points:
        series.append(RateLimitSample(at=T0 + at, limit=100, remaining=remaining,
                                      reset_at=T0 + 60 if at < 3 else T0 + 63))
    result = forecast(series, T0 + 23)
    assert result is not None
    assert result.samples == 3
    assert result.rate_per_second == pytest.approx(0.1)


def test_remaining_at_zero_says_so() -> None:
    series = _series([(0, 2), (1, 1), (2, 0)], reset_at=T0 + 32)
    result = forecast(series, T0 + 2)
    assert result is not None
    assert result.sentence == "Remaining has reached 0: the window resets in ~30 s."


@pytest.mark.parametrize(
    ("points", "why"),
    [
        ([], "no samples"),
        ([(0, None), (1, None)], "no remaining values"),
        ([(0, 50)], "a single sample"),
        ([(0, 50), (5, 50), (9, 50)], "remaining not falling"),
        ([(0, 40), (5, 60)], "remaining went up: a new window with one sample"),
    ],
)
def test_no_forecast_when_the_headers_do_not_allow_one(points: list, why: str) -> None:
    assert forecast(_series(points), T0 + 10) is None, why


def test_no_forecast_once_the_window_has_reset() -> None:
    series = _series([(0, 100), (10, 80)], reset_at=T0 + 20)
    assert forecast(series, T0 + 15) is not None
    assert forecast(series, T0 + 21) is None


def test_a_changed_limit_starts_a_new_window() -> None:
    series = RateLimitSeries()
    series.append(RateLimitSample(at=T0, limit=100, remaining=90))
    series.append(RateLimitSample(at=T0 + 1, limit=50, remaining=40))
    assert forecast(series, T0 + 1) is None


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=50), st.floats(min_value=0.01, max_value=100),
       st.integers(min_value=2, max_value=40))
def test_linear_consumption_is_forecast_exactly(per_step: int, step: float, n: int) -> None:
    start = per_step * n + 7
    series = RateLimitSeries()
    for i in range(n):
        series.append(RateLimitSample(at=T0 + i * step, remaining=start - per_step * i))
    now = T0 + (n - 1) * step
    result = forecast(series, now)
    assert result is not None
    # Timestamps near T0 are floats with a resolution of ~2.4e-7 s: a step of 0.05 s is
    # only known to a few parts in a million (hypothesis found n=2, step=0.0485: 1.5e-6).
    resolution = 4 * math.ulp(T0) / step
    assert result.rate_per_second == pytest.approx(per_step / step, rel=1e-6 + resolution)
    assert result.zero_at == pytest.approx(now + (start - per_step * (n - 1)) * step / per_step,
                                           rel=1e-9)
    assert result.sentence.startswith("At the current rate")


def test_no_forecast_while_idle_after_a_short_burst() -> None:
    """Three requests in 20 ms, then nothing: 57 of 60 left is not "reaches 0 in ~0 s"."""
    series = _series([(0.0, 59), (0.01, 58), (0.02, 57)], limit=60, reset_at=T0 + 60)
    assert forecast(series, T0 + 30) is None
    assert forecast(series, T0 + 0.5) is None or "~0 s" not in forecast(series, T0 + 0.5).sentence


def test_the_rate_is_no_longer_current_once_requests_stop() -> None:
    # one request every 2 s, then silence: current for a few gaps, then no rate at all
    series = _series([(t, 100 - t // 2) for t in range(0, 21, 2)])
    assert forecast(series, T0 + 22) is not None
    assert forecast(series, T0 + 20 + 11) is None


def test_the_time_since_the_last_response_slows_the_rate_down() -> None:
    series = _series([(0, 100), (5, 90), (10, 80)])  # 2 a second while sending
    at_once = forecast(series, T0 + 10)
    later = forecast(series, T0 + 20)
    assert at_once is not None
    assert later is not None
    assert at_once.rate_per_second == pytest.approx(2)
    assert later.rate_per_second == pytest.approx(1)  # 20 used in 20 s
    assert later.zero_at == pytest.approx(T0 + 20 + 80)


def test_remaining_at_zero_is_said_even_without_a_rate() -> None:
    series = _series([(0, 0)], reset_at=T0 + 50)
    result = forecast(series, T0 + 20)
    assert result is not None
    assert result.sentence == "Remaining has reached 0: the window resets in ~30 s."


def test_a_quota_running_out_within_a_second_is_not_said_as_zero_seconds() -> None:
    series = _series([(0.0, 60), (0.1, 50), (0.2, 40)], limit=60)
    result = forecast(series, T0 + 0.2)
    assert result is not None
    assert result.sentence == "At the current rate, remaining reaches 0 in under a second."


@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=300),
                          st.integers(min_value=0, max_value=60)), min_size=1, max_size=30),
       st.floats(min_value=0, max_value=600))
def test_a_forecast_never_says_zero_seconds_while_quota_is_left(points, now: float) -> None:
    series = _series(sorted(points), limit=60, reset_at=T0 + 900)
    result = forecast(series, T0 + now)
    if result is not None and result.remaining > 0:
        assert "~0 s" not in result.sentence
        assert result.zero_at > result.now

"""RateLimitSeries: compact storage, windows, markers, request rate, decimation, CSV."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit import Capacity, RateLimitSample, RateLimitSeries

T0 = 1_700_000_000.0


def _sample(at: float, remaining: int | None = None, **kw: object) -> RateLimitSample:
    return RateLimitSample(at=at, remaining=remaining, **kw)  # type: ignore[arg-type]


def _series(values: list[float | None], step: float = 1.0) -> RateLimitSeries:
    series = RateLimitSeries("p")
    for i, value in enumerate(values):
        series.append(_sample(T0 + i * step, None if value is None else int(value), limit=100))
    return series


def test_a_day_of_samples_is_held_in_columns_not_objects() -> None:
    series = RateLimitSeries("sandbox", initial_capacity=16)
    for i in range(120_000):
        series.append(RateLimitSample(at=T0 + i * 0.7, status=200, family="ietf", limit=100,
                                      remaining=100 - i % 100, reset_at=T0 + 60 * (i // 85 + 1)))
    assert len(series) == 120_000
    assert series.times.dtype == np.float64
    assert len(series.times) == 120_000
    assert series.remaining[-1] == 100 - 119_999 % 100
    assert series.family(5) == "ietf"
    assert series.last is not None
    assert series.last.at == series.times[-1]
    total = sum(a.nbytes for a in (*series._cols.values(), series._status, series._family))
    assert total < 120_000 * 2 * 80  # a few columns of 8 bytes, with at most 2x slack


def test_views_are_read_only_and_missing_values_are_nan() -> None:
    series = RateLimitSeries()
    series.append(RateLimitSample(at=T0, status=None))
    assert math.isnan(series.remaining[0])
    assert series.status[0] == -1
    assert series.family(0) is None
    with pytest.raises(ValueError, match="read-only"):
        series.remaining[0] = 3


def test_window_selects_samples_since_a_moment() -> None:
    series = _series(list(range(100, 0, -1)))
    assert len(series.window(None)) == 100
    recent = series.window(T0 + 90)
    assert len(recent) == 10
    assert recent.times[0] == T0 + 90
    assert list(recent.remaining) == list(range(10, 0, -1))


def test_window_still_works_when_samples_arrive_out_of_order() -> None:
    series = RateLimitSeries()
    for at in (T0 + 5, T0 + 1, T0 + 9, T0 + 3):
        series.append(_sample(at, 1))
    assert sorted(series.window(T0 + 4).times) == [T0 + 5, T0 + 9]


def test_reset_instants_merge_drifting_delta_resets() -> None:
    series = RateLimitSeries()
    for at, reset in ((T0, T0 + 60.2), (T0 + 1, T0 + 60.9), (T0 + 2, T0 + 60.4),
                      (T0 + 70, T0 + 120.1), (T0 + 71, None)):
        series.append(RateLimitSample(at=at, reset_at=reset))
    assert list(series.reset_instants()) == [T0 + 60.2, T0 + 120.1]
    assert list(series.reset_instants(T0 + 50)) == [T0 + 120.1]


def test_refusals_are_marked_with_their_retry_after_windows() -> None:
    series = RateLimitSeries()
    series.append(RateLimitSample(at=T0, status=200))
    series.append(RateLimitSample(at=T0 + 1, status=429, retry_after=30))
    series.append(RateLimitSample(at=T0 + 2, status=429))
    marks = series.refusals()
    assert list(marks.times) == [T0 + 1, T0 + 2]
    assert marks.retry_until[0] == T0 + 31
    assert math.isnan(marks.retry_until[1])


def test_request_rate_counts_samples_per_bucket() -> None:
    series = RateLimitSeries()
    for at in [0, 0.1, 0.2, 0.3, 1.5, 4.2, 4.3]:
        series.append(RateLimitSample(at=T0 + at))
    starts, rate = series.request_rate(1.0)
    assert list(starts - T0) == [0, 1, 2, 3, 4]
    assert list(rate) == [4, 1, 0, 0, 2]
    starts, rate = series.request_rate(2.0, since=T0 + 1)
    assert list(starts - T0) == [0, 2, 4]
    assert list(rate) == [0.5, 0, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=3600), max_size=300),
       st.floats(min_value=0.5, max_value=600))
def test_request_rate_accounts_for_every_request(offsets: list[float], bucket: float) -> None:
    series = RateLimitSeries()
    for offset in sorted(offsets):
        series.append(RateLimitSample(at=T0 + offset))
    starts, rate = series.request_rate(bucket)
    assert round(float(np.sum(rate * bucket))) == len(offsets)
    assert np.all(np.diff(starts) > 0)


def test_decimation_returns_everything_when_it_fits() -> None:
    series = _series([5, None, 3, 2])
    times, values = series.decimate(T0, T0 + 10, 10)
    assert list(values) == [5, 3, 2]
    assert list(times - T0) == [0, 2, 3]


def test_decimation_keeps_a_drop_to_zero_visible() -> None:
    values = [100.0] * 50_000
    values[31_337] = 0
    series = _series(values, step=0.5)
    times, kept = series.decimate(T0, T0 + 25_000, 200)
    assert len(kept) <= 200
    assert 0 in kept
    assert times[list(kept).index(0)] == T0 + 31_337 * 0.5


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.floats(min_value=0, max_value=1000), st.integers(0, 1000)),
             min_size=1, max_size=400),
    st.integers(min_value=2, max_value=60),
)
def test_decimation_keeps_min_and_max_of_each_bucket(points: list[tuple[float, int]],
                                                     max_points: int) -> None:
    points.sort()
    series = RateLimitSeries()
    for at, remaining in points:
        series.append(_sample(T0 + at, remaining))
    t0, t1 = T0, T0 + 1000
    times, values = series.decimate(t0, t1, max_points)
    assert len(times) <= max(max_points, 0) or len(times) == len(points)
    assert np.all(np.diff(times) >= 0)
    raw_t = np.array([T0 + at for at, _ in points])
    raw_v = np.array([v for _, v in points], dtype=float)
    if len(points) <= max_points:
        assert list(values) == list(raw_v)
        return
    buckets = max_points // 2
    width = (t1 - t0) / buckets
    raw_b = np.minimum(((raw_t - t0) / width).astype(int), buckets - 1)
    out_b = np.minimum(((times - t0) / width).astype(int), buckets - 1)
    for b in np.unique(raw_b):
        inside = values[out_b == b]
        assert inside.min() == raw_v[raw_b == b].min()
        assert inside.max() == raw_v[raw_b == b].max()
    # every point drawn is a real sample
    real = set(zip(raw_t.tolist(), raw_v.tolist(), strict=True))
    assert set(zip(times.tolist(), values.tolist(), strict=True)) <= real


def test_decimation_refuses_fewer_than_two_points() -> None:
    with pytest.raises(ValueError, match="max_points"):
        _series([1, 2]).decimate(T0, T0 + 1, 1)


def test_csv_export_has_a_header_and_utc_and_epoch_times() -> None:
    series = RateLimitSeries()
    series.append(RateLimitSample(at=T0, status=200, family="x-ratelimit", limit=100,
                                  remaining=99, reset_at=T0 + 30.5, window=60.0))
    series.append(RateLimitSample(at=T0 + 1.25, status=429, retry_after=30, family="body",
                                  capacity=Capacity(available_capacity=7)))
    series.append(RateLimitSample(at=T0 + 2))
    out = io.StringIO()
    assert series.to_csv(out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["time_utc", "epoch", "status", "family", "limit", "remaining",
                             "reset_at_utc", "reset_at", "retry_after", "window",
                             "available_capacity"]
    assert rows[0]["time_utc"] == "2023-11-14T22:13:20.000Z"
    assert rows[0]["epoch"] == "1700000000.000"
    assert (rows[0]["limit"], rows[0]["remaining"], rows[0]["window"]) == ("100", "99", "60")
    assert rows[0]["reset_at_utc"] == "2023-11-14T22:13:50.500Z"
    assert (rows[1]["status"], rows[1]["retry_after"], rows[1]["family"]) == ("429", "30", "body")
    assert rows[1]["available_capacity"] == "7"
    assert rows[1]["time_utc"] == "2023-11-14T22:13:21.250Z"
    assert rows[2]["status"] == ""
    assert rows[2]["remaining"] == ""
    assert rows[2]["family"] == ""


def test_csv_export_to_a_path(tmp_path) -> None:
    target = tmp_path / "ratelimit.csv"
    assert _series([3, 2, 1]).to_csv(target) == 3
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4


def test_absurd_values_do_not_break_append_or_export() -> None:
    series = RateLimitSeries()
    series.append(RateLimitSample(at=T0, status=99999, limit=10**40, reset_at=1e300))
    assert series.status[0] == -1
    assert series.to_csv(io.StringIO()) == 1


def test_decimation_of_many_samples_at_one_instant_keeps_their_extremes() -> None:
    series = RateLimitSeries()
    for remaining in (5, 9, 1, 7):
        series.append(_sample(T0, remaining))
    _times, values = series.decimate(T0, T0, 2)
    assert sorted(values) == [1, 9]

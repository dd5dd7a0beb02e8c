"""The burst pacer on a fake clock: rate, never over the limit, stop on 429, cancellation."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit import (
    BurstRefused,
    RateLimitSample,
    check_burst_allowed,
    run_burst,
)


class FakeTime:
    """A clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def _ok(index: int) -> RateLimitSample:
    return RateLimitSample(at=float(index), status=200)


def _burst(send, count: int, rate: float, *, limit: int | None = None, window: float = 1.0,
           fake: FakeTime | None = None):
    fake = fake or FakeTime()
    return asyncio.run(run_burst(send, count, rate, limit=limit, window=window,
                                 clock=fake.clock, sleep=fake.sleep))


async def _always_ok(index: int) -> RateLimitSample:
    return _ok(index)


def test_requests_start_at_the_chosen_rate() -> None:
    result = _burst(_always_ok, 5, 4.0)
    assert result.started_at == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert result.sent == result.completed == 5
    assert not result.refused
    assert result.summary == "Sent 5 of 5 at 4/s."


def test_limit_holds_back_requests_until_the_window_allows() -> None:
    result = _burst(_always_ok, 7, 100.0, limit=3, window=1.0)
    assert result.started_at == pytest.approx([0, 0.01, 0.02, 1.0, 1.01, 1.02, 2.0])
    assert result.summary == "Sent 7 of 7 at 100/s, at most 3 per 1 s."


def test_burst_stops_starting_requests_after_a_429() -> None:
    async def send(index: int) -> RateLimitSample:
        status = 429 if index == 3 else 200
        return RateLimitSample(at=0.0, status=status, retry_after=30 if status == 429 else None)

    result = _burst(send, 10, 10.0)
    assert result.sent == 4
    assert result.refused_index == 3
    assert result.summary == ("Sent 4 of 10 at 10/s; request 4 was refused (429), "
                              "Retry-After 30 s.")


def test_a_failing_send_is_reported_and_stops_the_burst() -> None:
    async def send(index: int) -> RateLimitSample | None:
        if index == 2:
            raise ConnectionError("connection refused")
        return None

    result = _burst(send, 10, 10.0)
    assert result.sent == 3
    assert result.errors == {2: "connection refused"}
    assert result.samples == {0: None, 1: None}
    assert result.summary.endswith("; request 3 failed: connection refused.")


def test_a_429_wakes_the_pacer_from_a_long_wait() -> None:
    release = asyncio.Event

    async def scenario() -> object:
        gate = release()

        async def send(index: int) -> RateLimitSample:
            await gate.wait()
            return RateLimitSample(at=0.0, status=429)

        async def never(_seconds: float) -> None:
            await asyncio.Future()  # this clock never moves: only the 429 can end the wait

        burst = asyncio.create_task(
            run_burst(send, 5, 1000.0, limit=1, window=60.0, clock=lambda: 0.0, sleep=never)
        )
        for _ in range(5):
            await asyncio.sleep(0)
        gate.set()
        return await asyncio.wait_for(burst, timeout=30)  # a guard, not a measurement

    result = asyncio.run(scenario())
    assert result.sent == 1
    assert result.refused_index == 0


def test_cancelling_the_burst_cancels_requests_in_flight() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        started: list[int] = []
        cancelled: list[int] = []

        three_started = asyncio.Event()

        async def send(index: int) -> RateLimitSample:
            started.append(index)
            if len(started) == 3:
                three_started.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.append(index)
                raise
            return _ok(index)

        fake = FakeTime()
        burst = asyncio.create_task(
            run_burst(send, 50, 100.0, limit=None, clock=fake.clock, sleep=fake.sleep)
        )
        await three_started.wait()
        burst.cancel()
        with pytest.raises(asyncio.CancelledError):
            await burst
        return started, cancelled

    started, cancelled = asyncio.run(scenario())
    assert len(started) >= 3
    assert sorted(cancelled) == sorted(started)


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=60),
    rate=st.floats(min_value=0.1, max_value=1000),
    limit=st.integers(min_value=1, max_value=20),
    window=st.floats(min_value=0.01, max_value=120),
)
def test_burst_never_exceeds_the_limit_in_any_window(count: int, rate: float, limit: int,
                                                     window: float) -> None:
    result = _burst(_always_ok, count, rate, limit=limit, window=window)
    starts = result.started_at
    assert len(starts) == count
    assert starts == sorted(starts)
    for i in range(limit, len(starts)):
        assert starts[i] - starts[i - limit] >= window  # so no window holds limit + 1 starts
    for i, started in enumerate(starts):
        assert started >= i / rate - 1e-9  # never ahead of the chosen rate


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1, "rate_per_second": 1.0, "limit": None}, "count"),
        ({"count": 1, "rate_per_second": 0.0, "limit": None}, "rate"),
        ({"count": 1, "rate_per_second": 1.0, "limit": 0}, "limit"),
    ],
)
def test_bad_burst_parameters_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        asyncio.run(run_burst(_always_ok, **kwargs))


def test_only_the_sandbox_may_be_burst() -> None:
    check_burst_allowed(is_production=False, is_sandbox=True)
    with pytest.raises(BurstRefused, match="production"):
        check_burst_allowed(is_production=True, is_sandbox=True)
    with pytest.raises(BurstRefused, match="Sandbox"):
        check_burst_allowed(is_production=False, is_sandbox=False)

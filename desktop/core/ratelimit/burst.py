"""The burst tool's pacer: N requests at a chosen rate, to see the limiter at work.

Bursting a real provider burns a customer's quota and may get the account
throttled, so the tool refuses anything but the sandbox
(``check_burst_allowed``). The pacer itself never sends: it calls the
caller's ``send(index)`` (which goes through the profile's client), starts
request *i* at ``t0 + i / rate``, never starts more than ``limit`` requests
within any ``window`` seconds when told a limit, and stops starting new ones
after the first 429. Requests run concurrently, so a slow response does not
slow the rate; cancelling the burst cancels those still in flight.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from desktop.core.ratelimit._text import duration
from desktop.core.ratelimit.sample import RateLimitSample

Send = Callable[[int], Awaitable[RateLimitSample | None]]


class BurstRefused(Exception):  # noqa: N818 - the name the UI and brief use
    """The burst tool only runs against the sandbox."""


def check_burst_allowed(is_production: bool, is_sandbox: bool) -> None:
    """Raise ``BurstRefused`` unless the profile is the sandbox (and not production)."""
    if is_production:
        raise BurstRefused(
            "The burst tool never runs against production: it would spend real quota."
        )
    if not is_sandbox:
        raise BurstRefused("The burst tool only runs against the Sandbox profile.")


@dataclass(slots=True)
class BurstResult:
    requested: int
    rate_per_second: float
    limit: int | None = None
    window: float | None = None
    started_at: list[float] = field(default_factory=list)
    """Clock reading when each request was started, in send order."""
    samples: dict[int, RateLimitSample | None] = field(default_factory=dict)
    """Index → sample of each request that completed (None: no sample, e.g. a transport error)."""
    errors: dict[int, str] = field(default_factory=dict)
    """Index → message for a ``send`` that raised (the burst stops there)."""
    refused_index: int | None = None
    """The first request answered with 429, if any."""
    elapsed: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.started_at)

    @property
    def completed(self) -> int:
        return len(self.samples)

    @property
    def refused(self) -> bool:
        return self.refused_index is not None

    @property
    def summary(self) -> str:
        """``Sent 37 of 100 at 10/s; request 37 was refused (429), Retry-After 30 s.``"""
        text = f"Sent {self.sent} of {self.requested} at {self.rate_per_second:g}/s"
        if self.limit is not None:
            text += f", at most {self.limit} per {duration(self.window or 0)}"
        if self.refused_index is not None:
            text += f"; request {self.refused_index + 1} was refused (429)"
            sample = self.samples.get(self.refused_index)
            if sample is not None and sample.retry_after is not None:
                text += f", Retry-After {duration(sample.retry_after)}"
        elif self.errors:
            first = min(self.errors)
            text += f"; request {first + 1} failed: {self.errors[first]}"
        return text + "."


async def run_burst(
    send: Send,
    count: int,
    rate_per_second: float,
    *,
    limit: int | None,
    window: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> BurstResult:
    """Send ``count`` requests paced at ``rate_per_second``; see the module docstring.

    ``limit`` requests at most start within any ``window`` seconds (pass the
    limit and window the headers or the user gave); ``clock``/``sleep`` are
    injectable so tests run on a fake clock. ``asyncio.CancelledError``
    propagates after in-flight requests are cancelled.
    """
    if count < 0 or not rate_per_second > 0:
        raise ValueError("count must be >= 0 and rate_per_second > 0")
    if limit is not None and (limit < 1 or not window > 0):
        raise ValueError("limit must be >= 1 and window > 0")
    result = BurstResult(requested=count, rate_per_second=rate_per_second, limit=limit,
                         window=window if limit is not None else None)
    stop = asyncio.Event()
    recent: deque[float] = deque(maxlen=limit or 1)

    async def one(index: int) -> None:
        try:
            sample = await send(index)
        except Exception as why:  # a failed send is reported, not raised
            result.errors[index] = str(why) or type(why).__name__
            stop.set()
            return
        result.samples[index] = sample
        if sample is not None and sample.refused:
            if result.refused_index is None or index < result.refused_index:
                result.refused_index = index
            stop.set()

    async def pause(seconds: float) -> None:
        """Sleep, but wake as soon as a 429 (or a failed send) stops the burst."""
        sleeper = asyncio.ensure_future(sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
            await asyncio.gather(sleeper, stopper, return_exceptions=True)

    t0 = clock()
    async with asyncio.TaskGroup() as group:
        for index in range(count):
            while not stop.is_set():
                now = clock()
                wait = t0 + index / rate_per_second - now
                if limit is not None and len(recent) == limit:
                    # stated as elapsed time, the way the limit is checked: at least
                    # ``window`` since the start ``limit`` requests back
                    wait = max(wait, window - (now - recent[0]))
                if wait <= 0:
                    break
                await pause(max(wait, math.ulp(now)))  # always move a float clock forward
            if stop.is_set():
                break
            started = clock()
            recent.append(started)
            result.started_at.append(started)
            group.create_task(one(index))
            await asyncio.sleep(0)  # let the request start before pacing the next
    result.elapsed = clock() - t0
    return result

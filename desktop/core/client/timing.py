"""Phase timings from httpcore's trace hook (connect, TLS, send, wait, receive)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from desktop.core.exchange import Timings

TraceHook = Callable[[str, dict[str, Any]], Awaitable[None]]


class PhaseClock:
    """Collects httpcore trace events; DNS is inside 'connect' (httpcore does not split it)."""

    def __init__(self, chained: TraceHook | None = None) -> None:
        self.started = time.perf_counter()
        self._marks: dict[str, float] = {}
        self._chained = chained

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        self._marks.setdefault(event, time.perf_counter())
        if self._chained is not None:
            await self._chained(event, info)

    def _span(self, start: str, end: str) -> float | None:
        a, b = self._find(start), self._find(end)
        if a is None or b is None:
            return None
        return max(0.0, (b - a) * 1000)

    def _find(self, suffix: str) -> float | None:
        for event, mark in self._marks.items():
            if event.endswith(suffix):
                return mark
        return None

    def connected(self) -> bool:
        """False only while a new connection is being made (a reused one reports nothing)."""
        return self._find("connect_tcp.started") is None or \
            self._find("connect_tcp.complete") is not None

    def headers_received_at(self) -> float | None:
        return self._find("receive_response_headers.complete")

    def timings(self, finished: float) -> Timings:
        headers_at = self.headers_received_at()
        return Timings(
            connect_ms=self._span("connect_tcp.started", "connect_tcp.complete"),
            tls_ms=self._span("start_tls.started", "start_tls.complete"),
            send_ms=self._span("send_request_headers.started", "send_request_body.complete"),
            wait_ms=self._span("send_request_body.complete", "receive_response_headers.complete"),
            receive_ms=(finished - headers_at) * 1000 if headers_at is not None else None,
            total_ms=(finished - self.started) * 1000,
        )

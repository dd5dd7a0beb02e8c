"""What keeps the receiver alive under hostile traffic: limits, a body budget, a connection
cap, and quiet survival of file-descriptor exhaustion.

The receiver may be exposed through a tunnel, and a misconfigured sender
retries without end, so each resource a sender can make it spend has a bound:

- body bytes: one body at most ``max_body`` (413 beyond it), and all bodies
  being read or written at once at most ``body_budget`` (503 + Retry-After
  beyond it). Bytes are counted as they arrive, so a sender that announces a
  large body and drips it holds only what it sent;
- time: headers must be complete within ``header_timeout`` of the connection
  (or of the previous answer on a kept-alive one; aiohttp's keep-alive timer
  covers both, and closes an idle connection too), a body within
  ``body_timeout`` (408) — a slowloris gets closed, not a thread or a slot forever;
- connections: at most ``max_connections``; past it the oldest one that is not
  inside a request is closed to make room, so connections that never finish
  a request cannot lock the others out;
- file descriptors: when none are left, asyncio stops accepting for a second
  and logs a traceback each time; that is one warning a minute here instead,
  and accepting resumes by itself as descriptors come back.

aiohttp is imported only inside ``guarded_server`` (when the receiver starts).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("desktop.core.webhooks.receiver")

_NO_RESOURCE = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
         b"Content-Type: application/json\r\nContent-Length: 46\r\n\r\n"
         b'{"ok": false, "error": "too many connections"}')


@dataclass(frozen=True, slots=True)
class ReceiverLimits:
    """Bounds on what one sender, or many, can make the receiver hold."""

    body_budget: int = 16 * 1024 * 1024
    """Body bytes held at once by all requests (being read, checked or written)."""
    header_timeout: float = 10.0
    """Seconds for a request's headers to arrive; also how long an idle connection stays."""
    body_timeout: float = 30.0
    """Seconds for a whole body to arrive."""
    max_connections: int = 256
    retry_after: int = 1
    """Seconds a sender is asked to wait after a 503."""

    def __post_init__(self) -> None:
        if self.body_budget < 1 or self.max_connections < 1:
            raise ValueError("body_budget and max_connections must be at least 1")
        if not (self.header_timeout > 0 and self.body_timeout > 0):  # also refuses NaN
            raise ValueError("timeouts must be positive numbers of seconds")


SMALL_BODY = 64 * 1024
"""Bodies announced this small (every real webhook) may use the budget's reserve."""


class BodyBudget:
    """Bytes of body held at once, across requests: take before reading, give back after.

    A sixteenth of it is kept for small bodies, so a flood of large ones cannot turn
    away ordinary events (a few hundred bytes each) while it lasts.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.reserve = total // 16
        self.used = 0
        self.peak = 0

    def take(self, count: int, *, small: bool = False) -> bool:
        if self.used + count > self.total - (0 if small else self.reserve):
            return False
        self.used += count
        self.peak = max(self.peak, self.used)
        return True

    def give(self, count: int) -> None:
        self.used = max(0, self.used - count)


class Throttled:
    """A warning at most once per ``every`` seconds per key, with how many were held back."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last.get(key, -self.every) < self.every:
            self._held[key] = self._held.get(key, 0) + 1
            return
        self._last[key] = now
        held = self._held.pop(key, 0)
        suffix = f" ({held} more like it since the last warning)" if held else ""
        log.warning(message + suffix, *args)


class AcceptGuard:
    """Filters asyncio's 'socket.accept() out of system resource' for one port: a warning a
    minute instead of a traceback a second. Other errors go to the previous handler."""

    def __init__(self, loop: asyncio.AbstractEventLoop, port: int, throttle: Throttled) -> None:
        self.loop, self.port, self.throttle = loop, port, throttle
        self.exhausted = 0
        """Times accepting failed for want of descriptors or memory."""
        self.last_exhausted = -math.inf
        """When it last did (``time.monotonic``): asyncio retries accept() a second later."""
        self.closing = False
        """Set by the receiver's stop(): a retry that fires after the socket closed is moot."""
        self._previous = loop.get_exception_handler()

    def install(self) -> None:
        self.loop.set_exception_handler(self)

    def uninstall(self) -> None:
        if self.loop.get_exception_handler() is self:
            self.loop.set_exception_handler(self._previous)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if (isinstance(error, OSError) and error.errno in _NO_RESOURCE
                and str(context.get("message", "")).startswith("socket.accept()")
                and self._ours(context.get("socket"))):
            self.exhausted += 1
            self.last_exhausted = time.monotonic()
            self.throttle.warning(
                "accept", "webhook receiver on port %d cannot accept connections: %s; they "
                "wait until descriptors are free (raise the limit with ulimit -n)",
                self.port, error.strerror or error)
            return
        if self.closing and "_start_serving" in str(context.get("message", "")):
            # asyncio's accept retry, scheduled while descriptors ran out, outlived the
            # socket (CPython does not cancel it on close): nothing is left to serve.
            log.debug("webhook receiver on port %d: accept retry after close ignored",
                      self.port)
            return
        if self._previous is not None:
            self._previous(loop, context)
        else:
            loop.default_exception_handler(context)

    def _ours(self, sock: Any) -> bool:
        try:
            return sock is not None and sock.getsockname()[1] == self.port
        except (OSError, IndexError, TypeError):
            return False


class _Refuse(asyncio.Protocol):
    """Answers 503 and closes: a connection over the cap with none idle to make room."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(_BUSY)
        transport.close()


def guarded_server(handler: Callable[..., Any], limits: ReceiverLimits, busy: set[Any],
                   on_refused: Callable[[str], None], **kwargs: Any) -> web.Server:
    """An aiohttp low-level ``Server`` that keeps at most ``limits.max_connections``.

    ``busy`` holds the protocols inside a request (the receiver's handler adds and
    removes them): the others are idle or still sending headers, and the oldest of them
    is closed when a new connection needs room.
    """
    from aiohttp import web

    class GuardedServer(web.Server):
        def __call__(self) -> Any:
            connections = [c for c in self.connections if c.transport is not None]
            if len(connections) >= limits.max_connections:
                idle = next((c for c in connections if c not in busy), None)
                if idle is None:
                    on_refused("connections")
                    return _Refuse()
                on_refused("idle_closed")
                idle.force_close()
            return super().__call__()

    return GuardedServer(handler, keepalive_timeout=limits.header_timeout, **kwargs)

"""The local webhook receiver: an aiohttp server on the app's own asyncio loop.

It answers the question the seeds ask first when "no webhook arrives":
did anything reach us, and did its signature check out? So it keeps the
exact bytes of every delivery, and answers 2xx only once the event is on
disk (written and fdatasync-ed by the journal's group commit: a 2xx tells
the sender it may forget the event, so a crash right after must not lose
it). Deliveries whose signature fails are stored too, answered non-2xx,
and kept apart from verified ones so a flood of them can evict only their
own kind.

It binds to 127.0.0.1 unless told otherwise in so many words
(``allow_all_interfaces``), and bounds what a sender can make it hold:
body size, bodies in flight, connections, and the time headers and bodies
may take (``guard.ReceiverLimits``). aiohttp is imported when the receiver
starts, not when this module is imported, so the rest of core stays quick
to import.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import time
from asyncio.constants import ACCEPT_RETRY_DELAY
from typing import TYPE_CHECKING, Any

from desktop.core.webhooks.events import WebhookEvent, WebhookFields
from desktop.core.webhooks.guard import (
    SMALL_BODY,
    AcceptGuard,
    BodyBudget,
    ReceiverLimits,
    Throttled,
    guarded_server,
)
from desktop.core.webhooks.signatures import SCHEMES, HmacOptions, Secret, verify
from desktop.core.webhooks.store import WebhookStore
from desktop.core.webhooks.verification import DEFAULT_TOLERANCE, Verification

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1024 * 1024
_CHUNK = 64 * 1024


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class WebhookReceiver:
    """Receives webhook deliveries over HTTP and keeps each one in a ``WebhookStore``."""

    def __init__(
        self,
        store: WebhookStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        allow_all_interfaces: bool = False,
        scheme: str | None = None,
        secret: Secret | None = None,
        options: HmacOptions | None = None,
        tolerance: float | None = DEFAULT_TOLERANCE,
        failure_status: int = 401,
        max_body: int = DEFAULT_MAX_BODY,
        public_url: str | None = None,
        fields: WebhookFields | None = None,
        limits: ReceiverLimits | None = None,
    ) -> None:
        """``port=0`` picks a free port (read ``port``/``url`` after ``start``).

        Any host other than a loopback address needs ``allow_all_interfaces=True``.
        ``public_url`` is the address the sender calls (a tunnel's), used where
        a scheme signs the URL (Twilio); otherwise the request's own Host is used.
        ``limits`` bound bodies in flight, connections and slow senders.
        """
        if not is_loopback(host) and not allow_all_interfaces:
            raise ValueError(
                f"binding to {host or 'all interfaces'!r} exposes the receiver beyond this "
                "computer: pass allow_all_interfaces=True to mean it"
            )
        if not 200 <= failure_status <= 599:
            raise ValueError("failure_status must be an HTTP status between 200 and 599")
        if max_body < 0:
            raise ValueError("max_body must not be negative")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {port}")
        self.store = store
        self.host = host
        self.max_body = max_body
        self.limits = limits or ReceiverLimits()
        self.refused: dict[str, int] = {}
        """Deliveries and connections refused by a limit, by cause (``busy``: body budget
        full; ``timeout``: body too slow; ``too_large``; ``not_stored``: journal failed;
        ``connections``/``idle_closed``: connection cap; ``aborted``: sender gone
        mid-body)."""
        self._budget = BodyBudget(self.limits.body_budget)
        self._busy: set[Any] = set()
        self._throttle = Throttled()
        self._accept_guard: AcceptGuard | None = None
        self._deadlines: dict[Any, float] = {}
        """Bodies being read (their streams) and when each must be complete."""
        self._sweeper: asyncio.TimerHandle | None = None
        self._sweep_every = min(1.0, self.limits.body_timeout / 4)
        self.failure_status = failure_status
        self.public_url = public_url
        self.fields = fields or WebhookFields()
        self.scheme: str | None = None
        self.secret: Secret | None = None
        self.options: HmacOptions | None = None
        self.tolerance: float | None = tolerance
        self.set_verification(scheme, secret, options=options, tolerance=tolerance)
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.BaseRunner | None = None

    def set_verification(
        self,
        scheme: str | None,
        secret: Secret | None,
        *,
        options: HmacOptions | None = None,
        tolerance: float | None = DEFAULT_TOLERANCE,
    ) -> None:
        """Check later deliveries with ``scheme`` (None or ``"none"``: record without checking)."""
        if scheme == "none":
            scheme = None
        if scheme is not None and scheme not in SCHEMES:
            raise ValueError(f"unknown webhook scheme {scheme!r}; known: {', '.join(SCHEMES)}")
        self.scheme, self.secret, self.options, self.tolerance = scheme, secret, options, tolerance
        add_secret = getattr(self.store.journal, "add_secret", None)
        if secret and add_secret is not None:  # a sender that echoes it must not get it kept
            add_secret(secret, "webhook_secret")

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def port(self) -> int | None:
        """The bound port once started (the chosen one when 0 was asked), else None."""
        return self._port

    @property
    def url(self) -> str | None:
        """Where a local sender can post, e.g. ``http://127.0.0.1:8765/``; None until started."""
        if self._port is None:
            return None
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self._port}/"

    @property
    def warning(self) -> str | None:
        """Words for the UI when the receiver is reachable from other machines, else None."""
        if is_loopback(self.host):
            return None
        where = "all interfaces" if self.host in ("", "0.0.0.0", "::") else self.host
        return (
            f"The webhook receiver listens on {where}: any machine that can reach this "
            "computer can post events to it. Prefer 127.0.0.1 with a tunnel."
        )

    async def start(self) -> None:
        """Bind and start serving on the running loop; raises ``OSError`` if the port is taken."""
        if self._runner is not None:
            return
        from aiohttp import web

        server = guarded_server(self._handle, self.limits, self._busy, self._count,
                                access_log=None, lingering_time=2.0, max_headers=64)
        runner = web.ServerRunner(server, handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host or None, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._accept_guard = AcceptGuard(asyncio.get_running_loop(), self._port, self._throttle)
        self._accept_guard.install()

    async def stop(self) -> None:
        """Close the socket and connections, and flush the journal."""
        runner, self._runner = self._runner, None
        guard = self._accept_guard
        if guard is not None:
            guard.closing = True
        if runner is not None:
            await runner.cleanup()
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        if guard is not None:
            # An accept retry asyncio scheduled when descriptors ran out fires up to a
            # second later, on the closed socket: the guard stays to hear it.
            pending = guard.last_exhausted + ACCEPT_RETRY_DELAY + 0.1 - time.monotonic()
            if pending > 0:
                await asyncio.sleep(pending)
            guard.uninstall()
            self._accept_guard = None
        self._port = None
        self.store.flush()

    async def __aenter__(self) -> WebhookReceiver:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        received_at = time.time()
        if request.method != "POST":
            return _answer({"ok": False, "error": "webhooks are POSTed"}, 405,
                           headers={"Allow": "POST"})
        self._busy.add(request.protocol)
        held = _Held()
        try:
            headers = tuple(
                (k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape"))
                for k, v in request.raw_headers
            )
            path, _, query = request.raw_path.partition("?")
            common = {"received_at": received_at, "method": request.method, "path": path,
                      "query": query, "headers": headers, "source": _source(request)}
            try:
                body = await self._read_in_time(request, held)
            except _BodyTimeoutError:
                return self._refuse("timeout", 408, "the body took too long to arrive")
            except _Aborted:  # gone mid-body, or a body that breaks HTTP: no event, no trace
                self.refused["aborted"] = self.refused.get("aborted", 0) + 1
                return _answer({"ok": False, "error": "incomplete body"}, 400, close=True)
            if body is None:
                return self._refuse("busy", 503, "too many deliveries at once; retry shortly")
            if isinstance(body, int):
                event = WebhookEvent.create(**common, size=body, status=413, truncated=True,
                                            fields=self.fields)
                self._count("too_large")
                await self._keep(event)
                return _answer({"ok": False, "error": f"body over {self.max_body} bytes"}, 413,
                               close=True)
            verification = self._verify(request, headers, body, received_at)
            status = 200 if verification is None or verification.ok else self.failure_status
            event = WebhookEvent.create(**common, body=body, status=status,
                                        verification=verification, fields=self.fields)
            if not await self._keep(event):
                return self._refuse("not_stored", 503, "the event could not be stored")
            if 200 <= status < 300:
                return _answer({"ok": True, "id": event.id}, status)
            reason = verification.reason.value if verification is not None else "refused"
            return _answer({"ok": False, "id": event.id, "reason": reason}, status)
        finally:
            self._budget.give(held.count)
            self._busy.discard(request.protocol)

    async def _keep(self, event: WebhookEvent) -> bool:
        """Store ``event`` durably; False (with the event shown as answered 503) when the
        journal cannot be written, so the sender is told to send it again."""
        try:
            await self.store.keep(event)
            return True
        except OSError:
            self.store.remember(dataclasses.replace(event, status=503))
            return False

    def _refuse(self, cause: str, status: int, error: str) -> web.StreamResponse:
        self._count(cause)
        headers = {"Retry-After": str(self.limits.retry_after)} if status == 503 else None
        return _answer({"ok": False, "error": error}, status, headers=headers, close=True)

    def _count(self, cause: str) -> None:
        self.refused[cause] = self.refused.get(cause, 0) + 1
        if cause in _CAUSES:
            self._throttle.warning(cause, "webhook receiver: %s (%d so far)", _CAUSES[cause],
                                   self.refused[cause])

    async def _read_in_time(self, request: web.BaseRequest, held: _Held) -> bytes | int | None:
        """``_read_body`` within ``limits.body_timeout``, else ``_BodyTimeoutError``.

        One sweeper a second checks every body being read, rather than a timer per request:
        on Qt's loop (qasync) each timer is a Qt timer that lives until it fires, cancelled or
        not, and a thousand requests a second would keep tens of thousands of them alive.
        """
        loop = asyncio.get_running_loop()
        stream = request.content
        self._deadlines[stream] = loop.time() + self.limits.body_timeout
        if self._sweeper is None:
            self._sweeper = loop.call_later(self._sweep_every, self._sweep, loop)
        try:
            return await self._read_body(request, held)
        except _BodyTimeoutError:
            raise
        except Exception as error:
            from aiohttp.web_protocol import RequestPayloadError

            if isinstance(error, ConnectionError | RequestPayloadError):
                raise _Aborted from error
            raise
        finally:
            self._deadlines.pop(stream, None)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Fail the reads whose body is late (the next read raises, whatever it was doing)."""
        self._sweeper = None
        now = loop.time()
        for stream, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[stream]
                stream.set_exception(_BodyTimeoutError())
        if self._deadlines and self._runner is not None:
            self._sweeper = loop.call_later(self._sweep_every, self._sweep, loop)

    async def _read_body(self, request: web.BaseRequest, held: _Held) -> bytes | int | None:
        """The body; the byte count seen when it is over the cap (never buffering past it);
        None when the bodies already held leave no room for it.

        Bytes are taken from the budget as they arrive (and stay taken, in ``held``, until
        the request is answered), so a sender that announces a large body and drips it
        holds only what it sent."""
        declared = request.content_length
        if declared is not None and declared > self.max_body:
            return declared
        small = declared is not None and declared <= SMALL_BODY
        body = bytearray()
        while True:
            chunk = await request.content.read(min(_CHUNK, self.max_body + 1 - len(body)))
            if not chunk:
                return bytes(body)
            if not self._budget.take(len(chunk), small=small):
                return None
            held.count += len(chunk)
            body += chunk
            if len(body) > self.max_body:
                return len(body)

    def _verify(
        self, request: web.BaseRequest, headers: tuple[tuple[str, str], ...], body: bytes, at: float
    ) -> Verification | None:
        if self.scheme is None:
            return None
        try:
            return verify(self.scheme, self.secret, headers, body, url=self._signed_url(request),
                          at=at, tolerance=self.tolerance, options=self.options)
        except Exception:  # a bug in a check must not lose the delivery
            log.exception("webhook verification failed unexpectedly")
            return None

    def _signed_url(self, request: web.BaseRequest) -> str:
        """The URL the sender called, as far as we can know it (Twilio signs it)."""
        if self.public_url:
            return self.public_url.rstrip("/") + request.raw_path
        scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
        host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
        return f"{scheme}://{host}{request.raw_path}"


_CAUSES = {"busy": "deliveries refused with 503: the body budget was full",
           "timeout": "deliveries refused with 408: their bodies came too slowly",
           "not_stored": "deliveries answered 503: the journal could not be written",
           "connections": "connections refused with 503: too many open",
           "idle_closed": "idle connections closed to make room for new ones"}


class _BodyTimeoutError(TimeoutError):
    """A body did not arrive within ``limits.body_timeout`` (raised by its stream's read)."""


class _Aborted(Exception):  # noqa: N818 - not an error of ours: the sender went away
    """The body could not be read to its end: the sender disconnected or broke framing."""


class _Held:
    """Body bytes one request has taken from the budget (given back when it is answered)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def _answer(data: dict[str, object], status: int, *, headers: dict[str, str] | None = None,
            close: bool = False) -> web.StreamResponse:
    """A JSON answer; ``close`` ends the connection after it (the body may be unread)."""
    from aiohttp import web

    response = web.json_response(data, status=status, headers=headers)
    if close:
        response.force_close()
    return response


def _source(request: web.BaseRequest) -> str:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    if isinstance(peer, tuple) and len(peer) >= 2:
        host = str(peer[0])
        return f"[{host}]:{peer[1]}" if ":" in host else f"{host}:{peer[1]}"
    return request.remote or ""

"""The local webhook receiver: an aiohttp server on the app's own asyncio loop.

It answers the question the seeds ask first when "no webhook arrives":
did anything reach us, and did its signature check out? So it keeps the
exact bytes of every delivery, stores the event *before* answering 2xx
(a 2xx tells the sender the event is safely accepted), and still stores
deliveries whose signature fails, answering them with a non-2xx status.

It binds to 127.0.0.1 unless told otherwise in so many words
(``allow_all_interfaces``), and reads at most ``max_body`` bytes of a body.
aiohttp is imported when the receiver starts, not when this module is
imported, so the rest of core stays quick to import.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import TYPE_CHECKING

from desktop.core.webhooks.events import WebhookEvent, WebhookFields
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
    ) -> None:
        """``port=0`` picks a free port (read ``port``/``url`` after ``start``).

        Any host other than a loopback address needs ``allow_all_interfaces=True``.
        ``public_url`` is the address the sender calls (a tunnel's), used where
        a scheme signs the URL (Twilio); otherwise the request's own Host is used.
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
        self._runner: web.AppRunner | None = None

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

        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False,
                               shutdown_timeout=5.0, lingering_time=2.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host or None, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Close the socket and connections, and flush the journal."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._port = None
        self.store.flush()

    async def __aenter__(self) -> WebhookReceiver:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        received_at = time.time()
        if request.method != "POST":
            return web.json_response(
                {"ok": False, "error": "webhooks are POSTed"}, status=405,
                headers={"Allow": "POST"},
            )
        headers = tuple(
            (k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape"))
            for k, v in request.raw_headers
        )
        path, _, query = request.raw_path.partition("?")
        common = {"received_at": received_at, "method": request.method, "path": path,
                  "query": query, "headers": headers, "source": _source(request)}
        body = await self._read_body(request)
        if isinstance(body, int):
            self.store.add(WebhookEvent.create(
                **common, size=body, status=413, truncated=True, fields=self.fields))
            return web.json_response(
                {"ok": False, "error": f"body over {self.max_body} bytes"}, status=413)
        verification = self._verify(request, headers, body, received_at)
        status = 200 if verification is None or verification.ok else self.failure_status
        event = WebhookEvent.create(**common, body=body, status=status,
                                    verification=verification, fields=self.fields)
        self.store.add(event)
        if status == 200:
            return web.json_response({"ok": True, "id": event.id})
        assert verification is not None
        return web.json_response(
            {"ok": False, "id": event.id, "reason": verification.reason.value}, status=status)

    async def _read_body(self, request: web.Request) -> bytes | int:
        """The body, or the byte count seen when it is over the cap (never buffering past it)."""
        declared = request.content_length
        if declared is not None and declared > self.max_body:
            return declared
        body = bytearray()
        while True:
            chunk = await request.content.read(min(_CHUNK, self.max_body + 1 - len(body)))
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > self.max_body:
                return len(body)

    def _verify(
        self, request: web.Request, headers: tuple[tuple[str, str], ...], body: bytes, at: float
    ) -> Verification | None:
        if self.scheme is None:
            return None
        try:
            return verify(self.scheme, self.secret, headers, body, url=self._signed_url(request),
                          at=at, tolerance=self.tolerance, options=self.options)
        except Exception:  # a bug in a check must not lose the delivery
            log.exception("webhook verification failed unexpectedly")
            return None

    def _signed_url(self, request: web.Request) -> str:
        """The URL the sender called, as far as we can know it (Twilio signs it)."""
        if self.public_url:
            return self.public_url.rstrip("/") + request.raw_path
        scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
        host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
        return f"{scheme}://{host}{request.raw_path}"


def _source(request: web.Request) -> str:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    if isinstance(peer, tuple) and len(peer) >= 2:
        host = str(peer[0])
        return f"[{host}]:{peer[1]}" if ":" in host else f"{host}:{peer[1]}"
    return request.remote or ""

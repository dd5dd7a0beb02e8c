"""The wire gate: every request any client sends passes here and becomes an Exchange.

Token requests, 401 retries and redirect hops are all recorded because they
all reach the transport. It is also where credentials are kept from
leaving for another origin: the auth flow names the headers it added and
the origin they belong to; a request to any other origin loses them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import httpx

from desktop.core.client.body import DEFAULT_BODY_CAP, CappedBuffer, Decoded, decode_content
from desktop.core.client.timing import PhaseClock
from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    TransportError,
)
from desktop.core.finding import Finding, Severity

EXT_AUTH_HEADERS = "switchboard.auth_headers"
EXT_AUTH_ORIGIN = "switchboard.auth_origin"
EXT_STEP = "switchboard.step"
EXT_TOKEN_FRESH = "switchboard.token_fresh"
EXT_MAX_BODY = "switchboard.max_body"
"""A hard limit: a body longer than this is an error (token responses), not just capped."""
EXT_COLLECT = "switchboard.collect"
"""A callable the sender passes to receive the Exchanges its request produced."""


def origin_of(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def classify(exc: BaseException) -> ErrorKind:
    """Map an httpx/httpcore exception to what the user should think about."""
    text = str(exc).lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return ErrorKind.CONNECT_TIMEOUT
    if isinstance(exc, httpx.ReadTimeout):
        return ErrorKind.READ_TIMEOUT
    if isinstance(exc, httpx.WriteTimeout):
        return ErrorKind.WRITE_TIMEOUT
    if isinstance(exc, httpx.PoolTimeout):
        return ErrorKind.POOL_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        if "certificate" in text or "ssl" in text or "tls" in text:
            return ErrorKind.TLS
        if any(s in text for s in ("name or service not known", "nodename nor servname",
                                   "name resolution", "getaddrinfo", "no address associated")):
            return ErrorKind.DNS
        if "refused" in text:
            return ErrorKind.CONNECT_REFUSED
        return ErrorKind.CONNECT
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        if "without sending" in text or "disconnected" in text or "reset" in text \
                or "closed" in text or isinstance(exc, httpx.ReadError | httpx.WriteError):
            return ErrorKind.RESET
        return ErrorKind.PROTOCOL
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        return ErrorKind.INVALID_REQUEST
    if isinstance(exc, httpx.ProtocolError):
        return ErrorKind.PROTOCOL
    return ErrorKind.OTHER


def _ext_text(response: httpx.Response, key: str, default: str) -> str:
    value = response.extensions.get(key)
    return value.decode("latin-1") if isinstance(value, bytes) else default


def _request_body(request: httpx.Request) -> bytes:
    """The bytes being sent; redirect hops carry a body stream that was never read."""
    if isinstance(request.stream, httpx.ByteStream):
        return request.read()
    return b""  # a streaming upload: we never build those, and cannot replay it here


def _headers(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw)


class _CapturingStream(httpx.AsyncByteStream):
    """Passes the body on while keeping the first ``cap`` bytes for the Exchange."""

    def __init__(self, inner: httpx.AsyncByteStream, on_done: Callable[[CappedBuffer,
                 str | None], None], cap: int, hard_limit: int | None = None) -> None:
        self._inner = inner
        self._on_done = on_done
        self._buffer = CappedBuffer(cap)
        self._finished = False
        self._hard_limit = hard_limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                self._buffer.feed(chunk)
                if self._hard_limit is not None and self._buffer.seen > self._hard_limit:
                    raise httpx.ReadError(f"the body exceeds {self._hard_limit:,} bytes, far "
                                          "more than this endpoint should send")
                yield chunk
        except httpx.TransportError as exc:
            self._finish(f"the body was cut short: {exc or type(exc).__name__}")
            raise
        self._finish(None)

    def _finish(self, problem: str | None) -> None:
        if not self._finished:
            self._finished = True
            self._on_done(self._buffer, problem)

    async def aclose(self) -> None:
        self._finish("the body was not read to the end")
        await self._inner.aclose()


class RecordingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        on_exchange: Callable[[Exchange], None],
        *,
        profile: str = "",
        body_cap: int = DEFAULT_BODY_CAP,
    ) -> None:
        self._inner = inner
        self._on_exchange = on_exchange
        self._profile = profile
        self._body_cap = body_cap

    def _emit(self, request: httpx.Request, exchange: Exchange) -> None:
        self._on_exchange(exchange)
        collect = request.extensions.get(EXT_COLLECT)
        if collect is not None:
            collect(exchange)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        withheld = self._withhold_foreign_credentials(request)
        clock = PhaseClock(request.extensions.get("trace"))
        request.extensions["trace"] = clock.trace
        record = RequestRecord(
            method=request.method,
            url=str(request.url),
            headers=_headers(request.headers),
            body=_request_body(request),
        )
        exchange = Exchange(
            request=record,
            started_at=time.time(),
            profile=self._profile,
            step=request.extensions.get(EXT_STEP),
            token_fresh=request.extensions.get(EXT_TOKEN_FRESH),
        )
        if withheld:
            exchange.findings.append(_withheld_finding(withheld, request.url))
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            exchange.error = TransportError(classify(exc), str(exc) or type(exc).__name__)
            exchange.timings = clock.timings(time.perf_counter())
            self._emit(request, exchange)
            raise
        except BaseException:  # cancelled: record it, then let the cancellation through
            exchange.error = TransportError(ErrorKind.CANCELLED, "cancelled")
            exchange.timings = clock.timings(time.perf_counter())
            self._emit(request, exchange)
            raise

        response_record = ResponseRecord(
            status=response.status_code,
            reason=_ext_text(response, "reason_phrase", ""),
            http_version=_ext_text(response, "http_version", "HTTP/1.1"),
            headers=_headers(response.headers),
        )
        exchange.response = response_record
        cap = self._body_cap

        def done(buffer: CappedBuffer, problem: str | None) -> None:
            decoded = Decoded(buffer.value())
            if not buffer.truncated:
                decoded = decode_content(decoded.body, response.headers.get("Content-Encoding"),
                                         cap)
            response_record.body = decoded.body
            response_record.body_size = buffer.seen
            response_record.truncated = buffer.truncated or decoded.overflow
            response_record.incomplete = problem or decoded.problem
            exchange.timings = clock.timings(time.perf_counter())
            self._emit(request, exchange)

        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CapturingStream(response.stream, done, cap,
                                    request.extensions.get(EXT_MAX_BODY)),
            extensions=response.extensions,
            request=request,
        )

    def _withhold_foreign_credentials(self, request: httpx.Request) -> list[str]:
        names: list[str] = request.extensions.get(EXT_AUTH_HEADERS) or []
        auth_origin = request.extensions.get(EXT_AUTH_ORIGIN)
        if not names or auth_origin is None or origin_of(request.url) == auth_origin:
            return []
        removed = [name for name in names if name in request.headers]
        for name in removed:
            del request.headers[name]
        return removed

    async def aclose(self) -> None:
        await self._inner.aclose()


def _withheld_finding(names: list[str], url: httpx.URL) -> Finding:
    return Finding(
        code="client.credentials_withheld",
        severity=Severity.INFO,
        title=f"Credentials were not sent to {url.host}: it is not the profile's API origin.",
        causes=("A redirect, or a URL edited to point at another host.",),
        next_action="If that host is really the API, update the profile's base URL.",
        source="client",
        evidence=", ".join(names),
    )

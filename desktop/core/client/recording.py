"""The wire gate: every request any client sends passes here and becomes an Exchange.

Token requests, 401 retries and redirect hops are all recorded because they
all reach the transport. It is also where credentials are kept from
leaving for another origin: the auth flow names the headers it added and
the origin they belong to; a request to any other origin loses them. A token
request (its body holds the client secret) goes to its own URL only: a
redirect hop of it is refused outright.

And it is where every exchange gets its deadline: httpx's read timeout
restarts with each byte, so a server that drips one byte every few seconds
would hold a request forever. The deadline covers connecting, sending, the
headers and the body; past it the exchange ends with a transport error and
a finding that says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

from desktop.core.client import findings
from desktop.core.client.body import DEFAULT_BODY_CAP, CappedBuffer, Decoded, decode_content
from desktop.core.client.timing import PhaseClock
from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    TransportError,
)

EXT_AUTH_HEADERS = "switchboard.auth_headers"
EXT_AUTH_ORIGIN = "switchboard.auth_origin"
EXT_STEP = "switchboard.step"
EXT_TOKEN_FRESH = "switchboard.token_fresh"
EXT_MAX_BODY = "switchboard.max_body"
"""A hard limit: a body longer than this is an error (token responses), not just capped."""
EXT_COLLECT = "switchboard.collect"
"""A callable the sender passes to receive the Exchanges its request produced."""
EXT_TOKEN_COLLECT = "switchboard.token_collect"
"""A callable that receives the Exchanges of token requests made for this request."""
EXT_DEADLINE = "switchboard.deadline"
"""Seconds one exchange may take, connect to last body byte (each hop and retry anew)."""
EXT_SEND_DEADLINE = "switchboard.send_deadline"
"""A Deadline by which the whole send (token, hops, retry) must be over."""
EXT_TOKEN_URL = "switchboard.token_url"
"""Marks a token request: it may go to exactly this URL and nowhere else."""


class CredentialsRefused(httpx.TransportError):
    """A token request was about to leave for a URL other than the token endpoint's."""


@dataclass(frozen=True, slots=True)
class Deadline:
    when: float
    """Event-loop time."""
    seconds: float
    """What the user is told: the deadline that applied, in seconds."""

    @staticmethod
    def for_request(request: httpx.Request) -> Deadline | None:
        """The earlier of the exchange's own deadline and its send's overall one."""
        seconds = request.extensions.get(EXT_DEADLINE)
        overall: Deadline | None = request.extensions.get(EXT_SEND_DEADLINE)
        own = None
        if seconds is not None:
            own = Deadline(asyncio.get_running_loop().time() + seconds, float(seconds))
        if own is None or (overall is not None and overall.when < own.when):
            return overall
        return own


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

    def __init__(self, inner: httpx.AsyncByteStream,
                 on_done: Callable[[CappedBuffer, str | None, TransportError | None], None],
                 cap: int, hard_limit: int | None = None,
                 deadline: Deadline | None = None) -> None:
        self._inner = inner
        self._on_done = on_done
        self._buffer = CappedBuffer(cap)
        self._finished = False
        self._hard_limit = hard_limit
        self._deadline = deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._inner.__aiter__()
        try:
            while True:
                try:
                    chunk = await self._next(chunks)
                except StopAsyncIteration:
                    break
                self._buffer.feed(chunk)
                if self._hard_limit is not None and self._buffer.seen > self._hard_limit:
                    raise httpx.ReadError(f"the body exceeds {self._hard_limit:,} bytes, far "
                                          "more than this endpoint should send")
                yield chunk
        except _BodyLateError as late:
            seconds = late.deadline.seconds
            self._finish(f"the response did not end within {seconds:g} s; the rest was not "
                         "read", TransportError(ErrorKind.READ_TIMEOUT, _late_message(seconds)))
            raise httpx.ReadTimeout(_late_message(seconds)) from None
        except httpx.TransportError as exc:
            self._finish(f"the body was cut short: {exc or type(exc).__name__}")
            raise
        self._finish(None)

    async def _next(self, chunks: AsyncIterator[bytes]) -> bytes:
        """The next chunk, within the exchange's deadline (each chunk would restart a
        read timeout; the deadline does not move)."""
        if self._deadline is None:
            return await chunks.__anext__()
        if asyncio.get_running_loop().time() >= self._deadline.when:
            # A body that streams without pause may never wait, so never be cancelled.
            raise _BodyLateError(self._deadline)
        timeout = asyncio.timeout_at(self._deadline.when)
        try:
            async with timeout:
                return await chunks.__anext__()
        except TimeoutError:
            if timeout.expired():
                raise _BodyLateError(self._deadline) from None
            raise

    def _finish(self, problem: str | None, error: TransportError | None = None) -> None:
        if not self._finished:
            self._finished = True
            self._on_done(self._buffer, problem, error)

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
        deadline = Deadline.for_request(request)
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
            exchange.findings.append(findings.credentials_withheld(withheld, request.url.host))
        token_url = request.extensions.get(EXT_TOKEN_URL)
        if token_url is not None and str(request.url) != token_url:
            # A redirect hop of a token request: its body carries the client secret.
            exchange.findings.append(findings.token_redirect(token_url, str(request.url)))
            exchange.error = TransportError(ErrorKind.INVALID_REQUEST,
                                            "not sent: a token request goes to the token "
                                            "endpoint only")
            self._emit(request, exchange)
            raise CredentialsRefused(exchange.error.message, request=request)
        try:
            if deadline is None:
                response = await self._inner.handle_async_request(request)
            else:
                response = await self._within(deadline, request)
        except _HeadersLateError as late:
            seconds = late.deadline.seconds
            connected = clock.connected()
            kind = ErrorKind.READ_TIMEOUT if connected else ErrorKind.CONNECT_TIMEOUT
            message = (_late_message(seconds) if connected else
                       f"could not connect within {seconds:g} s (the overall deadline)")
            exchange.error = TransportError(kind, message)
            exchange.timings = clock.timings(time.perf_counter())
            if connected:
                exchange.findings.append(findings.deadline_exceeded(
                    str(request.url), seconds, phase="no complete status line and headers"))
            self._emit(request, exchange)
            error_type = httpx.ReadTimeout if connected else httpx.ConnectTimeout
            raise error_type(message, request=request) from None
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
        if token_url is not None and 300 <= response.status_code < 400:
            exchange.findings.append(findings.token_redirect(
                token_url, response.headers.get("Location"), response.status_code))
        cap = self._body_cap

        def done(buffer: CappedBuffer, problem: str | None,
                 error: TransportError | None) -> None:
            decoded = Decoded(buffer.value())
            if not buffer.truncated:
                decoded = decode_content(decoded.body, response.headers.get("Content-Encoding"),
                                         cap)
            response_record.body = decoded.body
            response_record.body_size = buffer.seen
            response_record.truncated = buffer.truncated or decoded.overflow
            response_record.incomplete = problem or decoded.problem
            exchange.timings = clock.timings(time.perf_counter())
            if error is not None:
                exchange.error = error
                exchange.findings.append(findings.deadline_exceeded(
                    str(request.url), deadline.seconds if deadline else 0.0,
                    phase=f"HTTP {response.status_code}, {buffer.seen:,} body bytes received, "
                          "then no end"))
            self._emit(request, exchange)

        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CapturingStream(response.stream, done, cap,
                                    request.extensions.get(EXT_MAX_BODY), deadline),
            extensions=response.extensions,
            request=request,
        )

    async def _within(self, deadline: Deadline, request: httpx.Request) -> httpx.Response:
        """Connect, send and read the headers before the deadline (a dripping status line
        or header block restarts the read timeout with every byte, never this)."""
        timeout = asyncio.timeout_at(deadline.when)
        try:
            async with timeout:
                return await self._inner.handle_async_request(request)
        except TimeoutError:
            if timeout.expired():
                raise _HeadersLateError(deadline) from None
            raise

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


class _HeadersLateError(Exception):
    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline


class _BodyLateError(_HeadersLateError):
    pass


def _late_message(seconds: float) -> str:
    return (f"the server kept the connection open but did not finish its answer within "
            f"{seconds:g} s")

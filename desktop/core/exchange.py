"""Exchanges: one request and what came back, the record every feature reads.

Like mitmproxy's flow, an Exchange is the single model that the composer,
history, checklist, rate-limit chart, redactor and HAR export all consume.
It holds what went over the wire, not what the user typed: headers as sent
(after auth), the body as sent, and the response body up to the size cap.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from desktop.core.client.jsonload import loads_bounded
from desktop.core.finding import Finding, worst

if TYPE_CHECKING:
    from desktop.core.ratelimit.sample import RateLimitSample

Headers = tuple[tuple[str, str], ...]

_ids = itertools.count(1)


def _reduce_to_fields(self: object) -> tuple[type, tuple[object, ...]]:
    """Pickle a slotted dataclass as a call with its fields in order: unpickling is three times
    faster than the default (a state dict set slot by slot), which bundle workers feel."""
    return type(self), tuple(getattr(self, name) for name in type(self).__slots__)


def header_value(headers: Headers, name: str) -> str | None:
    """The first value of a header, case-insensitively, or None."""
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


@dataclass(slots=True)
class RequestRecord:
    method: str
    url: str
    headers: Headers = ()
    body: bytes = b""

    __reduce__ = _reduce_to_fields

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


@dataclass(slots=True)
class ResponseRecord:
    status: int
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: Headers = ()
    body: bytes = b""
    """The body as received, up to the size cap."""
    body_size: int = 0
    """Bytes received in total, including those past the cap that were counted, not kept."""
    truncated: bool = False
    incomplete: str | None = None
    """Why the body did not arrive whole (reset, timeout, cancelled), or None."""

    __reduce__ = _reduce_to_fields

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    def json(self) -> object | None:
        """The body parsed as JSON, or None when it is not JSON (or was truncated)."""
        if not self.body or self.truncated:
            return None
        try:
            # Bounded nesting: a 100,000-deep body is text, not a RecursionError later.
            return loads_bounded(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    def text(self, limit: int | None = None) -> str:
        data = self.body if limit is None else self.body[:limit]
        return data.decode("utf-8", errors="replace")


class ErrorKind(StrEnum):
    DNS = "dns"
    CONNECT_REFUSED = "connect_refused"
    CONNECT = "connect"
    CONNECT_TIMEOUT = "connect_timeout"
    TLS = "tls"
    READ_TIMEOUT = "read_timeout"
    WRITE_TIMEOUT = "write_timeout"
    POOL_TIMEOUT = "pool_timeout"
    RESET = "reset"
    PROTOCOL = "protocol"
    INVALID_REQUEST = "invalid_request"
    CANCELLED = "cancelled"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TransportError:
    """The request never got a (whole) response: why, in words and as a kind."""

    kind: ErrorKind
    message: str


@dataclass(slots=True)
class Timings:
    """Milliseconds per phase; None where the transport did not report the phase.

    httpcore reports connect (DNS resolution included: it does not split it
    out), TLS, sending and waiting for headers; total is always known.
    """

    connect_ms: float | None = None
    tls_ms: float | None = None
    send_ms: float | None = None
    wait_ms: float | None = None
    receive_ms: float | None = None
    total_ms: float = 0.0

    __reduce__ = _reduce_to_fields


@dataclass(slots=True, eq=False)
class Exchange:
    """One request/response (or transport error) with everything we learned from it."""

    request: RequestRecord
    started_at: float
    """Wall-clock epoch seconds when the request started."""
    response: ResponseRecord | None = None
    error: TransportError | None = None
    timings: Timings = field(default_factory=Timings)
    profile: str = ""
    """Name of the profile whose client made it."""
    step: str | None = None
    """Checklist step id, when a checklist run made it."""
    request_id: str | None = None
    token_fresh: bool | None = None
    """Whether the bearer token on this request had just been acquired."""
    ratelimit: RateLimitSample | None = None
    findings: list[Finding] = field(default_factory=list)
    id: int = field(default_factory=lambda: next(_ids))

    __reduce__ = _reduce_to_fields

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.error is None and self.response.status < 400

    @property
    def duration_ms(self) -> float:
        return self.timings.total_ms

    @property
    def summary(self) -> str:
        """A one-line description: ``POST /api/core/messages/send → 202``."""
        outcome = str(self.status) if self.response is not None else f"✗ {self.error_label}"
        return f"{self.request.method} {self.request.path} → {outcome}"

    @property
    def error_label(self) -> str:
        return self.error.kind.value.replace("_", " ") if self.error else ""

    @property
    def top_finding(self) -> Finding | None:
        return worst(self.findings)

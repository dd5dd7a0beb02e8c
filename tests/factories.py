"""Test factories: realistic Exchanges in one call, like mitmproxy's ``tflow``.

``make_exchange()`` is a successful Red Cloud-style send (POST with a JSON
body, 202 with a message id); keyword arguments replace any part. Helpers
build the other shapes tests keep needing: a token exchange (form body,
Basic or body credentials, JSON token response), a transport error, a
binary response. Add new helpers here rather than building Exchanges by
hand in test modules.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote_plus, urlencode

from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    Headers,
    RequestRecord,
    ResponseRecord,
    Timings,
    TransportError,
)
from desktop.core.finding import Finding, Severity

BASE_URL = "https://api.example.test"
STARTED_AT = 1_700_000_000.25
"""2023-11-14T22:13:20.250Z: a fixed clock so HAR output is reproducible."""

_DEFAULT = object()


def json_body(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


def make_request(
    method: str = "POST",
    url: str = f"{BASE_URL}/api/core/messages/send",
    headers: Headers | Sequence[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> RequestRecord:
    if headers is None:
        headers = (
            ("Authorization", "Bearer test-access-token-0001"),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"),
        )
    if body is None:
        body = json_body({"sendFrom": "num_123", "to": ["+14155550123"], "messageType": "SMS",
                          "text": "Hello from Switchboard"}) if method in ("POST", "PUT") else b""
    return RequestRecord(method=method, url=url, headers=tuple(headers), body=body)


def make_response(
    status: int = 202,
    reason: str = "Accepted",
    headers: Headers | Sequence[tuple[str, str]] | None = None,
    body: bytes | None = None,
    *,
    truncated: bool = False,
    body_size: int | None = None,
    http_version: str = "HTTP/1.1",
) -> ResponseRecord:
    if headers is None:
        headers = (("Content-Type", "application/json"), ("X-Request-Id", "req_abc123"))
    if body is None:
        body = json_body({"results": [{"to": "+14155550123", "messageId": "msg_0001",
                                       "status": "QUEUED"}], "errors": []})
    return ResponseRecord(
        status=status,
        reason=reason,
        http_version=http_version,
        headers=tuple(headers),
        body=body,
        body_size=len(body) if body_size is None else body_size,
        truncated=truncated,
    )


def make_exchange(
    *,
    request: RequestRecord | None = None,
    response: ResponseRecord | object | None = _DEFAULT,
    error: TransportError | None = None,
    timings: Timings | None = None,
    started_at: float = STARTED_AT,
    profile: str = "sandbox-staging",
    step: str | None = "send",
    request_id: str | None = "req_abc123",
    token_fresh: bool | None = True,
    findings: Sequence[Finding] = (),
    **request_parts: Any,
) -> Exchange:
    """A complete Exchange; ``method=``, ``url=``, ``headers=``, ``body=`` shape the request."""
    if request is None:
        request = make_request(**request_parts)
    elif request_parts:
        raise TypeError("pass either request= or request parts, not both")
    if response is _DEFAULT:
        response = make_response() if error is None else None
    if timings is None:
        timings = Timings(connect_ms=12.5, tls_ms=20.0, send_ms=0.4, wait_ms=80.1,
                          receive_ms=1.2, total_ms=114.2)
    return Exchange(
        request=request,
        started_at=started_at,
        response=response,  # type: ignore[arg-type]
        error=error,
        timings=timings,
        profile=profile,
        step=step,
        request_id=request_id,
        token_fresh=token_fresh,
        findings=list(findings),
    )


def make_token_exchange(
    client_id: str = "test-client",
    client_secret: str = "test-client-secret-0001",
    access_token: str = "test-access-token-0001",
    *,
    basic: bool = True,
    json_request: bool = False,
) -> Exchange:
    """An OAuth2 client-credentials exchange: Basic (client_secret_basic) or body credentials."""
    headers = [("Accept", "application/json")]
    fields = {"grant_type": "client_credentials"}
    if basic:
        pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
        headers.append(("Authorization", "Basic " + base64.b64encode(pair.encode()).decode()))
    else:
        fields |= {"client_id": client_id, "client_secret": client_secret}
    if json_request:
        headers.append(("Content-Type", "application/json"))
        body = json_body(fields)
    else:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        body = urlencode(fields).encode()
    return make_exchange(
        request=make_request("POST", f"{BASE_URL}/api/auth/token", headers, body),
        response=make_response(200, "OK", body=json_body(
            {"access_token": access_token, "token_type": "bearer", "expires_in": 3600})),
        step="token",
        request_id=None,
        token_fresh=None,
    )


def make_error_exchange(kind: ErrorKind = ErrorKind.CONNECT_REFUSED,
                        message: str = "[Errno 111] Connection refused") -> Exchange:
    """A request that never got a response."""
    return make_exchange(
        error=TransportError(kind, message),
        timings=Timings(connect_ms=None, total_ms=3.0),
        request_id=None,
        findings=[Finding(code="http.connect_refused", severity=Severity.ERROR,
                          title="Nothing is listening at the base URL", source="transport")],
    )


def make_binary_exchange(data: bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") -> Exchange:
    return make_exchange(
        request=make_request("GET", f"{BASE_URL}/media/1.png", body=b""),
        response=make_response(200, "OK", (("Content-Type", "image/png"),), data),
    )

"""Realistic Exchanges in bulk for the history and bundle figures.

Every Exchange gets its own objects (strings, headers, bodies), as the
client would produce them, so memory figures are not flattered by sharing.
The mix: sends (202), number lists and whoami (200), an expired token now
and then (401 with a finding), 429s with Retry-After, a few 5xx and a few
transport errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    Timings,
    TransportError,
)
from desktop.core.finding import Finding, Severity

BASE = "https://api.redcloud.example"
START = 1_700_000_000.0
PROFILES = ("Sandbox", "Red Cloud staging", "Red Cloud production (EU)")
CLIENT_SECRET = "cs_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
WEBHOOK_SECRET = "whsec_c2VjcmV0LXdlYmhvb2sta2V5LTAwMDE"
TOKENS = tuple(f"at_{i:04d}_0123456789abcdefghijklmnopqrstuv" for i in range(5))


def _finding(status: int) -> Finding:
    if status == 401:
        return Finding(code="redcloud.core-unauthorized", severity=Severity.ERROR,
                       title="The bearer token was refused (401).",
                       causes=("The token expired.",), next_action="Get a fresh token.",
                       source="catalog")
    if status == 429:
        return Finding(code="http.429", severity=Severity.WARN,
                       title="Rate limited: wait for Retry-After.", source="http")
    return Finding(code="http.5xx", severity=Severity.ERROR,
                   title="The server failed (5xx).", source="http")


def history_exchange(i: int) -> Exchange:
    """One Exchange with small bodies (~120 bytes each way)."""
    kind = i % 20
    profile = PROFILES[i % len(PROFILES)]
    timings = Timings(connect_ms=None if i % 7 else 12.5, tls_ms=None, send_ms=0.3,
                      wait_ms=40.0 + i % 50, receive_ms=0.8, total_ms=45.0 + i % 60)
    headers = (("Authorization", f"Bearer {TOKENS[i % 5]}"), ("Accept", "application/json"),
               ("User-Agent", "Switchboard/0.1.0"))
    findings: list[Finding] = []
    error = None
    if kind < 10:
        method, path, status = "POST", "/api/core/messages/send", 202
        request_body = (f'{{"sendFrom":"num_{i % 97:03d}","to":["+1415555{i % 10000:04d}"],'
                        f'"messageType":"SMS","text":"bench {i}"}}').encode()
        response_body = (f'{{"results":[{{"to":"+1415555{i % 10000:04d}","messageId":'
                         f'"msg_{i:08d}","status":"QUEUED"}}],"errors":[]}}').encode()
        headers += (("Content-Type", "application/json"),
                    ("Idempotency-Key", f"5f0c6a9e-0000-4000-8000-{i:012d}"))
    elif kind < 14:
        method, path, status = "GET", "/api/core/numbers", 200
        request_body = b""
        response_body = (f'{{"numbers":[{{"numberId":"num_{i % 97:03d}","e164":"+1202555'
                         f'{i % 10000:04d}","status":"ACTIVE","smsEnabled":true}}]}}').encode()
    elif kind < 17:
        method, path, status = "GET", "/api/core/whoami", 200
        request_body = b""
        response_body = (f'{{"apiClientName":"bench-{i % 13}","apiClientStatus":"ACTIVE",'
                         f'"deliveryWebhookConfigured":true,"requestId":"req_{i}"}}').encode()
    else:
        method, path = "GET", "/api/core/whoami"
        status = (401, 429, 503)[i % 3] if kind < 19 else 0
        request_body = b""
        response_body = (f'{{"error":"status_{status}","requestId":"req_{i}"}}').encode()
        if status:
            findings.append(_finding(status))
        else:
            error = TransportError(ErrorKind.READ_TIMEOUT, f"no answer within 30 s (#{i})")
            findings.append(Finding(code="transport.read_timeout", severity=Severity.ERROR,
                                    title="The server did not answer in time.",
                                    source="transport"))
    request = RequestRecord(method=method, url=f"{BASE}{path}", headers=headers,
                            body=request_body)
    response = None
    if error is None:
        response = ResponseRecord(
            status=status, reason="", headers=(
                ("Content-Type", "application/json"), ("X-Request-Id", f"req_{i}"),
                ("RateLimit", f'"default";r={max(0, 60 - i % 61)};t={i % 60}')),
            body=response_body, body_size=len(response_body))
    return Exchange(request=request, started_at=START + i * 0.25, response=response,
                    error=error, timings=timings, profile=profile,
                    step=("token", "whoami", "numbers", "send", None)[i % 5],
                    request_id=f"req_{i}" if response is not None else None,
                    token_fresh=i % 11 == 0, findings=findings)


def history_exchanges(count: int) -> Iterator[Exchange]:
    return (history_exchange(i) for i in range(count))


def body_bytes(exchange: Exchange) -> int:
    """The bytes of an Exchange's bodies, objects included (what 'beyond its bodies' removes)."""
    import sys

    total = sys.getsizeof(exchange.request.body)
    if exchange.response is not None:
        total += sys.getsizeof(exchange.response.body)
    return total


def bundle_exchange(i: int, body_size: int) -> Exchange:
    """A send or list with a ~``body_size`` JSON response full of phone numbers and ids."""
    if i % 500 == 0:  # a token exchange now and then: Basic credentials, token in the body
        import base64

        basic = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
        return Exchange(
            request=RequestRecord("POST", f"{BASE}/api/auth/token", (
                ("Authorization", f"Basic {basic}"),
                ("Content-Type", "application/x-www-form-urlencoded")),
                b"grant_type=client_credentials"),
            started_at=START + i, profile="Red Cloud staging", step="token",
            response=ResponseRecord(200, "OK", headers=(("Content-Type", "application/json"),),
                                    body=json.dumps({"access_token": TOKENS[i % 5],
                                                     "token_type": "bearer",
                                                     "expires_in": 3600}).encode()),
            timings=Timings(total_ms=80.0))
    results = []
    n = 0
    size = 160  # the envelope and the request id
    while size + 120 <= body_size:
        item = {"to": f"+1415555{(i * 7 + n) % 10000:04d}", "messageId": f"msg_{i:06d}_{n:04d}",
                "status": "QUEUED", "sequence": n, "externalReference": f"order-{i}-{n}"}
        results.append(item)
        size += 120
        n += 1
    body = json.dumps({"results": results, "errors": [], "requestId": f"req_{i}"}).encode()
    request_body = json.dumps({"sendFrom": "num_123", "to": [f"+1415555{i % 10000:04d}"],
                               "messageType": "SMS", "text": f"hello {i}"}).encode()
    return Exchange(
        request=RequestRecord("POST", f"{BASE}/api/core/messages/send", (
            ("Authorization", f"Bearer {TOKENS[i % 5]}"),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", f"5f0c6a9e-0000-4000-8000-{i:012d}"),
            ("User-Agent", "Switchboard/0.1.0")), request_body),
        started_at=START + i, profile="Red Cloud staging", step="send",
        response=ResponseRecord(202, "Accepted", headers=(
            ("Content-Type", "application/json"), ("X-Request-Id", f"req_{i}"),
            ("RateLimit", '"default";r=50;t=30'), ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")),
            body=body, body_size=len(body)),
        timings=Timings(connect_ms=10.0, send_ms=0.2, wait_ms=60.0, receive_ms=1.0,
                        total_ms=71.2), request_id=f"req_{i}")


def exchange_bytes(exchange: Exchange) -> int:
    """URL, headers and bodies: the bytes a redactor has to read."""
    total = len(exchange.request.url) + len(exchange.request.body)
    total += sum(len(k) + len(v) for k, v in exchange.request.headers)
    if exchange.response is not None:
        total += len(exchange.response.body)
        total += sum(len(k) + len(v) for k, v in exchange.response.headers)
    return total

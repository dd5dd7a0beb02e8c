"""Sending a webhook ourselves: a received one replayed, or a signed test event.

Both answer "what does *this* endpoint make of it?": replay re-posts the
exact bytes a provider sent (to the user's own handler, to compare its
answer with the receiver's); a test event is a provider-shaped event signed
with the profile's webhook secret, so a receiver can be checked end to end
without sending a real message. Both build a ``RequestSpec`` only: the
profile's client sends it (rule 2), with ``attach_auth=False`` since the
profile's API credentials have no business at a webhook handler.
"""

from __future__ import annotations

import json
import secrets as _random
import time
from urllib.parse import urlencode

import httpx

from desktop.core.client.spec import RequestSpec
from desktop.core.webhooks.correlation import LifecycleRules
from desktop.core.webhooks.events import MASK, WebhookEvent
from desktop.core.webhooks.signatures import SCHEMES, HmacOptions, sign

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
"""Headers about one connection (RFC 9110 §7.6.1), never forwarded."""
RECOMPUTED = frozenset({"host", "content-length"})
"""Headers the client writes for the new request itself."""

TEST_REFERENCE = "switchboard-test-event"
"""The external reference every test event carries, so it is easy to find and filter."""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be sent to, in words; None when it can. Never raises."""
    text = url.strip()
    if not text:
        return "Enter the URL to send to, e.g. http://127.0.0.1:3000/webhooks."
    if any(ch.isspace() or ord(ch) < 0x20 for ch in text):
        return "The URL contains spaces or control characters."
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        return f"Not a valid URL: {error}."
    if parsed.scheme not in ("http", "https"):
        shown = f"“{parsed.scheme}:”" if parsed.scheme else "no scheme"
        return f"The URL must start with http:// or https:// (it has {shown})."
    if not parsed.host:
        return "The URL has no host name."
    return None


def _connection_listed(event: WebhookEvent) -> set[str]:
    """Names a ``Connection`` header declares hop-by-hop for this one request."""
    listed: set[str] = set()
    for name, value in event.headers:
        if name.lower() == "connection":
            listed.update(part.strip().lower() for part in value.split(",") if part.strip())
    return listed


def replay_dropped(event: WebhookEvent) -> tuple[str, ...]:
    """The header names a replay leaves out, in their received order (for the user to see)."""
    skip = HOP_BY_HOP | RECOMPUTED | _connection_listed(event)
    return tuple(name for name, value in event.headers
                 if name.lower() in skip or value == MASK)


def replay_request(event: WebhookEvent, url: str) -> RequestSpec:
    """The event's exact body and headers (minus hop-by-hop ones) for ``url``.

    Header values masked in the journal (``Authorization``, ``Cookie`` of an
    event read back from disk) are left out rather than sent as the mask.
    Raises ``ValueError`` with ``url_problem``'s words for a URL that cannot work.
    """
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    skip = HOP_BY_HOP | RECOMPUTED | _connection_listed(event)
    headers = tuple((name, value) for name, value in event.headers
                    if name.lower() not in skip and value != MASK)
    return RequestSpec(event.method or "POST", url.strip(), headers, event.body,
                       attach_auth=False)


def _iso(at: float) -> str:
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at))
    return f"{whole}.{int(at * 1000) % 1000:03d}Z"


def default_sequence(event_type: str, rules: LifecycleRules | None = None) -> int:
    """Where ``event_type`` sits in a lifecycle: terminal events share the last number."""
    rules = rules or LifecycleRules()
    steps = [t for t in rules.order if t not in rules.terminal]
    if event_type in steps:
        return steps.index(event_type) + 1
    return len(steps) + 1


_STATUS_WORDS = {"queued": "queued", "sent": "sent", "delivery": "delivered",
                 "delivered": "delivered", "failed": "failed"}


def build_test_event(
    url: str,
    *,
    scheme: str | None,
    secret: str | None,
    event_type: str = "message.delivery",
    message_id: str | None = None,
    sequence: int | None = None,
    external_reference: str = TEST_REFERENCE,
    options: HmacOptions | None = None,
    rules: LifecycleRules | None = None,
    now: float | None = None,
) -> RequestSpec:
    """A Red Cloud-shaped lifecycle event for ``url``, signed the way ``scheme`` signs.

    ``{"id", "type", "sequence", "createdAt", "data": {"messageId", "status",
    "externalReference"}}`` as JSON; for ``twilio`` a status-callback form
    body (``MessageSid``, ``MessageStatus``) signed over ``url``. With no
    scheme (``None`` or ``"none"``) or no secret the event goes unsigned.
    Raises ``ValueError`` for a URL that cannot work or an unknown scheme.
    """
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    if scheme == "none":
        scheme = None
    if scheme is not None and scheme not in SCHEMES:
        raise ValueError(f"unknown webhook scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    target = url.strip()
    at = time.time() if now is None else now
    status = _STATUS_WORDS.get(event_type.rsplit(".", 1)[-1], event_type.rsplit(".", 1)[-1])
    if scheme == "twilio":
        sid = message_id or "SM" + _random.token_hex(16)
        body = urlencode({"MessageSid": sid, "SmsSid": sid, "MessageStatus": status}).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        payload = {
            "id": "evt_test_" + _random.token_hex(8),
            "type": event_type,
            "sequence": sequence if sequence is not None else default_sequence(event_type, rules),
            "createdAt": _iso(at),
            "data": {"messageId": message_id or "msg_test_" + _random.token_hex(8),
                     "status": status, "externalReference": external_reference},
        }
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        content_type = "application/json"
    headers: list[tuple[str, str]] = [("Content-Type", content_type),
                                      ("User-Agent", "Switchboard-Test-Event")]
    if scheme is not None and secret:
        signed = sign(scheme, secret, body, timestamp=int(at), url=target, options=options)
        headers.extend(signed.items())
    return RequestSpec("POST", target, tuple(headers), body, attach_auth=False)

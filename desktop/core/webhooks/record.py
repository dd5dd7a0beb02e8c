"""The journal's record of an event: ``WebhookEvent.to_dict`` minus every secret.

``to_dict(mask=True)`` masks headers by their names. A sender can still put
a secret where no name says so: the shared secret in a header of its own
(``X-Signature: <the secret>``, as token-style senders do), or echoed in
the body, the query string or a field. The journal is a file that outlives
the session and gets attached to tickets, so whatever holds a *known*
secret (the profile's webhook secret, any secret the session knows) is
masked too, found by the one redactor's known-secret search (any encoding:
URL, JSON escapes, hex, base64, case).

The body is kept byte for byte (base64) because a signature can only be
re-checked over the exact bytes. A body that holds a known secret cannot be
kept that way: it is dropped and the record says why (``body_redacted``),
and that its signature can no longer be re-checked from the journal.
Redacting inside it instead would keep a body whose signature fails for a
reason that is not the sender's, which is worse for a diagnosis than none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from desktop.core.webhooks.events import MASK, WebhookEvent

MIN_SECRET_LENGTH = 8
"""As ``desktop.core.redact.MIN_SECRET_LENGTH``: shorter values match only a whole value."""

if TYPE_CHECKING:
    from desktop.core.redact import Redactor

BODY_REDACTED = ("the body held a known secret ({kind}); it is not kept, so its signature "
                 "cannot be re-checked from the journal")
_FIELDS = ("path", "query", "event_type", "message_id", "external_reference", "event_id")


def is_unverified(event: WebhookEvent) -> bool:
    """Kept within the unverified quota: a failed signature, or a delivery not answered 2xx
    (refused as too large). Such events can never push a verified one out."""
    return event.verified is False or not 200 <= event.status < 300


def finder(secrets: Mapping[str, str | bytes | None]) -> Redactor | None:
    """A redactor that knows ``secrets`` (kind -> value), or None when there are none.

    A Standard Webhooks secret is also known without its ``whsec_`` prefix, since a sender
    that echoes it may drop the prefix.
    """
    values: dict[str, str] = {}
    for kind, value in secrets.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if value and value.strip():
            values[kind] = value
            if value.startswith("whsec_") and len(value) > 6:
                values[f"{kind}_key"] = value[6:]
    if not values:
        return None
    from desktop.core.redact import Redactor  # the one redactor, loaded when a secret is known

    return Redactor(values, mask_phones=False)


def journal_record(event: WebhookEvent, secrets: Redactor | None = None,
                   raw: Mapping[str, bytes] | None = None) -> dict[str, object]:
    """``event.to_dict(mask=True)`` with every value holding a known secret masked.

    ``raw`` are the secrets as bytes, found verbatim (an HMAC key need not be text), or
    as a whole value when shorter than the redactor searches for (8 characters).
    """
    record = event.to_dict(mask=True)
    if secrets is None and not raw:
        return record
    record["headers"] = [
        [name, MASK if value != MASK and _holds(secrets, raw, _bytes(value)) else value]
        for name, value in record["headers"]  # type: ignore[attr-defined]
    ]
    for name in _FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value and _holds(secrets, raw, _bytes(value)):
            record[name] = MASK
    verification = record.get("verification")
    if isinstance(verification, dict):  # a malformed header is quoted in the message
        for name in ("message", "hint"):
            text = verification.get(name)
            if isinstance(text, str) and text and _holds(secrets, raw, _bytes(text)):
                verification[name] = _scrubbed(text, secrets, raw)
    kind = _holds(secrets, raw, event.body) if event.body else None
    if kind:
        record["body_b64"] = ""
        record["body_redacted"] = BODY_REDACTED.format(kind=kind)
    return record


def _scrubbed(text: str, secrets: Redactor | None, raw: Mapping[str, bytes] | None) -> str:
    """Words kept, the secret replaced; the whole text masked if it still shows through."""
    if secrets is not None:
        text = secrets.redact_text(text)
    for value in (raw or {}).values():
        if len(value) >= MIN_SECRET_LENGTH:
            text = text.replace(value.decode("utf-8", "surrogateescape"), MASK)
    return MASK if _holds(secrets, raw, _bytes(text)) else text


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _holds(secrets: Redactor | None, raw: Mapping[str, bytes] | None, data: bytes) -> str | None:
    """The kind of the known secret in ``data``, or None."""
    for kind, value in (raw or {}).items():
        if value and (value in data if len(value) >= MIN_SECRET_LENGTH
                      else value == data.strip()):
            return kind
    if secrets is None:
        return None
    return secrets.find_known_secret(data)

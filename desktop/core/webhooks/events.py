"""Webhook events: one delivery as it arrived, with what we could read from it.

A ``WebhookEvent`` keeps the exact bytes (body, headers, source, arrival
time) because a signature is only checkable over exactly what was sent;
the extracted fields (type, message id, sequence, external reference)
come from JMESPath expressions so a provider file can describe its own
payload shape without code.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult
from jmespath.visitor import TreeInterpreter

from desktop.core.exchange import Headers, header_value
from desktop.core.webhooks.verification import Verification

CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-gitlab-token",
    "x-api-key", "x-auth-token", "x-webhook-token", "x-webhook-secret", "x-hook-secret",
})
"""Headers whose values are credentials: masked in ``to_dict(mask=True)``. So is every
header the redactor's name rules call a secret (``X-*-Token``, ``X-*-Key``, ``X-Auth``...),
except signatures: an HMAC digest reveals no secret and is what a later check needs."""


def is_credential_header(name: str) -> bool:
    """Whether a header's value is masked in the journal (see ``CREDENTIAL_HEADERS``)."""
    lowered = name.lower()
    if lowered in CREDENTIAL_HEADERS:
        return True
    from desktop.core.redact import secret_kind  # the one set of name rules, loaded late

    return secret_kind(name) not in (None, "signature")

MASK = "[masked]"


_INTERPRETER = TreeInterpreter()
"""One for every search: ``ParsedResult.search`` builds a new one (and its method cache) per
call, a measurable share of a receiver taking 1,000 events a second. It keeps no state
between searches but that cache."""


@lru_cache(maxsize=128)
def _compiled(expression: str) -> ParsedResult:
    return jmespath.compile(expression)


FieldPaths = tuple[str, ...]
"""Candidate JMESPath expressions for one fact, tried in order; the first non-null wins."""

_FIELD_NAMES = ("event_type", "message_id", "sequence", "external_reference", "event_id")


def candidates(value: str | Iterable[str] | None) -> FieldPaths:
    """One expression or several, as a tuple; ``a || b`` stays one expression."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(v for v in value if v)


@dataclass(frozen=True, slots=True)
class WebhookFields:
    """Where an event's facts sit in its payload, as candidate JMESPath expressions.

    Providers document which facts an event carries (a ``messageId``, a
    ``sequence``) more often than where they sit, so each fact has several
    candidate paths, tried in order. The defaults read Red Cloud's nested shape
    ``{"type", "sequence", "data": {"messageId", ...}}``, the flat one
    ``{"type", "sequence", "messageId", ...}``, and snake_case spellings.
    A string is accepted for one candidate.
    """

    event_type: FieldPaths | str = ("type", "event", "eventType", "event_type")
    message_id: FieldPaths | str = ("data.messageId", "messageId", "data.message_id",
                                    "message_id", "data.message.id", "message.messageId")
    sequence: FieldPaths | str = ("sequence", "data.sequence")
    external_reference: FieldPaths | str = ("data.externalReference", "externalReference",
                                            "data.external_reference", "external_reference")
    event_id: FieldPaths | str = ("id", "eventId", "event_id")
    """The sender's id for the event: the same id twice is a retried delivery."""

    def __post_init__(self) -> None:
        for name in _FIELD_NAMES:
            paths = candidates(getattr(self, name))
            for expression in paths:
                try:
                    _compiled(expression)
                except (JMESPathError, RecursionError) as error:
                    raise ValueError(f"{name}: invalid JMESPath {expression!r}: "
                                     f"{error}") from None
            object.__setattr__(self, name, paths)

    @classmethod
    def from_scheme(cls, scheme: Any) -> WebhookFields:
        """From a provider's ``WebhookScheme``: its paths first, then the defaults.

        The provider's own paths are tried first; the defaults stay as fallbacks,
        since a file that names one place cannot know every shape a server sends.
        """
        defaults = cls()
        merged: dict[str, FieldPaths] = {}
        for name in ("event_type", "message_id", "sequence", "external_reference"):
            own = candidates(getattr(scheme, name, None))
            merged[name] = tuple(dict.fromkeys((*own, *getattr(defaults, name))))
        return cls(**merged)

    def locate(self, name: str, payload: object) -> tuple[object, str | None]:
        """The first candidate's value that is a string or number, with its expression.

        A candidate that finds an object (``event: {...}``) or nothing gives way to the next.
        """
        if payload is None:
            return None, None
        for expression in getattr(self, name):
            try:
                value = _INTERPRETER.visit(_compiled(expression).parsed, payload)
            except (JMESPathError, RecursionError):
                continue
            if _scalar(value) is not None:
                return value, expression
        return None, None

    def search(self, name: str, payload: object) -> object:
        return self.locate(name, payload)[0]


def parse_payload(body: bytes, content_type: str | None) -> object | None:
    """The body as JSON, or as a dict of form fields for a form-encoded body; else None."""
    if body:
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            pass
    if content_type and content_type.split(";")[0].strip().lower() == \
            "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return None


def _scalar(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _sequence(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One delivery to the receiver, exactly as it arrived."""

    received_at: float
    """Epoch seconds when the request's headers arrived."""
    method: str
    path: str
    query: str = ""
    headers: Headers = ()
    body: bytes = b""
    source: str = ""
    """``address:port`` of the peer that sent it (a tunnel's, when there is one)."""
    size: int = 0
    """Body bytes received; more than ``len(body)`` when the body was refused as too large."""
    status: int = 200
    """The status the receiver answered with."""
    truncated: bool = False
    """True when the body was over the cap and not kept."""
    verification: Verification | None = None
    payload: object | None = None
    """Parsed JSON body (or form fields), None when the body is neither."""
    event_type: str | None = None
    message_id: str | None = None
    sequence: int | None = None
    external_reference: str | None = None
    event_id: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    message_id_field: str | None = None
    """The payload path the message id was read from (which candidate matched)."""
    """Our receipt id (not the sender's ``event_id``)."""

    @classmethod
    def create(
        cls,
        *,
        received_at: float,
        method: str,
        path: str,
        query: str = "",
        headers: Headers = (),
        body: bytes = b"",
        source: str = "",
        size: int | None = None,
        status: int = 200,
        truncated: bool = False,
        verification: Verification | None = None,
        fields: WebhookFields | None = None,
    ) -> WebhookEvent:
        """An event with its payload parsed and its fields extracted."""
        rules = fields or WebhookFields()
        payload = None if truncated else parse_payload(body, header_value(headers, "content-type"))
        message_id, message_id_field = rules.locate("message_id", payload)
        return cls(
            received_at=received_at, method=method, path=path, query=query, headers=headers,
            body=body, source=source, size=len(body) if size is None else size, status=status,
            truncated=truncated, verification=verification, payload=payload,
            event_type=_scalar(rules.search("event_type", payload)),
            message_id=_scalar(message_id),
            message_id_field=message_id_field if _scalar(message_id) is not None else None,
            sequence=_sequence(rules.search("sequence", payload)),
            external_reference=_scalar(rules.search("external_reference", payload)),
            event_id=_scalar(rules.search("event_id", payload)),
        )

    @property
    def verified(self) -> bool | None:
        """True/False when a signature was checked, None when no scheme was configured."""
        return None if self.verification is None else self.verification.ok

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    def text(self, limit: int | None = None) -> str:
        data = self.body if limit is None else self.body[:limit]
        return data.decode("utf-8", errors="replace")

    def to_dict(self, *, mask: bool = True) -> dict[str, object]:
        """A JSON-ready record; the body in base64 so it stays byte-exact.

        ``mask`` replaces credential headers (``Authorization``, ``Cookie``,
        ``X-Gitlab-Token``...) with a placeholder: signatures are kept, they reveal no
        secret. Values holding a known secret are masked by ``record.journal_record``.
        """
        headers = [
            [name, MASK if mask and is_credential_header(name) else value]
            for name, value in self.headers
        ]
        return {
            "id": self.id,
            "received_at": self.received_at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body_b64": base64.b64encode(self.body).decode("ascii"),
            "source": self.source,
            "size": self.size,
            "status": self.status,
            "truncated": self.truncated,
            "verification": self.verification.to_dict() if self.verification else None,
            "event_type": self.event_type,
            "message_id": self.message_id,
            "sequence": self.sequence,
            "external_reference": self.external_reference,
            "event_id": self.event_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WebhookEvent:
        """The inverse of ``to_dict``; raises ``KeyError``/``ValueError`` on a broken record."""
        body = base64.b64decode(data.get("body_b64") or "", validate=True)
        headers = tuple((str(k), str(v)) for k, v in data.get("headers") or ())
        verification = data.get("verification")
        return cls(
            id=str(data["id"]),
            received_at=float(data["received_at"]),
            method=str(data.get("method", "POST")),
            path=str(data.get("path", "/")),
            query=str(data.get("query") or ""),
            headers=headers,
            body=body,
            source=str(data.get("source") or ""),
            size=int(data.get("size", len(body))),
            status=int(data.get("status", 200)),
            truncated=bool(data.get("truncated", False)),
            verification=Verification.from_dict(verification) if verification else None,
            payload=None if data.get("truncated") else parse_payload(
                body, header_value(headers, "content-type")),
            event_type=data.get("event_type"),
            message_id=data.get("message_id"),
            sequence=data.get("sequence"),
            external_reference=data.get("external_reference"),
            event_id=data.get("event_id"),
        )

"""The redactor: the one path by which anything leaves the app.

Bundles, HAR files, curl exports, the clipboard, the log file and the
history file all pass through a ``Redactor``. It knows the profile's secret
values (and learns tokens as they are acquired), and it recognises secrets
it was never told about by their names (``client_secret``, ``X-Api-Key``)
and their shapes (JWTs, ``whsec_...``, ``Bearer ...``, provider patterns).

Redaction keeps structure: JSON stays JSON with the same keys, form bodies
stay form-encoded, URLs stay URLs and headers keep their names; a redacted
value becomes ``[REDACTED:kind]`` (percent-encoded inside URLs and form
bodies). What was removed is counted by kind in ``report``, never recorded.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from desktop.core.exchange import Exchange, RequestRecord, TransportError, header_value
from desktop.core.finding import Finding
from desktop.core.redact import rules
from desktop.core.redact.hits import ALL, Hits, find_hits
from desktop.core.redact.known import KnownSecrets
from desktop.core.redact.names import PHONE, field_kind, secret_kind
from desktop.core.redact.phones import looks_like_phone, mask_phone, mask_phones_in_text
from desktop.core.redact.report import RedactionReport
from desktop.core.redact.structure import BodyKind, body_kind, decode_body, dump_like, encode_body
from desktop.core.redact.urls import redact_form, redact_url_with

_JSON_KEY = re.compile(r'"([^"\\]{1,80})"\s*:')
_NON_PLUS_PHONE_VALUE = re.compile(r'"\d[\d ().-]{5,18}\d"')
"""A JSON string of digits without '+': maybe a national phone number."""
_CACHED_HITS_LENGTH = 200
"""Short texts (header values, reason phrases) repeat: their Hits are remembered."""
_KIND = re.compile(r"[^a-z0-9_]+")
_URL_HEADERS = frozenset({"location", "content-location", "referer", "referrer"})
_NAMED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def normalise_kind(kind: str) -> str:
    """Kinds appear in markers: lowercase letters, digits and underscores only."""
    return _KIND.sub("_", kind.lower()).strip("_") or "secret"


@dataclasses.dataclass(frozen=True, slots=True)
class RedactedBody:
    text: str | None
    """The redacted body as text, or None when the body is not text (binary)."""
    data: bytes
    """The redacted body as bytes, in the body's own charset."""


@dataclasses.dataclass(frozen=True, slots=True)
class ExchangeParts:
    """The redacted wire parts of an Exchange, for copies and for the HAR writer."""

    url: str
    request_headers: list[tuple[str, str]]
    request_body: RedactedBody
    response_headers: list[tuple[str, str]]
    response_body: RedactedBody | None


class Redactor:
    """Removes secrets (and masks phone numbers) from everything that leaves the app."""

    def __init__(
        self,
        secrets: Mapping[str, str | None] | None = None,
        patterns: Sequence[tuple[str, str]] = (),
        *,
        mask_phones: bool = True,
    ) -> None:
        """``secrets`` maps kind → value (``{"client_secret": "..."}``); ``patterns`` are
        provider (kind, regex) pairs. A pattern that does not compile raises ValueError."""
        self.mask_phones = mask_phones
        self._values: dict[str, str] = {}
        for kind, value in (secrets or {}).items():
            if value:
                self._values.setdefault(value, normalise_kind(kind))
        compiled = []
        for kind, regex in patterns:
            try:
                compiled.append((normalise_kind(kind), re.compile(regex)))
            except re.error as exc:
                raise ValueError(f"redaction pattern {kind!r} is not a valid regex: {exc}") from exc
        self._patterns: tuple[tuple[str, re.Pattern[str]], ...] = tuple(compiled)
        self._known: KnownSecrets | None = None
        self._hits_cache: dict[str, Hits] = {}
        self._report = RedactionReport()

    # -- configuration -------------------------------------------------------------------

    def add_secret(self, value: str | None, kind: str = "secret") -> None:
        """Learn a secret acquired at run time (a fresh access token, a pasted key)."""
        if value and value not in self._values:
            self._values[value] = normalise_kind(kind)
            self._known = None
            self._hits_cache = {}

    def spawn(self) -> Redactor:
        """A redactor with the same secrets and options and a fresh, empty report."""
        child = Redactor.__new__(Redactor)
        child.mask_phones = self.mask_phones
        child._values = dict(self._values)
        child._patterns = self._patterns
        child._known = self.known
        child._hits_cache = self._hits_cache
        child._report = RedactionReport()
        return child

    @property
    def report(self) -> RedactionReport:
        """Counts of everything redacted by this redactor so far, by kind."""
        return self._report

    @property
    def known(self) -> KnownSecrets:
        if self._known is None:
            self._known = KnownSecrets(self._values)
        return self._known

    def find_known_secret(self, data: str | bytes) -> str | None:
        """The kind of a known secret present in ``data`` in any form, or None (safety scans)."""
        return self.known.find(data)

    def hits(self, text: str) -> Hits:
        """Which rules could fire on ``text`` (or on any part of it)."""
        if len(text) > _CACHED_HITS_LENGTH:
            return find_hits(text, self.known, self._patterns, phones=self.mask_phones)
        cached = self._hits_cache.get(text)
        if cached is None:
            if len(self._hits_cache) > 4096:
                self._hits_cache.clear()
            cached = find_hits(text, self.known, self._patterns, phones=self.mask_phones)
            self._hits_cache[text] = cached
        return cached

    def _count(self, kind: str, count: int = 1) -> None:
        self._report.add(kind, count)

    # -- text ----------------------------------------------------------------------------

    def redact_text(self, text: str) -> str:
        """Free text (log lines, notes, summaries, curl commands)."""
        return self._scrub(text)

    def _scrub(self, text: str, hits: Hits | None = None, *, json_raw: bool = False,
               names: bool = True, phones: bool = True,
               marker: Callable[[str], str] = rules.marker) -> str:
        """Every value- and shape-based rule; ``json_raw`` keeps raw JSON text valid."""
        if not text:
            return text
        if hits is None or len(text) <= _CACHED_HITS_LENGTH:
            hits = self.hits(text)  # a short part's own (cached) hits beat a superset's
        if not hits.any:
            return text
        count = self._count
        if hits.known:
            text = self.known.replace(text, marker, count)
        if names and hits.words:
            text = rules.redact_key_values(text, count, json_raw=json_raw)
            if not json_raw:
                text = rules.redact_cookie_lines(text, count)
        if hits.bearer:
            text = rules.redact_bearer(text, count)
        if hits.basic:
            text = rules.redact_basic(text, count)
        if hits.jwt:
            text = rules.redact_jwts(text, count)
        if hits.webhook_secret:
            text = rules.redact_webhook_secrets(text, count)
        if hits.patterns and self._patterns:
            text = rules.redact_patterns(text, self._patterns, count, json_raw=json_raw)
        if phones and hits.phones and self.mask_phones:
            text = mask_phones_in_text(text, count, json_raw=json_raw)
        return text

    # -- JSON ----------------------------------------------------------------------------

    def redact_json(self, obj: Any) -> Any:
        """A redacted copy of a JSON-able value: same keys and shape, secret values replaced."""
        return self._walk(obj, None)

    def _walk(self, obj: Any, kind: str | None) -> Any:
        if isinstance(obj, str):
            return self._leaf(obj, kind)
        if isinstance(obj, dict):
            if kind is None and _is_header_object(obj):
                out = {key: self._walk(value, _child_kind(key, None))
                       for key, value in obj.items() if key != "value"}
                out["value"] = self._header(obj["name"], obj["value"], ALL)
                return out
            return {
                (self._scrub(key, names=False, phones=False) if isinstance(key, str) else key):
                    self._walk(value, _child_kind(key, kind))
                for key, value in obj.items()
            }
        if isinstance(obj, list | tuple):
            if kind is None and obj and all(_is_header_pair(item) for item in obj):
                items: Iterable[Any] = (type(pair)((pair[0], self._header(pair[0], pair[1], ALL)))
                                        for pair in obj)
            else:
                items = (self._walk(item, kind) for item in obj)
            return type(obj)(items) if isinstance(obj, tuple) else list(items)
        return obj

    def _leaf(self, value: str, kind: str | None) -> str:
        if kind is None:
            return self._scrub(value)
        if kind == PHONE:
            if self.mask_phones and looks_like_phone(value):
                self._count("phone")
                return mask_phone(value)
            return self._scrub(value)
        if not value or rules.is_redacted(value):
            return value
        self._count(kind)
        return rules.auth_value(value) if kind == "authorization" else rules.marker(kind)

    def _json_text(self, text: str, hits: Hits) -> str:
        """Raw JSON: in place when no field name is secret, parsed and rebuilt otherwise."""
        if self._needs_structure(text, hits):
            try:
                parsed = json.loads(text)
            except ValueError:
                return self._scrub(text, hits)
            return dump_like(self._walk(parsed, None), text)
        return self._scrub(text, hits, json_raw=True)

    def _needs_structure(self, text: str, hits: Hits) -> bool:
        if hits.words and any(secret_kind(key) for key in set(_JSON_KEY.findall(text))):
            return True
        if self.mask_phones and _NON_PLUS_PHONE_VALUE.search(text) and any(
                field_kind(key) == PHONE for key in set(_JSON_KEY.findall(text))):
            return True
        # Escapes ("\/" from PHP, "\u0041") can hide a known secret from the raw search.
        return bool(self._values) and "\\" in text

    # -- bodies, URLs, headers -------------------------------------------------------------

    def redact_bytes(self, data: bytes, content_type: str | None) -> bytes:
        """A body: JSON, form and text aware; opaque bytes are only searched for known secrets."""
        return self._body(data, content_type, None).data

    def redact_body_text(self, data: bytes, content_type: str | None) -> str | None:
        """The redacted body as text, or None when it is binary."""
        return self._body(data, content_type, None).text

    def _body(self, data: bytes, content_type: str | None, hits: Hits | None,
              decoded: tuple[BodyKind, str | None, str] | None = None) -> RedactedBody:
        if not data:
            return RedactedBody("", data)
        kind, text, charset = decoded or _decode(data, content_type)
        if text is None:
            new_data = self.known.replace_bytes(data, _byte_marker, self._count)
            return RedactedBody(None, new_data)
        if hits is None:
            hits = self.hits(text)
        if kind is BodyKind.JSON:
            new = self._json_text(text, hits)
        elif kind is BodyKind.FORM:
            new = redact_form(text, self, hits)
        elif text.lstrip()[:1] in ("{", "["):
            new = self._json_text(text, hits)
        else:
            new = self._scrub(text, hits)
        return RedactedBody(new, data if new == text else encode_body(new, charset))

    def redact_url(self, url: str, hits: Hits | None = None) -> str:
        """A URL with secret query parameters, userinfo passwords and path secrets replaced."""
        return redact_url_with(url, self, hits)

    def redact_headers(self, headers: Iterable[tuple[str, str]],
                       hits: Hits | None = None) -> list[tuple[str, str]]:
        """Headers with names kept: credentials replaced, Authorization keeps its scheme."""
        pairs = list(headers)
        if hits is None:
            hits = self.hits("\n".join(v for n, v in pairs if not _is_special_header(n)))
        return [(name, self._header(name, value, hits)) for name, value in pairs]

    def _header(self, name: str, value: str, hits: Hits) -> str:
        if not value:
            return value
        if not _is_special_header(name):
            return self._scrub(value, hits) if hits.any else value
        lowered = name.lower()
        if lowered in ("authorization", "proxy-authorization"):
            if rules.is_redacted(value):
                return value
            self._count("authorization")
            return rules.auth_value(value)
        if lowered == "cookie":
            return rules.cookie_value(value, self._count)
        if lowered == "set-cookie":
            return rules.cookie_value(value, self._count, set_cookie=True)
        if lowered in _URL_HEADERS:
            return self.redact_url(value)
        kind = secret_kind(name) or "secret"
        if rules.is_redacted(value):
            return value
        self._count(kind)
        return rules.marker(kind)

    # -- exchanges -------------------------------------------------------------------------

    def redact_parts(self, exchange: Exchange) -> ExchangeParts:
        """Redact URL, headers and bodies of an Exchange, gating the rules once for all parts."""
        request = exchange.request
        response = exchange.response
        request_decoded = _decode(request.body, header_value(request.headers, "content-type"))
        texts = [request.url, request_decoded[1] or ""]
        texts += [value for name, value in request.headers if not _is_special_header(name)]
        response_decoded = None
        if response is not None:
            response_decoded = _decode(response.body, response.header("content-type"))
            texts.append(response_decoded[1] or "")
            texts += [value for name, value in response.headers if not _is_special_header(name)]
        hits = self.hits("\n".join(texts))
        return ExchangeParts(
            url=self.redact_url(request.url, hits),
            request_headers=self.redact_headers(request.headers, hits),
            request_body=self._body(request.body, None, hits, request_decoded),
            response_headers=(self.redact_headers(response.headers, hits)
                              if response is not None else []),
            response_body=(self._body(response.body, None, hits, response_decoded)
                           if response is not None else None),
        )

    def redact_exchange(self, exchange: Exchange) -> Exchange:
        """A redacted copy of an Exchange (same id); the original is untouched."""
        parts = self.redact_parts(exchange)
        request = exchange.request
        response = exchange.response
        new_response = None
        if response is not None and parts.response_body is not None:
            new_response = dataclasses.replace(
                response,
                reason=self._scrub(response.reason),
                headers=tuple(parts.response_headers),
                body=parts.response_body.data,
                incomplete=self._scrub(response.incomplete) if response.incomplete else None,
            )
        return dataclasses.replace(
            exchange,
            request=RequestRecord(request.method, parts.url, tuple(parts.request_headers),
                                  parts.request_body.data),
            response=new_response,
            error=self.redact_error(exchange.error),
            request_id=self._scrub(exchange.request_id) if exchange.request_id else None,
            findings=[self.redact_finding(finding) for finding in exchange.findings],
        )

    def redact_error(self, error: TransportError | None) -> TransportError | None:
        if error is None:
            return None
        return TransportError(kind=error.kind, message=self._scrub(error.message))

    def redact_finding(self, finding: Finding) -> Finding:
        """Findings quote evidence from the wire, so they pass through the redactor too."""
        scrub = self._scrub
        return dataclasses.replace(
            finding,
            title=scrub(finding.title),
            causes=tuple(scrub(cause) for cause in finding.causes),
            next_action=scrub(finding.next_action),
            evidence=scrub(finding.evidence),
            fix_value=scrub(finding.fix_value) if finding.fix_value else finding.fix_value,
            extra=self.redact_json(finding.extra),
        )


def _decode(data: bytes, content_type: str | None) -> tuple[BodyKind, str | None, str]:
    """(kind, text or None for binary, charset)."""
    if not data:
        return BodyKind.TEXT, "", "utf-8"
    kind = body_kind(data, content_type)
    decoded = decode_body(data, content_type) if kind is not BodyKind.BINARY else None
    if decoded is None:
        return BodyKind.BINARY, None, ""
    return kind, decoded[0], decoded[1]


def _byte_marker(kind: str) -> bytes:
    return rules.marker(kind).encode("ascii")


@lru_cache(maxsize=1024)
def _is_special_header(name: str) -> bool:
    """Headers redacted by name (credentials, cookies, URLs), whatever their value."""
    lowered = name.lower()
    return lowered in _NAMED_HEADERS or lowered in _URL_HEADERS or secret_kind(name) is not None


def _child_kind(key: object, parent: str | None) -> str | None:
    """Under a secret field every leaf is secret; otherwise the key's own name decides."""
    own = field_kind(key) if isinstance(key, str) else None
    if own is not None and own != PHONE:
        return own
    if parent is not None and parent != PHONE:
        return parent
    return own


def _is_header_object(obj: dict[Any, Any]) -> bool:
    """``{"name": "X-Api-Key", "value": "..."}``: HAR-style headers and parameters."""
    return isinstance(obj.get("name"), str) and isinstance(obj.get("value"), str)


def _is_header_pair(item: Any) -> bool:
    return (isinstance(item, list | tuple) and len(item) == 2
            and isinstance(item[0], str) and isinstance(item[1], str))

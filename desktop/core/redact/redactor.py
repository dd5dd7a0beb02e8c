"""The redactor: the one path by which anything leaves the app.

Bundles, HAR files, curl exports, the clipboard, the log file and the
history file all pass through a ``Redactor``. It knows the profile's secret
values in any encoding (``known``; it learns tokens as they are acquired),
and it recognises secrets it was never told about by their names in any
spelling (``client_secret``, ``X-Api-Key``, ``ＰＡＳＳ``: ``names``) and by
their shapes (JWTs, ``Bearer ...``, key formats such as ``sk_live_...``,
URL passwords, ``curl -u``, XML and multipart fields, private keys, provider
patterns: ``rules``, ``shapes``, ``formats``). ``hits`` decides, in one
linear pass, which of those rules can fire on a text at all.

Redaction keeps structure: JSON stays JSON with the same keys, form bodies
stay form-encoded, URLs stay URLs and headers keep their names; a redacted
value becomes ``[REDACTED:kind]`` (percent-encoded inside URLs and form
bodies). What was removed is counted by kind in ``report``, never recorded.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from desktop.core.exchange import Exchange
from desktop.core.finding import Finding
from desktop.core.redact import exchanges, jsonbody, rules, shapes
from desktop.core.redact import hits as h
from desktop.core.redact.exchanges import ExchangeParts
from desktop.core.redact.formats import redact_formats
from desktop.core.redact.hits import find_hits
from desktop.core.redact.known_set import KnownSecrets
from desktop.core.redact.names import is_credential_header, secret_kind
from desktop.core.redact.phones import mask_phones_in_text
from desktop.core.redact.report import RedactionReport
from desktop.core.redact.structure import BodyKind, RedactedBody, decode, encode_body
from desktop.core.redact.urls import redact_form, redact_url_with

if TYPE_CHECKING:
    from desktop.core.userregex import UserRegex

_CACHED_HITS_LENGTH = 200
"""Short texts (header values, reason phrases) repeat: their hits are remembered."""
_KIND = re.compile(r"[^a-z0-9_]+")
_URL_HEADERS = frozenset({"location", "content-location", "referer", "referrer"})
MAX_LEARNED_TOKENS = 64
"""Access tokens a redactor keeps as known secrets, the newest. Each costs about 100 KB of
needles (every encoding of it, at every base64 offset), and a session that runs the
checklist gets a fresh token each run: kept without end they grew the window by
megabytes an hour, and past about 400 RE2 refused the set. A token 64 issues old has
usually expired; wherever it is labelled (Authorization, ``access_token`` fields, JWT
shape) the name and shape rules still remove it."""
TOKEN_KIND = "access_token"


def normalise_kind(kind: str) -> str:
    """Kinds appear in markers: lowercase letters, digits and underscores only."""
    return _KIND.sub("_", kind.lower()).strip("_") or "secret"


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
        provider (kind, regex) pairs, compiled with RE2 (``compile_user_regex``: a provider
        file's pattern runs in linear time). One that does not compile raises ValueError."""
        self._mask_phones = mask_phones
        self._values: dict[str, str] = {}
        for kind, value in (secrets or {}).items():
            if value and value.strip():
                self._values.setdefault(value, normalise_kind(kind))
        compiled = []
        if patterns:
            from desktop.core.userregex import compile_user_regex  # RE2: only when needed

            for kind, regex in patterns:
                try:
                    compiled.append((normalise_kind(kind), compile_user_regex(regex)))
                except ValueError as exc:
                    raise ValueError(f"redaction pattern {kind!r} is not a valid regex: "
                                     f"{exc}") from None
        self._patterns: tuple[tuple[str, UserRegex], ...] = tuple(compiled)
        self._known: KnownSecrets | None = None
        self._tokens: deque[str] = deque()
        """Learned access tokens, oldest first (the only secrets that are ever let go)."""
        self._hits_cache: dict[str, int] = {}
        self._report = RedactionReport()

    # -- configuration -------------------------------------------------------------------

    def add_secret(self, value: str | None, kind: str = "secret") -> None:
        """Learn a secret acquired at run time (a fresh access token, a pasted key)."""
        if value and value.strip() and value not in self._values:
            self._values[value] = normalise_kind(kind)
            if self._values[value] == TOKEN_KIND:
                self._tokens.append(value)
                if len(self._tokens) > MAX_LEARNED_TOKENS:
                    self._values.pop(self._tokens.popleft(), None)
            self._known = None
            self._hits_cache = {}

    def spawn(self) -> Redactor:
        """A redactor with the same secrets and options and a fresh, empty report."""
        child = Redactor.__new__(type(self))
        child._mask_phones = self._mask_phones
        child._values = dict(self._values)
        child._tokens = deque(self._tokens)
        child._patterns = self._patterns
        child._known = self.known
        child._hits_cache = self._hits_cache
        child._report = RedactionReport()
        return child

    @property
    def mask_phones(self) -> bool:
        """Whether phone numbers are masked (fixed at construction: hits are cached)."""
        return self._mask_phones

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

    def hits(self, text: str) -> int:
        """Which rules could fire on ``text`` (or on any part of it): a bit set of ``hits``."""
        if len(text) > _CACHED_HITS_LENGTH:
            return find_hits(text, self.known, self._patterns, phones=self.mask_phones)
        cached = self._hits_cache.get(text)
        if cached is None:
            if len(self._hits_cache) > 4096:
                self._hits_cache.clear()
            cached = find_hits(text, self.known, self._patterns, phones=self.mask_phones)
            self._hits_cache[text] = cached
        return cached

    def hits_within(self, text: str, within: int) -> int:
        """The hits of ``text`` among ``within`` only (a part of a larger, gated text)."""
        return find_hits(text, self.known, self._patterns, phones=self.mask_phones,
                         within=within)

    def _count(self, kind: str, count: int = 1) -> None:
        self._report.add(kind, count)

    # -- text ----------------------------------------------------------------------------

    def redact_text(self, text: str) -> str:
        """Free text (log lines, notes, summaries, curl commands)."""
        return self._scrub(text)

    def _scrub(self, text: str, hits: int | None = None, *, json_raw: bool = False,
               names: bool = True, phones: bool = True,
               marker: Callable[[str], str] = rules.marker) -> str:
        """Every value- and shape-based rule; ``json_raw`` keeps raw JSON text valid."""
        if not text:
            return text
        if hits is None:
            hits = self.hits(text)
        elif hits == h.PHONES:  # the common case in messaging traffic: only numbers to mask
            if "+" not in text or not phones or not self.mask_phones:
                return text
            return mask_phones_in_text(text, self._count, json_raw=json_raw)
        elif hits and len(text) <= _CACHED_HITS_LENGTH:
            # A short part of a larger text: test only the rules the larger text allows.
            hits = find_hits(text, self.known, self._patterns, phones=self.mask_phones,
                             within=hits)
        if not hits:
            return text
        count = self._count
        if hits & h.KNOWN:
            text = self.known.replace(text, marker, count)
        if names and hits & h.WORDS:
            text = rules.redact_key_values(text, count, json_raw=json_raw)
            text = shapes.redact_xml_elements(text, count, json_raw=json_raw,
                                              phones=phones and self.mask_phones)
            if not json_raw:
                text = rules.redact_cookie_lines(text, count)
                text = shapes.redact_multipart_parts(text, count)
                text = shapes.redact_phrases(text, count)
        if hits & h.SHAPES:  # after names: a named value is redacted under its name's kind
            text = shapes.redact_key_files(text, count, marker)
            text = shapes.redact_url_passwords(text, count, marker)
            text = shapes.redact_curl_credentials(text, count, marker)
            text = redact_formats(text, count, marker)
        if hits & h.BEARER:
            text = rules.redact_bearer(text, count)
        if hits & h.BASIC:
            text = rules.redact_basic(text, count)
        if hits & (h.JWT | h.SHAPES):
            text = rules.redact_jwts(text, count)
        if hits & h.WEBHOOK_SECRET:
            text = rules.redact_webhook_secrets(text, count)
        if hits & h.PATTERNS and self._patterns:
            text = rules.redact_patterns(text, self._patterns, count, json_raw=json_raw)
        if phones and hits & h.PHONES and self.mask_phones:
            text = mask_phones_in_text(text, count, json_raw=json_raw)
        return text

    # -- JSON ----------------------------------------------------------------------------

    def redact_json(self, obj: Any) -> Any:
        """A redacted copy of a JSON-able value: same keys and shape, secret values replaced
        (a subtree nested deeper than ``jsonbody.MAX_DEPTH`` becomes its redacted text)."""
        return jsonbody.redact_json(self, obj)

    def _json_text(self, text: str, hits: int) -> str:
        """Raw JSON: in place when nothing calls for parsing, rebuilt otherwise."""
        return jsonbody.redact_json_text(self, text, hits)

    # -- bodies, URLs, headers -------------------------------------------------------------

    def redact_bytes(self, data: bytes, content_type: str | None) -> bytes:
        """A body: JSON, form and text aware; opaque bytes are only searched for known secrets."""
        return self._body(data, content_type, None).data

    def redact_body_text(self, data: bytes, content_type: str | None) -> str | None:
        """The redacted body as text, or None when it is binary."""
        return self._body(data, content_type, None).text

    def _body(self, data: bytes, content_type: str | None, hits: int | None,
              decoded: tuple[BodyKind, str | None, str] | None = None) -> RedactedBody:
        if not data:
            return RedactedBody("", data)
        kind, text, charset = decoded or decode(data, content_type)
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

    def redact_url(self, url: str, hits: int | None = None) -> str:
        """A URL with secret query parameters, userinfo passwords and path secrets replaced."""
        return redact_url_with(url, self, hits)

    def redact_headers(self, headers: Iterable[tuple[str, str]],
                       hits: int | None = None) -> list[tuple[str, str]]:
        """Headers with names kept: credentials replaced, Authorization keeps its scheme."""
        pairs = list(headers)
        if hits is None:
            hits = self.hits("\n".join(v for n, v in pairs if not is_credential_header(n)))
        return [(name, self._header(name, value, hits)) for name, value in pairs]

    def _header(self, name: str, value: str, hits: int) -> str:
        if not value:
            return value
        if not is_credential_header(name):
            return self._scrub(value, hits) if hits else value
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
        return rules.auth_value(value) if kind == "authorization" else rules.marker(kind)

    # -- exchanges -------------------------------------------------------------------------

    def redact_parts(self, exchange: Exchange) -> ExchangeParts:
        """Redact URL, headers and bodies of an Exchange, gating the rules once for all parts."""
        return exchanges.redact_parts(self, exchange)

    def redact_exchange(self, exchange: Exchange) -> Exchange:
        """A redacted copy of an Exchange (same id); the original is untouched."""
        return exchanges.redact_exchange(self, exchange)

    def redact_finding(self, finding: Finding) -> Finding:
        """Findings quote evidence from the wire, so they pass through the redactor too."""
        return exchanges.redact_finding(self, finding)


def _byte_marker(kind: str) -> bytes:
    return rules.marker(kind).encode("ascii")

"""One lint pass's view of a request: the body parsed once, the URL split once.

Lint runs on every (debounced) keystroke in the composer, so every rule
reads from this object instead of parsing the body or the URL again.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, unquote, unquote_plus, urlsplit

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint.jsonpath import JsonPath, Located, select
from desktop.core.provider.model import AuthType, Provider

JSON_TYPES = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
"""``application/json`` and the ``+json`` family (``application/problem+json``)."""

MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class JsonError:
    message: str
    line: int | None = None
    column: int | None = None

    def describe(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.message} at line {self.line}, column {self.column}"


@dataclass(slots=True)
class Body:
    raw: bytes
    text: str | None = None
    """The body as UTF-8 text; None when empty or not UTF-8."""
    value: Any = MISSING
    """The parsed JSON, or MISSING when the body is empty or not JSON."""
    error: JsonError | None = None
    duplicates: list[tuple[JsonPath, str]] = field(default_factory=list)
    """(object path, key) for each key written twice in one object."""

    @property
    def present(self) -> bool:
        return bool(self.raw.strip())

    @property
    def is_json(self) -> bool:
        return self.value is not MISSING

    @property
    def looks_like_json(self) -> bool:
        """Starts like a JSON object or array: the user meant JSON, parseable or not."""
        return self.text is not None and self.text.lstrip()[:1] in ("{", "[")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> Body:
    """Decode and parse once, noting duplicate keys and the parser's line and column."""
    body = Body(raw)
    if not raw.strip():
        return body
    try:
        body.text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        body.error = JsonError(f"the body is not UTF-8 text (byte {exc.start})")
        return body
    duplicated: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            dupes: list[str] = []
            for key, _ in items:
                if key in seen and key not in dupes:
                    dupes.append(key)
                seen.add(key)
            duplicated[id(obj)] = dupes
        return obj

    try:
        body.value = json.loads(body.text, object_pairs_hook=pairs,
                                parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        body.error = JsonError(exc.msg, exc.lineno, exc.colno)
    except (ValueError, RecursionError) as exc:
        body.error = JsonError(str(exc) or type(exc).__name__)
    if duplicated and body.is_json:
        body.duplicates = _locate_duplicates(body.value, duplicated)
    return body


def _locate_duplicates(root: Any, duplicated: dict[int, list[str]]) -> list[tuple[JsonPath, str]]:
    found: list[tuple[JsonPath, str]] = []
    stack: list[tuple[JsonPath, Any]] = [((), root)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            found.extend((path, key) for key in duplicated.get(id(value), ()))
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
    return found


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    value: str
    """Decoded as a form would be (``+`` is a space)."""
    raw_value: str


def parse_query(query: str) -> list[QueryParam]:
    params: list[QueryParam] = []
    for part in query.split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        params.append(QueryParam(unquote_plus(raw_name), unquote_plus(raw_value), raw_value))
    return params


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(parts: SplitResult) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port filled in; raises ValueError on a bad port."""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def split_url(url: str) -> tuple[SplitResult | None, str]:
    """The URL's parts, or None and the reason it does not parse."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # a non-numeric or out-of-range port only fails here
    except ValueError as exc:
        return None, str(exc)
    return parts, ""


class LintContext:
    """Everything rules read, computed at most once per lint call."""

    def __init__(self, spec: RequestSpec, provider: Provider | None, base_url: str) -> None:
        self.spec = spec
        self.provider = provider
        self.base_url = base_url.strip()
        self.method = spec.method.strip().upper()
        self.body = parse_body(spec.body)
        self.url, self.url_problem = split_url(spec.url)
        self.base, _ = split_url(self.base_url) if self.base_url else (None, "")
        self.path = unquote(self.url.path) if self.url is not None and self.url.path else "/"
        self.relative_path = self._relative_path()
        self._query: list[QueryParam] | None = None

    def _relative_path(self) -> str:
        """The path after the base URL's own path (``/api`` + ``/v1/x`` → ``/v1/x``)."""
        base_path = self.base.path.rstrip("/") if self.base is not None else ""
        if base_path and (self.path == base_path or self.path.startswith(base_path + "/")):
            return self.path[len(base_path):] or "/"
        return self.path

    @property
    def query(self) -> list[QueryParam]:
        if self._query is None:
            self._query = parse_query(self.url.query) if self.url is not None else []
        return self._query

    @property
    def sends_credentials(self) -> bool:
        """The profile will attach its own credentials to this request."""
        return (self.provider is not None and self.provider.auth.type is not AuthType.NONE
                and self.spec.attach_auth)

    @property
    def auth_header(self) -> str | None:
        """The header the profile's credentials go in, when it supplies any."""
        if not self.sends_credentials:
            return None
        assert self.provider is not None
        if self.provider.auth.type is AuthType.API_KEY:
            return self.provider.auth.header or "Authorization"
        return "Authorization"

    def values(self, expression: str) -> list[Located]:
        """Values a field expression selects in the JSON body (none when it is not JSON)."""
        if not self.body.is_json:
            return []
        return select(self.body.value, expression)


def make_finding(
    code: str,
    severity: Severity,
    title: str,
    *,
    location: str | None = None,
    next_action: str = "",
    causes: tuple[str, ...] = (),
    evidence: str = "",
    fix: str | None = None,
    fix_value: str | None = None,
    extra: dict[str, object] | None = None,
) -> Finding:
    return Finding(code=code, severity=severity, title=title, causes=causes,
                   next_action=next_action, source="lint", evidence=evidence,
                   location=location, fix=fix, fix_value=fix_value, extra=extra or {})


def excerpt(value: Any, limit: int = 80) -> str:
    """A short display form of a body value for ``evidence``."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"

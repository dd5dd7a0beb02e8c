"""What the redactor would still remove from a text: the re-scan behind ``bundle inspect``.

There is one set of rules. Rather than a second list of secret patterns that
drifts from the redactor's, the scanner runs the redactor itself (no known
secrets, phones kept: a support engineer inspecting someone else's bundle
knows neither) and reports every marker it added, at the place and with the
kind it would have been written. A bundle the writer produced scans clean by
construction (redaction is idempotent); anything edited in, or written by an
older version, is flagged exactly when today's writer would have removed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from desktop.core.redact import hits as h
from desktop.core.redact.jsonbody import MAX_DEPTH, _is_header_object, child_kind
from desktop.core.redact.names import PHONE, secret_kind
from desktop.core.redact.redactor import Redactor
from desktop.core.redact.rules import MARKER_PREFIX, URL_MARKER_RE

Found = tuple[int, str, str]
"""(offset in the scanned text, kind, the value as it stands there)."""

_MARKER = re.compile(r"(\[REDACTED:[a-z0-9_]+\]|%5BREDACTED(?::|%3A)[a-z0-9_]+%5D)",
                     re.IGNORECASE)
_MARKER_KIND = re.compile(r"(?:\[|%5B)REDACTED(?::|%3A)([a-z0-9_]+)", re.IGNORECASE)
_QUERY_NAME = re.compile(r"[?&#;]([A-Za-z_][\w.-]{0,63})=$")
_KIND_NAMES = {"basic": "basic_credentials", "bearer": "bearer_token"}
_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_RULES = ~h.PHONES & h.ALL


@cache
def scanner() -> Redactor:
    """The redactor's rules with nothing known and phone numbers left alone."""
    return Redactor(mask_phones=False)


def is_redacted(value: str) -> bool:
    """A marker, a URL marker or a mask (``****d4e5``) is what a bundle is meant to hold."""
    return MARKER_PREFIX in value or URL_MARKER_RE.search(value) is not None or _is_mask(value)


def _is_mask(value: str) -> bool:
    return "****" in value and len(value.replace("*", "")) <= 8


def would_redact(text: str) -> list[Found]:
    """Everything the redactor would remove from ``text``, where it is and what kind."""
    base = scanner()
    if not base.hits(text) & _RULES:
        return []
    work = base.spawn()
    out = work.redact_text(text)
    if not work.report:
        return []
    return [(start, _named(text, start, kind), value) for start, kind, value in
            _removed(text, out)]


def _named(text: str, start: int, kind: str) -> str:
    query = _QUERY_NAME.search(text, max(0, start - 66), start)
    if query is not None:
        return f"query_param:{query.group(1)}"
    return _KIND_NAMES.get(kind, kind)


def _removed(original: str, redacted: str) -> Iterator[Found]:
    """Align the redacted text on the original: the text between markers is unchanged, so
    each new marker stands for the original text up to the next unchanged piece."""
    parts = _MARKER.split(redacted)  # literal, marker, literal, ..., literal
    pos = 0
    index = 0
    while index < len(parts):
        literal = parts[index]
        if not original.startswith(literal, pos):
            return  # lost the alignment (a value holding the text after it): stop here
        pos += len(literal)
        index += 1
        if index >= len(parts):
            return
        marker = parts[index]
        if original.startswith(marker, pos):  # a marker that was there already
            pos += len(marker)
            index += 1
            continue
        following = index + 1
        while following < len(parts) - 1 and not parts[following]:
            following += 2  # adjacent markers: one region up to the next unchanged text
        end = original.find(parts[following], pos) if parts[following] else len(original)
        if end < 0:
            end = len(original)
        match = _MARKER_KIND.match(marker)
        yield pos, match.group(1).lower() if match else "secret", original[pos:end]
        pos = end
        index = following


def scan_json_document(text: str) -> list[Found]:
    """Secret-named fields, credential headers and text leaves the writer would redact, in a
    JSON file (JSON inside strings too: HAR content, webhook bodies), walked as the writer
    walks it: a number under a secret name is not a secret. Bounded depth. A file that is
    not JSON (or nested too deep to parse) is scanned as text."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return would_redact(text)
    found: list[Found] = []
    stack: list[tuple[Any, str | None, str, int]] = [(document, None, "", 0)]
    while stack:
        node, kind, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue  # the text scan covers what is deeper
        if isinstance(node, str):
            embedded = _embedded(node) if kind is None else None
            if embedded is None:
                _leaf(text, node, kind, key, found)
            else:  # JSON inside a string (HAR content, webhook bodies): walked, not read
                stack.append((embedded, None, "", depth + 1))
        elif isinstance(node, dict):
            if kind is None and _is_header_object(node):
                _header(text, node["name"], node["value"], found)
            for child_key, child in node.items():
                if kind is None and child_key == "value" and _is_header_object(node):
                    continue
                stack.append((child, child_kind(child_key, kind, child), str(child_key),
                              depth + 1))
        elif isinstance(node, list):
            pairs = kind is None and node and all(_is_pair(item) for item in node)
            for item in node:
                if pairs:
                    _header(text, item[0], item[1], found)
                else:
                    stack.append((item, kind, key, depth + 1))
    return found


def _embedded(value: str) -> Any:
    """The JSON document a string holds, or None."""
    if value[:1] not in ("{", "[") or len(value) >= 10_000_000:
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def _leaf(text: str, value: str, kind: str | None, key: str, found: list[Found]) -> None:
    if kind is not None and kind != PHONE:
        if value and not is_redacted(value):
            found.append((_position(text, value), f"field:{key}", value))
        return
    for _, leaf_kind, removed in would_redact(value):
        found.append((_position(text, removed or value), leaf_kind, removed))


def _header(text: str, name: str, value: str, found: list[Found]) -> None:
    """A credential header's value must be a marker; any other is scanned as text."""
    if (name.lower() in _SENSITIVE_HEADERS or secret_kind(name)) and value \
            and not is_redacted(value):
        found.append((_position(text, value), f"header:{name}", value))
    _leaf(text, value, None, name, found)  # and what the value shows (Basic id:secret...)


def _is_pair(item: Any) -> bool:
    return (isinstance(item, list) and len(item) == 2
            and isinstance(item[0], str) and isinstance(item[1], str))


def _position(text: str, value: str) -> int:
    """Where a JSON value sits in the file: escaped once, or twice when JSON is in a string."""
    once = json.dumps(value)[1:-1]
    for form in (once, json.dumps(once)[1:-1], value):
        index = text.find(form)
        if index >= 0:
            return index
    return 0

"""JSON: redacting parsed values by field name, and raw JSON text in place or rebuilt.

A JSON body whose text shows no secret-looking name or shape is redacted in
place (known values, phones), so it comes back byte for byte when nothing
matched. Otherwise it is parsed, every leaf is redacted by its field name (or
scrubbed as text), and, only if something changed, it is written back in its
own layout.

Depth is bounded: JSON nested deeper than ``MAX_DEPTH`` (``[[[[…`` a hundred
thousand deep, from a hostile server) is not parsed or walked, it is redacted
as opaque text, which still removes known secrets, secret-named
``"name": "value"`` pairs and secret shapes. A Python value handed to
``redact_json`` deeper than that becomes its redacted JSON text. Neither
raises RecursionError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from desktop.core.redact import hits as h
from desktop.core.redact import rules
from desktop.core.redact.names import PHONE, field_kind, is_weak_name
from desktop.core.redact.phones import looks_like_phone, mask_phone
from desktop.core.redact.structure import dump_like

if TYPE_CHECKING:
    from desktop.core.redact.redactor import Redactor

MAX_DEPTH = 128
"""Containers nested deeper than this are opaque text (real API payloads stay under 32; the
limit keeps the walk, json.dumps and orjson (255) well inside Python's recursion limit)."""

_JSON_KEY = re.compile(r'"([^"\\]{1,80})"\s*:')
_NON_PLUS_PHONE_VALUE = re.compile(r'"\d[\d ().-]{5,18}\d"')
"""A JSON string of digits without '+': maybe a national phone number."""


class TooDeepError(Exception):
    """Raised inside the walk when a value is nested deeper than MAX_DEPTH."""


def redact_json(redactor: Redactor, obj: Any) -> Any:
    """A redacted copy of a JSON-able value; subtrees deeper than MAX_DEPTH become text."""
    return _walk(redactor, obj, None, 0, opaque=True)


def redact_json_text(redactor: Redactor, text: str, hits: int) -> str:
    """Raw JSON: in place when no field name or shape calls for parsing, rebuilt otherwise;
    too deep or not JSON after all: redacted as text."""
    if not _needs_structure(redactor, text, hits):
        return redactor._scrub(text, hits, json_raw=True)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return redactor._scrub(text, hits)
    before = redactor.report.total
    try:
        walked = _walk(redactor, parsed, None, 0, opaque=False)
    except TooDeepError:
        return redactor._scrub(text, hits)
    if redactor.report.total == before:
        return text  # a secret-looking name that held nothing secret: keep the bytes
    return dump_like(walked, text)


def _needs_structure(redactor: Redactor, text: str, hits: int) -> bool:
    """Parse when this text (not only the Exchange around it) shows a secret-looking name or
    shape: a secret-named key, or prose, XML or a key inside a string value."""
    if hits & (h.WORDS | h.SHAPES) and redactor.hits_within(text, hits & (h.WORDS | h.SHAPES)):
        return True
    if redactor.mask_phones and _NON_PLUS_PHONE_VALUE.search(text) and any(
            field_kind(key) == PHONE for key in set(_JSON_KEY.findall(text))):
        return True
    # Escapes can hide a known secret ("\/" from PHP) or a name ("\uff50\uff41\uff53\uff53",
    # full-width "pass") from the raw search: the parsed leaves show them.
    return "\\u" in text or (bool(redactor._values) and "\\" in text)


def _walk(redactor: Redactor, obj: Any, kind: str | None, depth: int, *, opaque: bool) -> Any:
    if isinstance(obj, str):
        return _leaf(redactor, obj, kind)
    if not isinstance(obj, dict | list | tuple):
        return obj
    if depth >= MAX_DEPTH:
        if not opaque:
            raise TooDeepError
        return _opaque(redactor, obj)
    depth += 1
    if isinstance(obj, dict):
        if kind is None and _is_header_object(obj):
            out = {key: _walk(redactor, value, child_kind(key, None, value), depth,
                              opaque=opaque)
                   for key, value in obj.items() if key != "value"}
            out["value"] = redactor._header(obj["name"], obj["value"], h.ALL)
            return out
        return {
            (redactor._scrub(key, names=False, phones=False) if isinstance(key, str) else key):
                _walk(redactor, value, child_kind(key, kind, value), depth, opaque=opaque)
            for key, value in obj.items()
        }
    if kind is None and obj and all(_is_header_pair(item) for item in obj):
        items: Iterable[Any] = (type(pair)((pair[0], redactor._header(pair[0], pair[1], h.ALL)))
                                for pair in obj)
    else:
        items = (_walk(redactor, item, kind, depth, opaque=opaque) for item in obj)
    return type(obj)(items) if isinstance(obj, tuple) else list(items)


def _opaque(redactor: Redactor, obj: Any) -> str:
    """A subtree too deep to walk, as redacted JSON text (or a marker if even that fails)."""
    try:
        text = json.dumps(obj, ensure_ascii=False, default=str)
    except (RecursionError, ValueError, TypeError):
        redactor._count("too_deep")
        return rules.marker("too_deep")
    return redactor._scrub(text)


def _leaf(redactor: Redactor, value: str, kind: str | None) -> str:
    if kind is None:
        return redactor._scrub(value)
    if kind == PHONE:
        if redactor.mask_phones and looks_like_phone(value):
            redactor._count("phone")
            return mask_phone(value)
        return redactor._scrub(value)
    if not value or rules.is_redacted(value):
        return value
    redactor._count(kind)
    return rules.auth_value(value) if kind == "authorization" else rules.marker(kind)


def child_kind(key: object, parent: str | None, value: object = None) -> str | None:
    """Under a secret field every leaf is secret; otherwise the key's own name decides. An
    everyday-word name (``ticket``, ``refresh``, ``pass``, ``bearer``) holds a secret only
    as a value: ``"ticket": {"subject": ...}`` is a support ticket, its strings stay."""
    own = field_kind(key) if isinstance(key, str) else None
    if own is not None and isinstance(key, str) and isinstance(value, dict | list | tuple) \
            and is_weak_name(key):
        own = None
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

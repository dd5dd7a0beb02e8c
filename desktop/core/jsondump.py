"""JSON written by orjson, with json for what orjson refuses: every bundle file and the preview.

json's encoders are slow where it matters here: the compact one builds an
encoder per call, and the indenting one is pure Python, building its text
from a list of small strings, hundreds of thousands for a full webhook store
or a large HAR. Those short-lived objects scattered Python's memory arenas
among the long-lived ones (the soak benchmark's RSS stepped up at each bundle
export) and took the preview 140 ms to indent a 2.4 MB HAR. orjson writes the
same JSON value in C. What it refuses (a lone surrogate from a body decoded
with ``surrogateescape``, an integer wider than 64 bits, a non-string key, a
value nested deeper than its 255 levels) goes through json instead, as ASCII
with ``\\u`` escapes: the same value either way. Non-finite floats, which JSON
has no word for, are written as ``null``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)


class TooDeepError(ValueError):
    """The value is nested deeper than either encoder can write."""


def compact(value: Any) -> bytes:
    """``value`` as one line of UTF-8 JSON, no spaces."""
    try:
        return orjson.dumps(value, default=str)
    except (orjson.JSONEncodeError, TypeError):
        return _fallback(_COMPACT.encode, value)


def indented(value: Any) -> bytes:
    """``value`` as UTF-8 JSON indented by two spaces (``json.dumps(indent=2)``'s layout)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2)
    except (orjson.JSONEncodeError, TypeError):
        return _fallback(lambda v: json.dumps(v, indent=2, default=str), value)


def _fallback(encode: Any, value: Any) -> bytes:
    try:
        return encode(value).encode("ascii")
    except RecursionError:
        raise TooDeepError("nested too deeply to write as JSON") from None


_WIDE_INTEGER = re.compile(r"\d{19}")
"""Nineteen digits or more may not fit 64 bits, and orjson reads such an integer as a float
(an ID of 2**64 would be shown rounded); json reads it exactly. A run in a string only
costs the slower parse."""


def parse(text: str) -> tuple[bool, Any]:
    """``(True, value)`` for JSON text, ``(False, None)`` for anything else (too deep too)."""
    if _WIDE_INTEGER.search(text) is None:
        try:
            return True, orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    try:  # what orjson refuses but json reads: a lone surrogate escape, NaN, huge numbers
        return True, json.loads(text)
    except (ValueError, RecursionError):
        return False, None

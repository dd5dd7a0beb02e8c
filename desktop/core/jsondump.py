"""Indented JSON for people to read (bundle files, the bundle preview), written in C.

json's indenting encoder is pure Python: it builds the text from a list of
small strings, hundreds of thousands for a full webhook store or a large HAR,
and those short-lived objects scatter Python's memory arenas among the
long-lived ones; the soak benchmark saw the window's RSS step up at each
bundle export, and the preview took 140 ms to indent a 2.4 MB HAR. orjson
writes the same JSON value; what it refuses (a lone surrogate, an integer
wider than 64 bits, a non-string key) goes through json instead, as ASCII
with ``\\u`` escapes: the same value either way (``har.dump_entry`` does the
same for compact entries). Non-finite floats, which JSON has no word for,
are written as ``null``.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def indented(value: Any) -> bytes:
    """``value`` as UTF-8 JSON indented by two spaces (``json.dumps(indent=2)``'s layout)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, indent=2, default=str).encode("ascii")


def parse(text: str) -> tuple[bool, Any]:
    """``(True, value)`` for JSON text, ``(False, None)`` for anything else."""
    try:
        return True, orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:  # what orjson refuses but json reads: a lone surrogate escape, NaN, huge numbers
        return True, json.loads(text)
    except (ValueError, RecursionError):
        return False, None

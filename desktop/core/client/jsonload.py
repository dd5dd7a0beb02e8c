"""JSON from the wire, with its nesting bounded.

A server can answer ``[[[[…`` a hundred thousand levels deep. ``json.loads``
then raises RecursionError, and a document that just fits (900 levels) makes
every later recursive walk (JMESPath, ``json.dumps``, comparisons) fail
instead, wherever it happens to run. No real API nests more than a few
dozen levels, so a body nested deeper than ``MAX_JSON_DEPTH`` is not read
as JSON at all: it stays text, and the client says so in a finding.

The depth is measured on the bytes before parsing, with C-speed passes only
(string contents removed, brackets kept, a running sum), and only when the
body has more opening brackets than the limit: most bodies skip it.
"""

from __future__ import annotations

import json
from array import array
from itertools import accumulate

MAX_JSON_DEPTH = 256
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(_BRACKETS)))
_STEPS = bytes.maketrans(_BRACKETS, bytes((1, 255, 1, 255)))  # 255 is -1 as a signed byte


class JsonTooDeepError(ValueError):
    """The document is nested deeper than the limit (a ValueError: 'not JSON we read')."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested more than {limit} levels deep")
        self.limit = limit


def too_deep(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests containers more than ``limit`` levels deep."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    if b"\\" in raw:  # escaped backslashes first, then escaped quotes: neither ends a string
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(raw.split(b'"')[::2])
    steps = outside_strings.translate(None, _NOT_BRACKETS).translate(_STEPS)
    return max(accumulate(array("b", steps)), default=0) > limit


def loads_bounded(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> object:
    """``json.loads`` that raises JsonTooDeepError (a ValueError) instead of nesting without end."""
    if too_deep(data, limit):
        raise JsonTooDeepError(limit)
    try:
        return json.loads(data)
    except RecursionError:  # called from deep in a stack: still only "too deep"
        raise JsonTooDeepError(limit) from None

"""bash's ANSI-C quoting, ``$'...'``: the escapes and the bytes they stand for.

Browsers' "Copy as cURL (bash)" writes every value holding a quote, a
control character or a non-ASCII byte this way, so we decode it exactly as
bash 5 does in a UTF-8 locale, checked against bash itself in the tests:
``\\cX`` works on bytes, ``\\u`` and ``\\U`` use bash's own UTF-8 writer
(which also encodes surrogates), and a NUL ends the string.
"""

from __future__ import annotations

import functools
import re

_ANSI_SIMPLE = {
    "a": 0x07,
    "b": 0x08,
    "e": 0x1B,
    "E": 0x1B,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
    "'": 0x27,
    '"': 0x22,
    "?": 0x3F,
}
_HEX = "0123456789abcdefABCDEF"
_OCTAL = "01234567"
ESCAPE = (
    r"\\(?:x\{[0-9A-Fa-f]*\}?|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}"
    r"|[0-7]{1,3}|c(?:\\\\?|.)|.)?"
)
"""One escape, as :func:`ansi_c_escape` reads it (a regular expression)."""
_PIECES = re.compile(ESCAPE + r"|[^\\]+", re.DOTALL)
_UTF8_LIMITS = ((2, 0x800), (3, 0x10000), (4, 0x200000), (5, 0x4000000), (6, 1 << 31))


def encode_text(text: str) -> bytes:
    """Text back to the bytes it was read from (``surrogateescape`` code points included)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate outside the escape range
        return text.encode("utf-8", "surrogatepass")


def decode_ansi_c(content: str) -> bytes:
    """The bytes of a ``$'...'`` string, given what stands between the quotes."""
    out = bytearray()
    for match in _PIECES.finditer(content):
        piece = match.group()
        data = escape_bytes(piece) if piece.startswith("\\") else encode_text(piece)
        if b"\0" in data:  # bash strings end at a NUL: the rest is dropped
            out += data[: data.index(b"\0")]
            break
        out += data
    return bytes(out)


@functools.lru_cache(maxsize=4096)
def escape_bytes(piece: str) -> bytes:
    """The bytes of one whole escape such as ``\\n``, ``\\x41`` or ``\\101``."""
    return ansi_c_escape(piece, 0)[0]


def ansi_c_escape(text: str, pos: int) -> tuple[bytes, int]:
    """Decode the ANSI-C escape at ``text[pos] == '\\'``; return its bytes and the next index."""
    if pos + 1 >= len(text):
        return b"\\", pos + 1
    ch = text[pos + 1]
    if ch in _ANSI_SIMPLE:
        return bytes([_ANSI_SIMPLE[ch]]), pos + 2
    if ch in _OCTAL:
        end = pos + 1
        while end < len(text) and end < pos + 4 and text[end] in _OCTAL:
            end += 1
        return bytes([int(text[pos + 1 : end], 8) & 0xFF]), end
    if ch == "x" and text.startswith("{", pos + 2):  # ksh's \x{HHH}: any number of digits
        end = pos + 3
        while end < len(text) and text[end] in _HEX:
            end += 1
        value = int(text[pos + 3 : end] or "0", 16) & 0xFF
        return bytes([value]), end + 1 if text.startswith("}", end) else end
    if ch in "xuU":
        limit = {"x": 2, "u": 4, "U": 8}[ch]
        end = pos + 2
        while end < len(text) and end < pos + 2 + limit and text[end] in _HEX:
            end += 1
        if end == pos + 2:  # no digits: bash keeps the text as it is
            return encode_text("\\" + ch), pos + 2
        value = int(text[pos + 2 : end], 16)
        if ch == "x":
            return bytes([value]), end
        return _utf8_extended(value), end
    if ch == "c" and pos + 2 < len(text):
        ctl = text[pos + 2]
        if ctl == "\\":
            return b"\x1c", pos + 4 if text.startswith("\\", pos + 3) else pos + 3
        raw = encode_text(ctl)  # bash works on bytes: \cé controls the first byte of é
        lead = 0x7F if ctl == "?" else (raw[0] - 32 if 97 <= raw[0] <= 122 else raw[0]) & 0x1F
        return bytes([lead]) + raw[1:], pos + 3
    return encode_text("\\" + ch), pos + 2


def _utf8_extended(code: int) -> bytes:
    """bash's own UTF-8 writer: like UTF-8, but also for surrogates and > U+10FFFF."""
    if code < 0x80:
        return bytes([code])
    if code >= 1 << 31:
        return b""  # bash writes nothing for values past 0x7fffffff
    length = next(n for n, limit in _UTF8_LIMITS if code < limit)
    tail = []
    for _ in range(length - 1):
        tail.append(0x80 | (code & 0x3F))
        code >>= 6
    lead = (0xFF00 >> length) & 0xFF | code
    return bytes([lead, *reversed(tail)])

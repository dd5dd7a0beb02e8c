"""A decoded view of a text, for finding known secrets the text hides by encoding them.

A secret can be written with HTML entities (``&#x73;&#101;cret``), JSON
escapes (``\\u0073ecret``, ``a\\/b``), or wrapped over lines (base64 at 64 or
76 columns, a JSON string with ``\\n`` in it). ``decode_view`` undoes all of
that in one pass and remembers where each decoded character came from, so a
match in the view is replaced in the original text, whole entities and
escapes included, and nothing else moves.

``unescape`` is the cheap half for the gate (no offset map); ``flatten``
removes line breaks from a needle before its anchor is taken (the gate's
RE2 pattern allows a line break between any two characters of an anchor).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

LINE_BREAK = r"(?:\r|\n|\\r|\\n)+[ \t]*"
"""A line break, real or JSON-escaped, and the indentation after it: what wrapping adds."""
_INDENTED_BREAK = re.compile(r"\n[ \t]*")
_ESCAPE = (
    r"(?P<pair>\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u(?P<u>[0-9a-fA-F]{4})"
    r"|\\(?P<esc>/)"
    r"|&(?:#[xX](?P<hex>[0-9a-fA-F]{1,6})|#(?P<dec>[0-9]{1,7})|(?P<name>[A-Za-z][A-Za-z0-9]{1,31}))"
    r"(?P<semi>;?)"
)
_ESCAPES = re.compile(_ESCAPE)
_TOKEN = re.compile(r"(?P<joint>" + LINE_BREAK + r")|" + _ESCAPE)


def escaped(text: str) -> bool:
    """Whether ``text`` may hold an escape or an entity that can hide a secret (a cheap
    ``in`` test). ``\\"`` and ``\\\\`` are not looked at: a needle's JSON-escaped form
    covers them, and JSON in JSON (a HAR) is full of them."""
    return "\\u" in text or "\\/" in text or "&#" in text or ("&" in text and ";" in text)


def hides(text: str) -> bool:
    """Whether ``text`` has anything ``decode_view`` would undo (a cheap ``in`` test)."""
    return "\n" in text or "\r" in text or "\\n" in text or "\\r" in text or escaped(text)


def unescape(text: str) -> str:
    """``text`` with escapes and entities decoded (line breaks kept), for the gate."""
    return _ESCAPES.sub(lambda m: _decoded(m) or m.group(), text) if escaped(text) else text


def flatten(text: str) -> str:
    """``text`` without line breaks (real or JSON-escaped) and the indentation after them.

    ``str.replace`` where it can: ten times faster than one regex over the text."""
    if "\r" in text:
        text = text.replace("\r", "")
    if "\\" in text:
        text = text.replace("\\r", "").replace("\\n", "\n")
    if "\n" in text:
        if "\n " in text or "\n\t" in text:
            return _INDENTED_BREAK.sub("", text)
        return text.replace("\n", "")
    return text


@dataclass(frozen=True, slots=True)
class View:
    """``text`` decoded; ``span`` maps a span of it back to the original."""

    text: str
    _starts: tuple[int, ...]
    _tokens: tuple[tuple[int, int, int, int], ...]
    """(decoded start, decoded end, original start, original end) of each undone token."""

    def _before(self, position: int) -> tuple[int, int, int, int] | None:
        index = bisect_right(self._starts, position) - 1
        return self._tokens[index] if index >= 0 else None

    def start(self, position: int) -> int:
        token = self._before(position)
        if token is None:
            return position
        _, dec_end, orig_start, orig_end = token
        return orig_start if position < dec_end else orig_end + position - dec_end

    def end(self, position: int) -> int:
        """The original end of a decoded span ending (exclusive) at ``position``."""
        last = position - 1
        token = self._before(last)
        if token is None:
            return position
        _, dec_end, _, orig_end = token
        return orig_end if last < dec_end else orig_end + last - dec_end + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.start(start), self.end(end)


def _decoded(match: re.Match[str]) -> str | None:
    """What a token stands for, or None to keep it as it is (an unknown entity)."""
    if match.groupdict().get("joint") is not None:
        return ""
    if match.group("pair") is not None:
        pair = match.group("pair")
        high, low = int(pair[2:6], 16), int(pair[8:12], 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if match.group("u") is not None:
        return chr(int(match.group("u"), 16))
    if match.group("esc") is not None:
        return match.group("esc")
    code = None
    if match.group("hex") is not None:
        code = int(match.group("hex"), 16)
    elif match.group("dec") is not None:
        code = int(match.group("dec"))
    if code is not None:
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None
    from html.entities import html5  # 2,000 names: not at start-up

    name = match.group("name")
    return html5.get(name + ";") if match.group("semi") else html5.get(name)


def decode_view(text: str) -> View | None:
    """The decoded view of ``text``, or None when there is nothing to decode."""
    pieces: list[str] = []
    starts: list[int] = []
    tokens: list[tuple[int, int, int, int]] = []
    last = 0
    size = 0  # length of the decoded text so far
    for match in _TOKEN.finditer(text):
        new = _decoded(match)
        if new is None:
            continue
        start, end = match.span()
        pieces.append(text[last:start])
        size += start - last
        pieces.append(new)
        starts.append(size)
        tokens.append((size, size + len(new), start, end))
        size += len(new)
        last = end
    if not tokens:
        return None
    pieces.append(text[last:])
    return View("".join(pieces), tuple(starts), tuple(tokens))


_SURROGATE = re.compile("[\ud800-\udfff]")


def re2_text(text: str) -> str:
    """``text`` as RE2 can take it: a lone surrogate (a raw byte of a body that is not
    UTF-8, kept by ``surrogateescape``) becomes U+FFFD, one for one, so offsets hold."""
    return _SURROGATE.sub("\ufffd", text)


def search_set(patterns: Iterable[str], *, case_sensitive: bool = True,
               max_mem: int | None = None) -> Callable[[str], list[int]]:
    """One RE2 pass saying which of ``patterns`` occur in a text (their indexes): the
    redactor's gates are all built here. Raises ``re2.error`` when RE2 cannot compile them
    (within ``max_mem``, if given). RE2 is imported on first use: start-up never needs it."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.case_sensitive = case_sensitive
    if max_mem is not None:
        options.max_mem = max_mem
    gates = re2.Set.SearchSet(options)
    for pattern in patterns:
        gates.Add(pattern)
    gates.Compile()
    return set_matcher(gates)


def set_matcher(gates: Any) -> Callable[[str], list[int]]:
    """``gates.Match`` (an RE2 set) without the wrapper's two Python calls per text: a
    microsecond that counts when every JSON leaf is gated. Lone surrogates raise
    UnicodeEncodeError, as the wrapper does (callers retry with ``re2_text``)."""
    raw = getattr(gates, "_set", None)
    if raw is None:  # another google-re2 layout: the public method
        return lambda text: gates.Match(text) or []
    return lambda text: raw.Match(text.encode("utf-8")) or []

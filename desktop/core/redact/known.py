"""Known secret values and every form in which they travel.

A client secret is rarely seen as itself: it goes out URL-encoded in a form
body, base64-encoded inside ``Authorization: Basic base64(id:secret)``
(form-urlencoded first, per RFC 6749's client_secret_basic), JSON-escaped
in a log line. This module turns each value into the literal strings
("needles") that cover those forms, and finds them fast.

Base64 of a value embedded in a longer blob does not contain base64(value):
the encoding depends on the byte offset modulo 3. For each of the three
offsets we keep the run of base64 characters that depends on the value
alone, so the value is found inside ``base64(id + ":" + secret)`` whatever
the id. A base64 match is widened to the whole base64 run around it, so no
stray fragment of the credential is left behind.

Speed: each needle has an *anchor*, its longest alphanumeric run (shared by
the standard, urlsafe, escaped and encoded variants), and a text is only
searched with the combined regex when one anchor occurs in it. ``in`` on a
str is a fast C scan; a regex alternation of many literals is not.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote, quote_plus

MIN_SECRET_LENGTH = 8
"""Shorter values are not searched as text: they would match ordinary words.
They are still redacted wherever a field or header name says they are secret."""

_URLSAFE = str.maketrans("+/", "-_")
_HEX_ESCAPE = re.compile(r"%[0-9A-F]{2}")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_B64_RUN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-_")
"""Characters a base64 match is widened over ('/' excluded so a path is never swallowed)."""
_MIN_ANCHOR = 6


def aligned_base64(data: bytes) -> list[str]:
    """The base64 characters determined by ``data`` alone, at byte offsets 0, 1 and 2."""
    out = []
    n = len(data)
    for k in range(3):
        encoded = base64.b64encode(b"\0" * k + data).decode("ascii")
        start = -(-8 * k // 6)
        end = (8 * k + 8 * n) // 6
        out.append(encoded[start:end])
    return out


def text_forms(value: str) -> set[str]:
    """Exact, URL-encoded (quote and quote_plus, upper and lower hex) and JSON-escaped forms."""
    forms = {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        quote_plus(value, safe=":"),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    forms |= {_HEX_ESCAPE.sub(lambda m: m.group().lower(), form) for form in forms}
    return forms


def base64_forms(value: str) -> set[str]:
    """Base64 (standard and urlsafe) of the value and of its form-urlencoded form, any offset."""
    forms: set[str] = set()
    for source in {value, quote_plus(value), quote(value, safe="")}:
        for chunk in aligned_base64(source.encode("utf-8")):
            forms.add(chunk)
            forms.add(chunk.translate(_URLSAFE))
    return forms


def _anchor(needle: str) -> str:
    runs = _ALNUM_RUN.findall(needle)
    best = max(runs, key=len, default="")
    return best if len(best) >= _MIN_ANCHOR else needle


class KnownSecrets:
    """The needles of a set of secret values, with a fast presence test and replacement."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        """``secrets`` maps value → kind; values shorter than MIN_SECRET_LENGTH are ignored."""
        needles: dict[str, tuple[str, bool]] = {}
        for value, kind in secrets.items():
            if len(value) < MIN_SECRET_LENGTH:
                continue
            for form in sorted(text_forms(value)):
                needles.setdefault(form, (kind, False))
            for form in sorted(base64_forms(value)):
                if len(form) >= MIN_SECRET_LENGTH:
                    needles.setdefault(form, (kind, True))
        self._needles = needles
        ordered = sorted(needles, key=len, reverse=True)
        self._anchors = tuple(dict.fromkeys(_anchor(n) for n in ordered))
        self._anchors_b = tuple(a.encode("utf-8") for a in self._anchors)
        pattern = "|".join(re.escape(n) for n in ordered)
        self._regex = re.compile(pattern) if ordered else None
        self._regex_b = re.compile(pattern.encode("utf-8")) if ordered else None
        self._kinds_b = {n.encode("utf-8"): kind for n, (kind, _) in needles.items()}

    def __bool__(self) -> bool:
        return self._regex is not None

    @property
    def anchors(self) -> tuple[str, ...]:
        return self._anchors

    @property
    def max_length(self) -> int:
        """Length in bytes of the longest needle (the overlap when scanning in slices)."""
        return max(self._kinds_b, key=len, default=b"").__len__()

    def present(self, text: str) -> bool:
        """Cheap test: False means no needle occurs in ``text``."""
        return any(anchor in text for anchor in self._anchors)

    def find(self, data: str | bytes) -> str | None:
        """The kind of the first known secret found in ``data`` (in any form), or None."""
        if self._regex is None or self._regex_b is None:
            return None
        if isinstance(data, bytes):
            if not any(anchor in data for anchor in self._anchors_b):
                return None
            match_b = self._regex_b.search(data)
            return self._kinds_b[match_b.group()] if match_b else None
        if not self.present(data):
            return None
        match = self._regex.search(data)
        return self._needles[match.group()][0] if match else None

    def replace(self, text: str, marker: Callable[[str], str],
                counted: Callable[..., None]) -> str:
        """Replace every needle (base64 ones widened to their run) with ``marker(kind)``."""
        if self._regex is None or not self.present(text):
            return text
        spans: list[tuple[int, int, str]] = []
        size = len(text)
        for match in self._regex.finditer(text):
            kind, is_base64 = self._needles[match.group()]
            start, end = match.span()
            if is_base64:
                while start > 0 and text[start - 1] in _B64_RUN:
                    start -= 1
                while end < size and text[end] in _B64_RUN:
                    end += 1
                pad = 0
                while end < size and text[end] == "=" and pad < 2:
                    end += 1
                    pad += 1
            while spans and start < spans[-1][1]:  # widened over an earlier match: merge
                prev_start, prev_end, kind = spans.pop()
                start, end = min(start, prev_start), max(end, prev_end)
            spans.append((start, end, kind))
        if not spans:
            return text
        out = []
        last = 0
        for start, end, kind in spans:
            out.append(text[last:start])
            out.append(marker(kind))
            counted(kind)
            last = end
        out.append(text[last:])
        return "".join(out)

    def replace_bytes(
        self, data: bytes, marker: Callable[[str], bytes], counted: Callable[..., None]
    ) -> bytes:
        """Replace needles in opaque bytes (no widening: the bytes have no known structure)."""
        if self._regex_b is None or not any(anchor in data for anchor in self._anchors_b):
            return data

        def sub(match: re.Match[bytes]) -> bytes:
            kind = self._kinds_b[match.group()]
            counted(kind)
            return marker(kind)

        return self._regex_b.sub(sub, data)

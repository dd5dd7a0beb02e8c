"""Known secret values and every form in which they travel.

A client secret is rarely seen as itself: it goes out URL-encoded in a form
body, base64-encoded inside ``Authorization: Basic base64(id:secret)``
(form-urlencoded first, per RFC 6749's client_secret_basic), JSON-escaped
in a log line, hex-encoded in a debug dump, upper-cased by a server that
echoes it, wrapped at 64 or 76 columns, written with HTML entities or
``\\uXXXX`` escapes, in NFC or NFD, with the whitespace it was pasted with.
This module turns each value into the literal strings ("needles") that
cover those forms, finds them fast and case-insensitively, and finds them
through the decoded view of ``views`` (entities, escapes, line breaks).

Base64 of a value embedded in a longer blob does not contain base64(value):
the encoding depends on the byte offset modulo 3. For each of the three
offsets we keep the run of base64 characters that depends on the value
alone, so the value is found inside ``base64(id + ":" + secret)`` whatever
the id. A base64 match is widened to the whole base64 run around it, so no
stray fragment of the credential is left behind.

Speed: each needle has an *anchor*, sixteen of its characters from the
start of its longest alphanumeric run, lowercased (often shared by the
standard, urlsafe, escaped and encoded variants), and a segment's combined
(backtracking) regex only searches a text in which one of its anchors occurs.
``known_gate`` finds the anchors, for every segment at once.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import AnyStr
from urllib.parse import quote, quote_plus

from desktop.core.redact.views import (
    View,
    decode_view,
    flatten,
    hides,
)

MIN_SECRET_LENGTH = 8
"""Shorter values are not searched as text: they would match ordinary words.
They are still redacted wherever a field or header name says they are secret."""

_URLSAFE = str.maketrans("+/", "-_")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")
_B64_RUN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-_")
"""Characters a base64 match is widened over ('/' excluded so a path is never swallowed)."""
_MIN_ANCHOR = 6
_MAX_ANCHOR = 16
"""An anchor is cut to this many characters: a needle still holds it whole, sixteen
characters still occur in ordinary text about never, and the gate's automaton (one RE2
state per character, cached for the session: ``known_gate``) is a third of the size."""
_SPLIT_SLACK = 256
"""Room for the line breaks a wrapped needle may hold (the safety scan's slice overlap)."""


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


def sources(value: str) -> set[str]:
    """The value as given, trimmed, and in NFC and NFD (what a server may send back)."""
    out = set()
    for candidate in (value, value.strip()):
        out |= {candidate, unicodedata.normalize("NFC", candidate),
                unicodedata.normalize("NFD", candidate)}
    return {s for s in out if len(s) >= MIN_SECRET_LENGTH}


def text_forms(value: str) -> set[str]:
    """Exact, URL-encoded (quote and quote_plus), JSON-escaped and hex forms."""
    return {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        quote_plus(value, safe=":"),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        value.encode("utf-8").hex(),
    }


def base64_forms(value: str) -> set[str]:
    """Base64 (standard and urlsafe) of the value and of its form-urlencoded form, any offset."""
    forms: set[str] = set()
    for source in {value, quote_plus(value), quote(value, safe="")}:
        for chunk in aligned_base64(source.encode("utf-8")):
            forms.add(chunk)
            forms.add(chunk.translate(_URLSAFE))
    return forms


def _anchor(needle: str) -> str:
    """Sixteen characters of the needle from the start of its longest alphanumeric run,
    lowercased, line breaks removed (the gate allows them anywhere).

    A run shorter than that is widened with the needle's characters around it: a word is
    common ("sandbox" of ``sandbox-secret`` is in every Sandbox profile's HAR entry, and
    each such hit sent the whole text through the backtracking search, at 2 MB/s), while
    a word with the punctuation and words that follow it in a secret hardly ever occurs.
    """
    flat = flatten(needle.lower())
    best = max(_ALNUM_RUN.finditer(flat), key=lambda run: len(run.group()), default=None)
    if best is None or len(best.group()) < _MIN_ANCHOR:
        return flat[:_MAX_ANCHOR]
    start = max(0, min(best.start(), len(flat) - _MAX_ANCHOR))
    return flat[start:start + _MAX_ANCHOR]


def _uncached(pattern: AnyStr, flags: int) -> re.Pattern[AnyStr]:
    """``re.compile`` without ``re``'s module cache. That cache keeps the last 512 patterns
    alive: each segment's is a few hundred needles long, and a session that learns a
    token a run filled it with hundreds of dead segments (tens of MiB in the soak).
    The segment itself is cached, by ``_segment``, for as long as it is useful."""
    from re import _compiler  # the stdlib's own compiler, as re.compile calls it

    return _compiler.compile(pattern, flags)


class Segment:
    """The needles of a few secret values and their matches (``known_gate`` says when to look)."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        """``secrets`` maps value → kind; values shorter than MIN_SECRET_LENGTH are ignored."""
        self._secrets = dict(secrets)
        needles: dict[str, tuple[str, bool]] = {}
        for value, kind in secrets.items():
            for source in sorted(sources(value)):
                for form in sorted(text_forms(source)):
                    needles.setdefault(form.lower(), (kind, False))
                for form in sorted(base64_forms(source)):
                    if len(form) >= MIN_SECRET_LENGTH:
                        needles.setdefault(form.lower(), (kind, True))
        self._needles = needles
        ordered = sorted(needles, key=len, reverse=True)
        self._anchors = tuple(dict.fromkeys(_anchor(n) for n in ordered))
        self._pattern = "|".join(re.escape(n) for n in ordered)
        self._longest = max((len(n.encode("utf-8")) for n in ordered), default=0)

    def __bool__(self) -> bool:
        return bool(self._needles)

    # Compiled when first needed, not when the secret is learnt: about 2.5 ms a value, and
    # the newest segment was compiled again at every token (in the checklist's own time).
    # Most segments are never searched: the gate finds none of their anchors.
    @functools.cached_property
    def _regex(self) -> re.Pattern[str] | None:
        return _uncached(self._pattern, re.IGNORECASE) if self._pattern else None

    @functools.cached_property
    def _regex_b(self) -> re.Pattern[bytes] | None:
        return _uncached(self._pattern.encode("utf-8"), re.IGNORECASE) if self._pattern else None

    @property
    def anchors(self) -> tuple[str, ...]:
        return self._anchors

    @property
    def max_length(self) -> int:
        """Bytes a match may span, line breaks included (the overlap when scanning slices)."""
        return self._longest * 2 + _SPLIT_SLACK if self._longest else 0

    def _kind(self, found: str) -> tuple[str, bool]:
        return self._needles.get(found.lower(), ("secret", False))

    def find(self, text: str) -> str | None:
        """The kind of the first of its secrets found in ``text`` (in any form), or None.

        Searches whatever it is given: ``known_gate`` says which segments are worth it."""
        if self._regex is None:
            return None
        match = self._regex.search(text)
        if match is not None:
            return self._kind(match.group())[0]
        view = decode_view(text) if hides(text) else None
        if view is not None:
            match = self._regex.search(view.text)
            if match is not None:
                return self._kind(match.group())[0]
        return None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        assert self._regex is not None
        spans: list[tuple[int, int, str]] = []
        size = len(text)
        for match in self._regex.finditer(text):
            kind, is_base64 = self._kind(match.group())
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
            spans.append((start, end, kind))
        return merge_spans(spans)

    def spans_bytes(self, data: bytes) -> list[tuple[int, int, str]]:
        """Needles in opaque bytes (no widening: the bytes have no known structure)."""
        if self._regex_b is None:
            return []
        return [(*match.span(), self._kind(match.group().decode("utf-8", "replace"))[0])
                for match in self._regex_b.finditer(data)]


def merge_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sorted spans with overlapping ones merged (a widened match may cover the next)."""
    out: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if out and start < out[-1][1]:
            prev_start, prev_end, prev_kind = out.pop()
            start, end, kind = prev_start, max(end, prev_end), prev_kind
        out.append((start, end, kind))
    return out


def replace_spans(text: AnyStr, spans: list[tuple[int, int, str]],
             marker: Callable[[str], AnyStr], counted: Callable[..., None]) -> AnyStr:
    """``text`` (str, or opaque bytes) with each span replaced by ``marker(kind)``."""
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
    return text[:0].join(out)


__all__ = ["MIN_SECRET_LENGTH", "View", "aligned_base64", "base64_forms",
           "sources", "text_forms"]

"""Phone numbers, masked to their country code and last four digits.

``+14155550123`` becomes ``+1******0123`` and ``+1 (415) 555-0123``
becomes ``+1 (***) ***-0123``: the shape is kept (length, separators,
country code), which is what a lint finding about E.164 formatting talks
about, while the subscriber cannot be identified. The mask is ASCII so it
survives every charset, URL and JSON encoder unchanged.

In free text only international numbers (with ``+``) are recognised:
without a region a national number cannot be told from an order id or a
timestamp. Numbers without ``+`` are masked where a field name says they
are phone numbers (``to``, ``phoneNumber``, ``msisdn``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

MASK = "*"

E164 = re.compile(r"\+\d{8,15}")
CANDIDATE = re.compile(r"\+\d[\d ().-]{6,22}\d(?![\w])")
"""An international number in text, E.164 or formatted; starts with a literal for speed."""
_E164_TEXT = re.compile(r"(\+(?<![A-Za-z0-9+/_=-]\+)\d{8,15})(?![\w+])")
"""An E.164 number not glued to a word or base64 run; the group makes ``split`` keep it."""
_E164_JSON = re.compile(r"(\+(?<![A-Za-z0-9+/_=-]\+)\d{8,15})(?![\w+])(?!\"\s*:)")
"""The same in raw JSON, except object keys."""
_PHONE_VALUE = re.compile(r"\+?[\d ().-]{7,24}")
_DIGIT = re.compile(r"\d")
_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=")
"""A '+' preceded by one of these is inside a word or base64, not the start of a number."""


@cache
def _country_codes() -> frozenset[str]:
    import phonenumbers

    return frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _country_code_length(digits: str) -> int:
    codes = _country_codes()
    for size in (1, 2, 3):
        if digits[:size] in codes:
            return size
    return 0


@lru_cache(maxsize=65536)
def _mask_e164(number: str) -> str:
    digits = number[1:]
    head = _country_code_length(digits)
    return "+" + digits[:head] + MASK * (len(digits) - head - 4) + digits[-4:]


def mask_phone(text: str) -> str:
    """Mask every digit but the country code (after '+') and the last four; keep the rest."""
    if E164.fullmatch(text):
        return _mask_e164(text)
    digits = _DIGIT.findall(text)
    keep_head = _country_code_length("".join(digits)) if text.lstrip().startswith("+") else 0
    masked_until = len(digits) - 4
    out = []
    index = 0
    for char in text:
        if char.isdigit():
            out.append(char if index < keep_head or index >= masked_until else MASK)
            index += 1
        else:
            out.append(char)
    return "".join(out)


def looks_like_phone(value: str) -> bool:
    """A field value that is a phone number: 7 to 15 digits, separators, optional '+'."""
    if not _PHONE_VALUE.fullmatch(value):
        return False
    count = len(_DIGIT.findall(value))
    return 7 <= count <= 15


@lru_cache(maxsize=4096)
def _matcher_spans(candidate: str) -> tuple[tuple[int, int], ...]:
    """Where libphonenumber finds numbers in a candidate (slow: ~0.2 ms, so remembered)."""
    import phonenumbers

    try:
        matches = phonenumbers.PhoneNumberMatcher(candidate, None)
        return tuple((match.start, match.end) for match in matches)
    except Exception:  # the matcher is a heuristic; a failure must not stop redaction
        return ()


def mask_phones_in_text(text: str, counted: Callable[..., None], *, json_raw: bool = False) -> str:
    """Mask international numbers in free text (or in raw JSON text, skipping object keys).

    E.164 numbers, by far the most common, are found with ``re.split`` and masked in a
    list comprehension (no Python callback per match); formatted numbers go through
    libphonenumber's matcher.
    """
    if "+" not in text:
        return text
    parts = (_E164_JSON if json_raw else _E164_TEXT).split(text)
    hits = len(parts) // 2
    if hits:
        parts[1::2] = [_mask_e164(number) for number in parts[1::2]]
        text = "".join(parts)
    if "+" in text and CANDIDATE.search(text):
        text, formatted = _mask_formatted(text, json_raw)
        hits += formatted
    if hits:
        counted("phone", hits)
    return text


def _mask_formatted(text: str, json_raw: bool) -> tuple[str, int]:
    hits = 0

    def sub(match: re.Match[str]) -> str:
        nonlocal hits
        start, end = match.span()
        candidate = match.group()
        if start and text[start - 1] in _BEFORE:
            return candidate
        if json_raw and text.startswith('"', end) and _is_key(text, end + 1):
            return candidate
        if not 8 <= len(_DIGIT.findall(candidate)) <= 15:
            return candidate
        pieces = []
        last = 0
        for span_start, span_end in _matcher_spans(candidate):
            pieces.append(candidate[last:span_start])
            pieces.append(mask_phone(candidate[span_start:span_end]))
            hits += 1
            last = span_end
        pieces.append(candidate[last:])
        return "".join(pieces)

    return CANDIDATE.sub(sub, text), hits


def _is_key(text: str, pos: int) -> bool:
    """Whether the JSON string that closed just before ``pos`` is an object key."""
    size = len(text)
    while pos < size and text[pos] in " \t\r\n":
        pos += 1
    return pos < size and text[pos] == ":"

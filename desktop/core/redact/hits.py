"""Which redaction rules could fire on a text, found with a handful of ``in`` tests.

The bundle pushes tens of megabytes through the redactor and most of it
holds nothing to redact. The hits are computed once per Exchange (over its
URL, plain header values and bodies together) and each rule whose bit is
clear is skipped for every part; a rule whose bit is set still checks the
part it is given, so testing a larger text only costs time, never misses.

Hits are a plain ``int`` bit set: they are computed for every header value,
so they must cost nothing to build.
"""

from __future__ import annotations

import re

from desktop.core.redact.known import KnownSecrets
from desktop.core.redact.names import TRIGGER_WORDS

KNOWN = 1
"""One of the profile's secrets (in some form) may be present."""
WORDS = 2
"""A secret-like name (client_secret, api_key, password...) may be present."""
JWT = 4
WEBHOOK_SECRET = 8
BEARER = 16
BASIC = 32
PHONES = 64
PATTERNS = 128
ALL = 255
NONE = 0
_LOWERED = WORDS | BEARER | BASIC


def find_hits(
    text: str,
    known: KnownSecrets,
    patterns: tuple[tuple[str, re.Pattern[str]], ...],
    *,
    phones: bool,
    within: int = ALL,
) -> int:
    """``within``: the hits of a text containing this one; its clear bits stay clear."""
    found = NONE
    if within & _LOWERED:
        lowered = text.lower()
        if within & WORDS and any(word in lowered for word in TRIGGER_WORDS):
            found |= WORDS
        if within & BEARER and "bearer" in lowered:
            found |= BEARER
        if within & BASIC and "basic" in lowered:
            found |= BASIC
    if within & KNOWN and known and known.present(text):
        found |= KNOWN
    if within & JWT and "eyJ" in text:
        found |= JWT
    if within & WEBHOOK_SECRET and "whsec_" in text:
        found |= WEBHOOK_SECRET
    if phones and within & PHONES and "+" in text:
        found |= PHONES
    if within & PATTERNS and any(pattern.search(text) is not None for _, pattern in patterns):
        found |= PATTERNS
    return found

"""Which redaction rules could fire on a text, found in one linear pass before any rule runs.

The bundle pushes tens of megabytes through the redactor and most of it
holds nothing to redact. The hits are computed once per Exchange (over its
URL, plain header values and bodies together) and each rule whose bit is
clear is skipped for every part; a rule whose bit is set still checks the
part it is given, so testing a larger text only costs time, never misses.

Hits are a plain ``int`` bit set, computed for every header value, so they
must cost nothing to build. They were a dozen ``in`` scans; with the
coverage of issue 17 (eighteen trigger words, thirty key formats, URL
passwords, ``curl -u``, key files) that became sixty scans, so the literal
gates are now one RE2 *set*: a DFA that reports which of them occur in a
single pass (11 µs for a 5 KB body, where the eighteen trigger words alone
took 50 µs as ``in`` scans). The gates are the same literals as before
(``TRIGGER_WORDS``, ``bearer``, ``basic``, ``eyJ``, ``whsec_``, ``+``) plus
the shapes' prefixes (``formats.gate_source``). Known secrets have their own
gate (``KnownSecrets.present``) and provider patterns are searched as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from desktop.core.redact.formats import gate_source
from desktop.core.redact.known_set import KnownSecrets
from desktop.core.redact.names import TRIGGER_WORDS, fold
from desktop.core.redact.rules import search_patterns
from desktop.core.redact.views import re2_text, search_set

if TYPE_CHECKING:
    from desktop.core.userregex import UserRegex

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
SHAPES = 256
"""A key format (``sk_live_``, ``AKIA``...), an unprefixed JWT, a URL password, ``curl -u``
or a private key may be present."""
ALL = 511
NONE = 0

_GATES: tuple[tuple[int, str], ...] = (
    (WORDS, "(?i:" + "|".join(TRIGGER_WORDS) + ")"),
    (BEARER, "(?i:bearer)"),
    (BASIC, "(?i:basic)"),
    (JWT, "eyJ"),
    (WEBHOOK_SECRET, "whsec_"),
    (PHONES, r"\+"),
    (SHAPES, gate_source()),
)
_GATED = WORDS | BEARER | BASIC | JWT | WEBHOOK_SECRET | PHONES | SHAPES


@cache
def _gate() -> Callable[[str], list[int]]:
    """The RE2 set of every literal gate (imported and compiled on first use: < 1 ms)."""
    return search_set(pattern for _, pattern in _GATES)


_BITS = tuple(bit for bit, _ in _GATES)


def find_hits(
    text: str,
    known: KnownSecrets,
    patterns: tuple[tuple[str, UserRegex], ...],
    *,
    phones: bool,
    within: int = ALL,
) -> int:
    """``within``: the hits of a text containing this one; its clear bits stay clear."""
    found = NONE
    if within & _GATED and text:
        try:
            matched = _gate()(text)
        except UnicodeEncodeError:  # lone surrogates from a body that is not UTF-8
            matched = _gate()(re2_text(text))
        for index in matched:
            found |= _BITS[index]
        if within & WORDS and not found & WORDS and not text.isascii():
            # Look-alike letters (full width, Cyrillic) only matter in names: fold them.
            folded = fold(text)
            if any(word in folded for word in TRIGGER_WORDS):
                found |= WORDS
        if not phones:
            found &= ~PHONES
        found &= within
    if within & KNOWN and known and known.present(text):
        found |= KNOWN
    if within & PATTERNS and patterns and search_patterns(patterns, text):
        found |= PATTERNS
    return found

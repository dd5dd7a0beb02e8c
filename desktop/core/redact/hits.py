"""Which redaction rules could fire on a text, found with a handful of ``in`` tests.

The bundle pushes tens of megabytes through the redactor and most of it
holds nothing to redact. ``Hits`` is computed once per Exchange (over its
URL, plain header values and bodies together) and each rule whose flag is
False is skipped for every part; a rule whose flag is True still checks
the part it is given, so a superset text only costs time, never misses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.redact.known import KnownSecrets
from desktop.core.redact.names import TRIGGER_WORDS


@dataclass(frozen=True, slots=True)
class Hits:
    known: bool = True
    words: bool = True
    jwt: bool = True
    webhook_secret: bool = True
    bearer: bool = True
    basic: bool = True
    phones: bool = True
    patterns: bool = True

    @property
    def any(self) -> bool:
        return (self.known or self.words or self.jwt or self.webhook_secret or self.bearer
                or self.basic or self.phones or self.patterns)


ALL = Hits()
"""Every rule may fire: what callers without a precomputed ``Hits`` use."""


def find_hits(
    text: str,
    known: KnownSecrets,
    patterns: tuple[tuple[str, re.Pattern[str]], ...],
    *,
    phones: bool,
) -> Hits:
    lowered = text.lower()
    return Hits(
        known=bool(known) and known.present(text),
        words=any(word in lowered for word in TRIGGER_WORDS),
        jwt="eyJ" in text,
        webhook_secret="whsec_" in text,
        bearer="bearer" in lowered,
        basic="basic" in lowered,
        phones=phones and "+" in text,
        patterns=any(pattern.search(text) is not None for _, pattern in patterns),
    )

"""A thin, never-raising wrapper around ``http_sfv`` (RFC 9651 Structured Fields).

``http_sfv`` does the parsing; this module only adds what a diagnostic tool
needs around it: field lines combined as RFC 9651 section 4.2 says, a result
object instead of exceptions, and the test-suite JSON form for comparison.

Known deviations of http-sfv 0.9.9 from the structured-field-tests suite
(kept visible in tests/core/test_ratelimit_sfv.py, not patched here):

- Byte Sequences with ``=`` at the start or in the middle are accepted
  (the library uses a lenient base64 decoder).
- ``1.`` (a Decimal with no fractional digits) is accepted.
- ``@-62135596800`` (0001-01-01) is rejected: the library makes Dates with
  ``datetime.fromtimestamp``, which cannot represent year 1.

None of these touch the RateLimit fields (Strings and Integers only).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import http_sfv

FieldType = Literal["item", "list", "dictionary"]
Structure = http_sfv.Item | http_sfv.List | http_sfv.Dictionary


@dataclass(frozen=True, slots=True)
class SfParse:
    """The parsed field, or why it could not be parsed."""

    raw: str
    value: Structure | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def combine(lines: str | Sequence[str]) -> str:
    """Several field lines of the same name form one value joined by ``", "``."""
    return lines if isinstance(lines, str) else ", ".join(lines)


def parse_field(lines: str | Sequence[str], field_type: FieldType) -> SfParse:
    """Parse a List, Dictionary or Item field; bad input gives ``error``, never an exception."""
    raw = combine(lines)
    try:
        data = raw.encode("ascii")
    except UnicodeEncodeError:
        # RFC 9651 4.2 step 1: input that is not ASCII fails parsing.
        return SfParse(raw, error="not ASCII")
    if field_type != "item" and not data.strip(b" "):
        # RFC 9651 4.2.1/4.2.2: an empty List or Dictionary parses to an empty
        # container; http-sfv raises instead ("Empty item").
        empty = http_sfv.List() if field_type == "list" else http_sfv.Dictionary()
        return SfParse(raw, value=empty)
    structure: Structure = http_sfv.structures[field_type]()
    try:
        structure.parse(data)
    except Exception as why:
        # http-sfv signals bad input with ValueError, but Date conversion can
        # also raise OverflowError/OSError; a header must never crash a parser.
        return SfParse(raw, error=str(why) or type(why).__name__)
    return SfParse(raw, value=structure)


def to_json(value: Structure) -> object:
    """The structured-field-tests JSON form (lists, ``__type`` objects for tokens, bytes...)."""
    return json.loads(json.dumps(value.to_json()))

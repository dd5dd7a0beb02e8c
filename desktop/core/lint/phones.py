"""Phone numbers for lint: is it strict E.164, and if not, what did the user mean?

libphonenumber (``phonenumbers``) decides validity and derives the E.164
form; this module only words the answer. A derived form is a suggestion for
the user to accept, never a silent conversion: a national number read with
the wrong region hint would be a different person's phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

DEFAULT_REGION = "US"
"""Region hint for numbers written without a country code, unless the rule gives ``region``."""

STRICT_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
"""E.164 syntax (ITU-T E.164: at most 15 digits, no leading 0 in the country code)."""

_SEPARATORS = re.compile(r"[\s().\-/]")
_MAX_INPUT = 64


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    ok: bool
    problem: str = ""
    """Why it is not E.164, completing "<field> ..." (e.g. "has no leading + and country code")."""
    suggestion: str | None = None
    """A valid E.164 form derived from the value, for the user to confirm."""


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _valid_e164(number: phonenumbers.PhoneNumber | None) -> str | None:
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def derive_e164(value: str, region: str = DEFAULT_REGION) -> str | None:
    """The valid E.164 number ``value`` most likely means, or None.

    Tries the value as written with the region hint (``(415) 555-0123``,
    ``14155550123``, ``+1 415-555-0123``), then digits-only values as an
    international number missing its ``+`` (``447400123456``).
    """
    text = value.strip()
    if not text or len(text) > _MAX_INPUT:
        return None
    found = _valid_e164(_parse(text, region or DEFAULT_REGION))
    if found:
        return found
    digits = _SEPARATORS.sub("", text)
    if digits.isascii() and digits.isdigit():
        return _valid_e164(_parse("+" + digits.lstrip("0"), None))
    return None


def _problem(text: str) -> str:
    if not text.strip():
        return "is empty"
    if text != text.strip():
        return "has spaces around it"
    if any(ch.isalpha() for ch in text):
        return "contains letters"
    digits = re.sub(r"\D", "", text)
    if not digits:
        return "has no digits"
    if not text.startswith("+"):
        return "has no leading + and country code"
    if _SEPARATORS.search(text):
        return "contains spaces or punctuation (E.164 is + and digits only)"
    if len(digits) > 15:
        return f"has {len(digits)} digits (E.164 allows at most 15)"
    if digits.startswith("0"):
        return "has a country code starting with 0"
    return "is not in E.164 form"


def _valid_as_written(e164: str) -> bool:
    """Country code + national number exactly as written is a valid number.

    The fast path for the common case (a bulk body holds a thousand correct
    numbers): it builds the PhoneNumber directly instead of ``parse``, which
    costs four times as much and would also accept a stray national prefix
    (``+44 0 20...``) that is not canonical E.164.
    """
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            continue
        national = digits[size:]
        if not national:
            return False
        number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
        if len(national) > 1 and national[0] == "0":
            # As libphonenumber's parse records them (Italian numbers keep their 0).
            zeros = len(national) - len(national.lstrip("0"))
            number.italian_leading_zero = True
            number.number_of_leading_zeros = min(zeros, len(national) - 1)
        # The country's main region answers for most numbers and is far cheaper than
        # is_valid_number, which tries each of the 25 regions sharing +1 in turn.
        main = phonenumbers.region_code_for_country_code(code)
        return bool(phonenumbers.is_valid_number_for_region(number, main)
                    or phonenumbers.is_valid_number(number))
    return False  # calling codes are prefix-free: no match means no such country code


@lru_cache(maxsize=8192)
def check_e164(value: str, region: str = DEFAULT_REGION) -> PhoneCheck:
    """Strict E.164 (``+`` then digits, ≤ 15) and a number libphonenumber knows to be valid."""
    if STRICT_E164.fullmatch(value):
        if _valid_as_written(value):
            return PhoneCheck(ok=True)
        canonical = _valid_e164(_parse(value, None))
        if canonical:
            return PhoneCheck(ok=False, problem="is not written in canonical E.164 form",
                              suggestion=canonical)
        return PhoneCheck(ok=False, problem="has the E.164 shape but is not a valid number "
                          "(no such country code or number range)")
    return PhoneCheck(ok=False, problem=_problem(value), suggestion=derive_e164(value, region))


@lru_cache(maxsize=1024)
def as_phone_number(value: str, region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form when ``value`` reads as a phone number (international or national)."""
    text = value.strip()
    if not text or len(text) > _MAX_INPUT or not any(ch.isdigit() for ch in text):
        return None
    if STRICT_E164.fullmatch(text):
        return _valid_e164(_parse(text, None)) or text
    return _valid_e164(_parse(text, region or DEFAULT_REGION))

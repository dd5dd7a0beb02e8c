"""E.164 checking against the public vectors (libphonenumber metadata, parse edge cases)."""

from __future__ import annotations

import json
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.lint import phones

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
E164 = json.loads((VECTORS / "e164.json").read_text(encoding="utf-8"))
VALID_EXAMPLES = [x for x in E164["example_numbers"] if x["is_valid"]]
PARSED = [c for c in E164["parse_cases"] if "parse_error" not in c]
UNPARSEABLE = [c for c in E164["parse_cases"] if "parse_error" in c]


@pytest.mark.parametrize("case", VALID_EXAMPLES, ids=lambda c: f"{c['region']}-{c['type']}")
def test_every_libphonenumber_example_number_is_accepted(case: dict) -> None:
    assert phones.check_e164(case["e164"]).ok


@pytest.mark.parametrize("case", VALID_EXAMPLES[::7], ids=lambda c: f"{c['region']}-{c['type']}")
def test_national_form_of_an_example_is_rejected_with_its_e164_suggested(case: dict) -> None:
    check = phones.check_e164(case["national"], case["region"])
    assert not check.ok
    assert check.suggestion == case["e164"]


@pytest.mark.parametrize("case", PARSED, ids=lambda c: c["input"])
def test_parse_case_is_accepted_only_when_valid_and_already_e164(case: dict) -> None:
    check = phones.check_e164(case["input"], case["default_region"] or "US")
    assert check.ok is (case["is_valid"] and case["input"] == case["e164"])
    if not check.ok:
        assert check.problem
        assert check.suggestion == (case["e164"] if case["is_valid"] else None)


@pytest.mark.parametrize("case", UNPARSEABLE, ids=lambda c: c["input"] or "empty")
def test_unparseable_case_is_rejected_with_a_reason(case: dict) -> None:
    check = phones.check_e164(case["input"], case["default_region"] or "US")
    assert not check.ok
    assert check.problem


def test_digits_without_plus_are_read_with_the_us_region_hint_by_default() -> None:
    assert phones.check_e164("14155552671").suggestion == "+14155552671"
    assert phones.check_e164("(415) 555-0123").suggestion == "+14155550123"
    assert phones.check_e164("+1 415-555-0123").suggestion == "+14155550123"


def test_international_digits_missing_their_plus_are_suggested_with_it() -> None:
    assert phones.check_e164("447400123456").suggestion == "+447400123456"


def test_stray_national_prefix_after_the_country_code_is_not_canonical() -> None:
    check = phones.check_e164("+4402083661177")
    assert not check.ok
    assert check.suggestion == "+442083661177"


@pytest.mark.parametrize("case", E164["e164_syntax_cases_self_defined"], ids=lambda c: c["input"])
def test_strict_syntax_cases(case: dict) -> None:
    assert bool(phones.STRICT_E164.fullmatch(case["input"])) is case["strict_e164_syntax"]
    if not case["strict_e164_syntax"]:
        assert not phones.check_e164(case["input"]).ok


@pytest.mark.parametrize("value",
                         ["+14155550123\n", "+1\u0664\u0661\u06655550123", " +14155550123"])
def test_strict_syntax_takes_ascii_digits_only_and_nothing_after(value: str) -> None:
    # The vectors' ^\+[1-9]\d{1,14}$ read literally would take Unicode digits and a newline.
    assert E164["strict_regex"] == r"^\+[1-9]\d{1,14}$"
    assert not phones.STRICT_E164.fullmatch(value)
    assert not phones.check_e164(value).ok


def _slow_ok(value: str) -> bool:
    """The definition the fast path must agree with: parse, validate, and format back."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and \
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == value


_PREFIXES = sorted({x["e164"][:4] for x in VALID_EXAMPLES} | {"+1", "+44", "+39", "+7", "+0"})


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_PREFIXES), st.text("0123456789", min_size=0, max_size=12))
def test_fast_validity_agrees_with_parse_validate_and_format(prefix: str, rest: str) -> None:
    value = prefix + rest
    if not phones.STRICT_E164.fullmatch(value):
        return
    assert phones.check_e164(value).ok is _slow_ok(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["US", "GB", "DE", "", "ZZ"]))
def test_any_text_gets_an_answer_not_an_exception(value: str, region: str) -> None:
    check = phones.check_e164(value, region)
    if check.suggestion is not None:
        assert phones.check_e164(check.suggestion).ok
    phones.as_phone_number(value, region)

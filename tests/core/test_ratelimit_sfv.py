"""The RFC 9651 structured-field-tests suite through our wrapper around http-sfv.

Every case of tests/data/vectors/structured-field-tests/*.json is run
(httpwg/structured-field-tests, licence in that folder). The few cases where
http-sfv 0.9.9 disagrees with the suite are listed in KNOWN_DEVIATIONS with
the reason and run as strict xfails: if the library is fixed, they fail and
the list must shrink.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit.sfv import combine, parse_field, to_json

SUITE = Path(__file__).resolve().parents[1] / "data" / "vectors" / "structured-field-tests"

KNOWN_DEVIATIONS = {
    ("binary.json", "padding at beginning"):
        "http-sfv decodes Byte Sequences with a lenient base64 decoder that skips stray '='",
    ("binary.json", "padding in middle"):
        "http-sfv decodes Byte Sequences with a lenient base64 decoder that skips stray '='",
    ("number.json", "decimal with zero fractional digits"):
        "http-sfv accepts '1.' although a Decimal needs at least one fractional digit",
    ("date.json", "interoperability min date - 0001-01-01 00:00:00"):
        "http-sfv makes Dates with datetime.fromtimestamp, which cannot represent year 1",
}


def _cases() -> list[object]:
    params = []
    for path in sorted(SUITE.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            key = (path.name, case["name"])
            marks = ()
            if key in KNOWN_DEVIATIONS:
                marks = (pytest.mark.xfail(strict=True, reason=KNOWN_DEVIATIONS[key]),)
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}", marks=marks))
    return params


CASES = _cases()


def test_the_suite_is_there_and_large() -> None:
    assert len(CASES) > 1500


@pytest.mark.parametrize("case", CASES)
def test_structured_field_suite_case(case: dict[str, object]) -> None:
    parsed = parse_field(case["raw"], case["header_type"])  # never raises
    if case.get("must_fail"):
        assert not parsed.ok, f"accepted {parsed.raw!r} as {to_json(parsed.value)}"
    elif not parsed.ok:
        assert case.get("can_fail"), f"rejected {parsed.raw!r}: {parsed.error}"
    else:
        assert to_json(parsed.value) == case["expected"]


def test_known_deviations_name_real_cases() -> None:
    names = {(p.name, c["name"]) for p in SUITE.glob("*.json")
             for c in json.loads(p.read_text(encoding="utf-8"))}
    assert set(KNOWN_DEVIATIONS) <= names


def test_field_lines_are_combined_with_comma_space() -> None:
    assert combine(["1", "42"]) == "1, 42"
    assert to_json(parse_field(["1", "42"], "list").value) == [[1, []], [42, []]]


def test_non_ascii_input_fails_parsing_instead_of_raising() -> None:
    parsed = parse_field('"café"', "item")
    assert not parsed.ok
    assert parsed.error == "not ASCII"


@settings(deadline=None)
@given(st.text(), st.sampled_from(["item", "list", "dictionary"]))
def test_parse_field_never_raises_on_arbitrary_text(raw: str, field_type: str) -> None:
    parsed = parse_field(raw, field_type)  # type: ignore[arg-type]
    assert parsed.ok == (parsed.error is None)
    assert parsed.ok or parsed.value is None


SF_ALPHABET = st.sampled_from([*list('"();=,:*@%?-. \t0123456789abcdefxyzAZ'), "\\", "é"])


@settings(deadline=None)
@given(st.lists(st.text(SF_ALPHABET, max_size=30), min_size=1, max_size=3),
       st.sampled_from(["item", "list", "dictionary"]))
def test_parse_field_never_raises_on_structured_looking_text(lines: list[str],
                                                              field_type: str) -> None:
    parse_field(lines, field_type)  # type: ignore[arg-type]


@settings(deadline=None)
@given(st.integers(min_value=-999_999_999_999_999, max_value=999_999_999_999_999),
       st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789 "), max_size=20))
def test_items_round_trip_through_serialisation(number: int, text: str) -> None:
    raw = f'"{text}";n={number}'
    parsed = parse_field(raw, "item")
    assert parsed.ok
    assert str(parsed.value) == raw

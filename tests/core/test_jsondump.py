"""Indented JSON through orjson, with json for what orjson refuses: the same value back."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import jsondump

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # lone surrogates included: orjson refuses them, json escapes them
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_indented_json_reads_back_as_the_same_value(value: Any) -> None:
    data = jsondump.indented(value)
    assert json.loads(data) == value
    assert jsondump.parse(data.decode("utf-8")) == (True, value)


def test_the_layout_is_json_dumps_indent_2() -> None:
    value = {"headers": [["Host", "h"], ["X", "é"]], "empty": {}, "none": [], "n": 1}
    assert jsondump.indented(value) == json.dumps(value, indent=2, ensure_ascii=False).encode()


def test_integers_wider_than_64_bits_are_read_exactly_not_as_floats() -> None:
    """orjson reads -2**63 - 1 and 2**64 as floats; found by the property test above."""
    for number in (-(2**63) - 1, 2**64, 10**30):
        assert jsondump.parse(f'{{"id": {number}}}') == (True, {"id": number})
    assert jsondump.parse('{"phone": "+4412345678901234567890"}') == (
        True, {"phone": "+4412345678901234567890"})


def test_what_orjson_refuses_goes_through_json() -> None:
    value = {"body": "half a pair \ud800", "big": 2**70}
    assert json.loads(jsondump.indented(value)) == value
    assert jsondump.indented({1: "x"}) == b'{\n  "1": "x"\n}'


def test_parse_says_when_text_is_not_json() -> None:
    assert jsondump.parse("not json") == (False, None)
    assert jsondump.parse('{"a": NaN}')[0] is True  # json reads it; the preview shows it


def test_compact_is_one_line_and_falls_back_the_same_way() -> None:
    assert jsondump.compact({"a": [1, "é"]}) == '{"a":[1,"é"]}'.encode()
    value = {"body": "half a pair \ud800", "big": 2**70}
    assert b"\n" not in jsondump.compact(value)
    assert json.loads(jsondump.compact(value)) == value


def test_a_value_too_deep_for_either_encoder_is_a_clear_error_not_a_recursion_error() -> None:
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    import pytest

    with pytest.raises(jsondump.TooDeepError):
        jsondump.indented(deep)
    with pytest.raises(jsondump.TooDeepError):
        jsondump.compact(deep)

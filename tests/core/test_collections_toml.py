"""The small TOML writer: whatever it writes, tomllib reads back the same; bodies stay readable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.collections import tomlfile
from desktop.core.collections.files import read_request, request_text
from desktop.core.collections.model import Auth, Body, BodyType, Header, SavedRequest

KEYS = st.text(min_size=1, max_size=20)
SCALARS = st.one_of(st.text(max_size=200), st.integers(-(2**63), 2**63 - 1), st.booleans())
TABLES = st.dictionaries(KEYS, SCALARS, max_size=5)


def clean(value: object) -> object:
    """What the writer promises to keep: text with lone surrogates replaced."""
    if isinstance(value, str):
        return tomlfile.clean_text(value)
    if isinstance(value, dict):
        return {tomlfile.clean_text(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


@settings(max_examples=200, deadline=None)
@given(scalars=st.dictionaries(KEYS, SCALARS, max_size=6), table=TABLES,
       rows=st.lists(TABLES, max_size=4))
def test_anything_written_reads_back_the_same(scalars, table, rows) -> None:
    document = {**{f"s{k}": v for k, v in scalars.items()}, "table": table, "rows": rows}
    text = tomlfile.dumps(document, header="a header\nover two lines")
    assert tomllib.loads(text) == clean({**{f"s{k}": v for k, v in scalars.items()},
                                         "table": table, **({"rows": rows} if rows else {})})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_round_trips_as_a_value(text: str) -> None:
    assert tomllib.loads(f"v = {tomlfile.string(text)}\n")["v"] == tomlfile.clean_text(text)


def test_a_multi_line_body_is_written_line_by_line() -> None:
    body = '{\n  "to": ["+14155550123"],\n  "text": "it\'s fine"\n}\n'
    text = request_text(SavedRequest("Send", "POST", "/send", body=Body(BodyType.JSON, body)))
    assert "'''\n{\n  \"to\": [\"+14155550123\"]," in text
    assert tomllib.loads(text)["body"]["text"] == body


@pytest.mark.parametrize("awkward", ["ends with a quote'", "has ''' inside\n", "cr\r\nlf\n",
                                     "\x00nul\nbyte", "tab\tand\nnewline"])
def test_text_a_literal_block_cannot_hold_falls_back_to_escapes(awkward: str) -> None:
    assert tomllib.loads(f"v = {tomlfile.string(awkward)}\n")["v"] == awkward


def test_a_request_file_round_trips(tmp_path: Path) -> None:
    saved = SavedRequest(
        name="Send a test SMS", method="POST", url="{{base_url}}/api/core/messages/send",
        headers=(Header("Idempotency-Key", "{{uuid}}"), Header("X-Debug", "1", enabled=False)),
        body=Body(BodyType.JSON, '{\n  "to": ["{{recipient}}"]\n}\n'), auth=Auth.NONE,
        description="Smoke test", seq=3, extras={"source": "postman"})
    path = tmp_path / "send.toml"
    path.write_text(request_text(saved), encoding="utf-8")
    assert read_request(path) == saved


def test_reading_refuses_files_over_the_limit_and_things_that_are_not_files(
        tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"a" * 101)
    with pytest.raises(tomlfile.TomlFileError, match="more than the 100"):
        tomlfile.read_bounded(big, 100)
    with pytest.raises(tomlfile.TomlFileError, match="not a regular file"):
        tomlfile.read_bounded(tmp_path, 100)
    with pytest.raises(tomlfile.TomlFileError, match="cannot be read"):
        tomlfile.read_bounded(tmp_path / "missing.toml", 100)


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.toml"
    tomlfile.atomic_write(target, "a = 1\n")
    tomlfile.atomic_write(target, "a = 2\n")
    assert target.read_text() == "a = 2\n"
    assert [p.name for p in target.parent.iterdir()] == ["file.toml"]

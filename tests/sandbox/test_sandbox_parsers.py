"""The Sandbox's own parsers never raise on bad input: they answer with a clear problem."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from desktop.sandbox.auth import bearer_token, parse_basic
from desktop.sandbox.idempotency import fingerprint
from desktop.sandbox.messages import Problem, SendRequest, parse_send, split_recipients

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.text())
def test_basic_header_parser_returns_a_pair_or_none_for_any_text(header):
    parsed = parse_basic(header)
    assert parsed is None or (isinstance(parsed, tuple) and len(parsed) == 2)


@given(st.text(), st.text())
def test_basic_header_round_trips_form_urlencoded_credentials(client_id, secret):
    from urllib.parse import quote_plus

    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    assert parse_basic("Basic " + base64.b64encode(raw).decode()) == (client_id, secret)


@given(st.text())
def test_bearer_parser_returns_a_token_or_none_for_any_text(header):
    token = bearer_token(header)
    assert token is None or token in header


@given(st.binary())
def test_send_parser_answers_a_request_or_a_problem_for_any_bytes(raw):
    assert isinstance(parse_send(raw), SendRequest | Problem)


@given(
    st.dictionaries(
        st.sampled_from(["sendFrom", "to", "messageType", "text", "media", "externalReference"]),
        json_values,
    )
)
def test_send_parser_answers_a_request_or_a_problem_for_any_json_object(body):
    parsed = parse_send(json.dumps(body).encode())
    assert isinstance(parsed, SendRequest | Problem)
    if isinstance(parsed, Problem):
        assert parsed.status == 400
        assert parsed.message


@given(st.lists(json_values, max_size=6))
def test_every_recipient_is_either_valid_or_explained(to):
    valid, errors = split_recipients(tuple(to))
    assert len(valid) + len(errors) == len(to)
    assert all(error["message"] and error["code"] == "INVALID_RECIPIENT" for error in errors)


@given(st.binary())
def test_fingerprint_accepts_any_body(raw):
    assert fingerprint(raw).startswith(("json:", "raw:"))


def test_deeply_nested_json_is_a_problem_not_a_crash():
    raw = b"[" * 100_000 + b"]" * 100_000
    assert isinstance(parse_send(raw), Problem)
    assert fingerprint(raw).startswith("raw:")

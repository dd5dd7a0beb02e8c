"""HAR 1.2 export: valid against the HAR JSON Schema, browser-compatible, fully redacted.

The schema is ahmadnassri/har-schema (ISC) from tests/data/vectors/har-schema/:
``har.json`` is the root (draft-06) and ``$ref``s its sibling files, so the
test builds a ``referencing`` registry of every file. ``format`` keywords are
checked too: ``date-time`` with ``datetime.fromisoformat`` and ``uri`` with a
strict RFC 3986 character check, so a redaction marker left unencoded in a
URL would fail.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

from desktop.core.exchange import ErrorKind, Timings
from desktop.core.har import (
    dump_entry,
    har_entry,
    har_json_parts,
    har_timings,
    iso_datetime,
    to_har,
)
from desktop.core.redact import Redactor
from tests.factories import (
    STARTED_AT,
    make_binary_exchange,
    make_error_exchange,
    make_exchange,
    make_request,
    make_response,
    make_token_exchange,
)

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "vectors" / "har-schema"
SECRET = "test-client-secret-0001"
TOKEN = "test-access-token-0001"
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:"  # scheme
    r"(?://(?:[A-Za-z0-9\-._~!$&'()*+,;=:%]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)"
    r"(?::\d*)?)?"  # authority: '[' and ']' only around an IPv6 host (RFC 3986)
    r"[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?"
    r"(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?"
)


def _validator() -> jsonschema.protocols.Validator:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "har_samples.json":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"].rstrip("#"), Resource.from_contents(schema,
                                                                            DRAFT6)))
    registry = Registry().with_resources(resources)
    root = json.loads((SCHEMA_DIR / "har.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or _URI.fullmatch(value) is not None

    return jsonschema.Draft6Validator(root, registry=registry, format_checker=checker)


VALIDATOR = _validator()


def validate(document: dict[str, Any]) -> None:
    VALIDATOR.validate(document)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor({"client_secret": SECRET, "access_token": TOKEN})


def test_schema_accepts_its_valid_sample_and_rejects_its_invalid_one() -> None:
    samples = json.loads((SCHEMA_DIR / "har_samples.json").read_text(encoding="utf-8"))
    validate(samples["valid_minimal"])
    with pytest.raises(jsonschema.ValidationError):
        validate(samples["invalid_missing_cache_redirectURL_bad_date"])


def test_export_of_every_kind_of_exchange_validates(redactor: Redactor) -> None:
    exchanges = [make_token_exchange(), make_token_exchange(basic=False), make_exchange(),
                 make_error_exchange(), make_binary_exchange(),
                 make_exchange(request=make_request("GET", "https://h.example/v1/x?api_key=k&a=1",
                                                    (("Cookie", "sid=1; b=2"),), b""),
                               response=make_response(302, "Found", (
                                   ("Location", "https://h.example/next?token=t"),
                                   ("Set-Cookie", "sid=2; Path=/; Secure; HttpOnly")), b""))]
    har = to_har(exchanges, redactor=redactor, creator_version="1.2.3", comment="ticket 42")
    validate(har)
    validate(json.loads(json.dumps(har)))
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"] == {"name": "Switchboard", "version": "1.2.3"}
    assert log["comment"] == "ticket 42"
    assert len(log["entries"]) == len(exchanges)


def test_a_marker_left_unencoded_in_a_url_would_fail_validation(redactor: Redactor) -> None:
    har = to_har([make_exchange()], redactor=redactor, creator_version="1")
    har["log"]["entries"][0]["request"]["url"] = "https://h.example/?k=[REDACTED:api_key]"
    with pytest.raises(jsonschema.ValidationError):
        validate(har)


def test_entry_carries_request_response_and_our_fields(redactor: Redactor) -> None:
    entry = to_har([make_exchange()], redactor=redactor, creator_version="1")["log"]["entries"][0]
    assert entry["startedDateTime"] == "2023-11-14T22:13:20.250Z"
    request, response = entry["request"], entry["response"]
    assert request["method"] == "POST"
    assert request["headersSize"] == -1
    assert response["headersSize"] == -1
    assert request["postData"]["mimeType"] == "application/json"
    assert json.loads(request["postData"]["text"])["to"] == ["+1******0123"]
    assert {"name": "Authorization", "value": "Bearer [REDACTED:authorization]"} in \
        request["headers"]
    assert response["status"] == 202
    assert response["statusText"] == "Accepted"
    assert response["content"]["mimeType"] == "application/json"
    assert response["redirectURL"] == ""
    assert entry["cache"] == {}
    assert entry["_profile"] == "sandbox-staging"
    assert entry["_step"] == "send"
    assert entry["_requestId"] == "req_abc123"
    assert entry["_tokenFresh"] is True


def test_transport_error_is_status_zero_with_error(redactor: Redactor) -> None:
    entry = to_har([make_error_exchange(ErrorKind.CONNECT_REFUSED, "refused")],
                   redactor=redactor, creator_version="1")["log"]["entries"][0]
    assert entry["response"]["status"] == 0
    assert entry["response"]["_error"] == "connect_refused: refused"
    assert entry["_transportError"] == {"kind": "connect_refused", "message": "refused"}
    assert entry["_findings"][0]["code"] == "http.connect_refused"


def test_token_exchange_form_params_and_secrets(redactor: Redactor) -> None:
    entry = to_har([make_token_exchange(basic=False)], redactor=redactor,
                   creator_version="1")["log"]["entries"][0]
    post = entry["request"]["postData"]
    assert post["mimeType"] == "application/x-www-form-urlencoded"
    assert {"name": "client_secret", "value": "[REDACTED:client_secret]"} in post["params"]
    assert {"name": "grant_type", "value": "client_credentials"} in post["params"]
    assert json.loads(entry["response"]["content"]["text"])["access_token"] == \
        "[REDACTED:access_token]"
    assert SECRET not in json.dumps(entry)
    assert TOKEN not in json.dumps(entry)


def test_query_string_and_cookies_are_listed_redacted(redactor: Redactor) -> None:
    exchange = make_exchange(
        request=make_request("GET", "https://h.example/v1/m?phoneNumber=%2B14155550123&key=k1",
                             (("Cookie", "sid=abc; theme=dark"),), b""),
        response=make_response(200, "OK", (("Set-Cookie", "sid=n; Path=/; HttpOnly"),), b"{}"))
    entry = to_har([exchange], redactor=redactor, creator_version="1")["log"]["entries"][0]
    assert entry["request"]["queryString"] == [
        {"name": "phoneNumber", "value": "+1******0123"},
        {"name": "key", "value": "[REDACTED:key]"}]
    assert entry["request"]["cookies"] == [{"name": "sid", "value": "[REDACTED:cookie]"},
                                           {"name": "theme", "value": "[REDACTED:cookie]"}]
    assert entry["response"]["cookies"] == [{"name": "sid", "value": "[REDACTED:cookie]",
                                             "path": "/", "httpOnly": True}]
    assert "postData" not in entry["request"]


def test_binary_content_is_base64_and_truncation_is_noted(redactor: Redactor) -> None:
    binary = make_binary_exchange(b"\x89PNG\x00\x01\x02")
    truncated = make_exchange(response=make_response(body=b'{"a": 1', truncated=True,
                                                     body_size=2_000_000))
    entries = to_har([binary, truncated], redactor=redactor, creator_version="1")["log"]["entries"]
    content = entries[0]["response"]["content"]
    assert content["encoding"] == "base64"
    assert base64.b64decode(content["text"]) == b"\x89PNG\x00\x01\x02"
    assert entries[1]["response"]["content"]["comment"] == "truncated: 7 of 2000000 bytes kept"
    assert entries[1]["response"]["content"]["size"] == 2_000_000


def test_timings_follow_the_spec() -> None:
    full = har_timings(Timings(connect_ms=10, tls_ms=5, send_ms=1, wait_ms=30, receive_ms=2,
                               total_ms=48))
    assert full == {"blocked": -1, "dns": -1, "connect": 15, "ssl": 5, "send": 1, "wait": 30,
                    "receive": 2}
    reused = har_timings(Timings(total_ms=40, send_ms=1, receive_ms=2))
    assert reused["connect"] == -1
    assert reused["ssl"] == -1
    assert reused["wait"] == 37  # the rest of the total: send + wait + receive == time
    assert har_timings(Timings(connect_ms=3, tls_ms=None, total_ms=3))["ssl"] == -1


def test_started_date_time_is_iso_8601_utc_with_milliseconds() -> None:
    assert iso_datetime(STARTED_AT) == "2023-11-14T22:13:20.250Z"
    assert iso_datetime(float("nan")) == "1970-01-01T00:00:00.000Z"


def test_streamed_har_parts_make_the_same_document() -> None:
    opening, closing = har_json_parts("9.9", "note")
    document = json.loads(opening + b'{"x": 1},\n{"y": 2}' + closing)
    assert document == {"log": {"version": "1.2", "creator": {"name": "Switchboard",
                                                              "version": "9.9"},
                                "comment": "note", "entries": [{"x": 1}, {"y": 2}]}}


def test_an_entry_is_one_line_of_json_with_the_same_value(redactor: Redactor) -> None:
    exchange = make_exchange(response=make_response(body='{"text": "héllo \\n ✓"}'.encode()))
    entry = har_entry(exchange, redactor)
    line = dump_entry(entry)
    assert b"\n" not in line
    assert json.loads(line) == entry
    assert "héllo".encode() in line  # UTF-8, not \\u escapes


def test_text_orjson_refuses_is_written_escaped_instead() -> None:
    """A lone surrogate (a body decoded with surrogateescape) is not valid UTF-8: that entry
    is written as ASCII with escapes, the same JSON value."""
    entry = {"response": {"content": {"text": "bad \udcff byte"}}}
    line = dump_entry(entry)
    assert line.isascii()
    assert b"\\udcff" in line
    assert json.loads(line) == entry

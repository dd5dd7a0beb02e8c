"""Issue 17.4, headers: credential headers real APIs use (X-Auth-Key, X-Authorization,
X-Auth, X-Functions-Key, any X-…-Key, X-…-Token, X-Pin) and a nameless Set-Cookie are
redacted in the header list, in the HAR, in an exported curl command and where a header
line is quoted in free text, short values included; ids that happen to be keys
(X-Idempotency-Key) stay readable. Every row plants a canary and scans every byte out.
"""

from __future__ import annotations

import json

import pytest

from desktop.core.compose import curl_command
from desktop.core.har import to_har
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_request, make_response

CANARY = "Kq7wZ9"
"""Six characters: short values in a credential header are still credentials."""

HEADERS = [
    ("X-Auth-Key", "api_key"),
    ("X-Authorization", "authorization"),
    ("X-Auth", "authorization"),
    ("X-Functions-Key", "api_key"),
    ("X-Acme-Partner-Key", "api_key"),
    ("X-Acme-Session-Token", "token"),
    ("X-Pin", "pin"),
]


def every_output(name: str, value: str) -> dict[str, str]:
    r = Redactor()
    request = make_request("POST", "https://api.example.test/v1/messages",
                           ((name, value), ("Content-Type", "application/json"),
                            ("X-Idempotency-Key", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11")),
                           b'{"to": "+14155550123"}')
    exchange = make_exchange(request=request,
                             response=make_response(200, "OK", ((name, value),), b"{}"))
    return {
        "headers": repr(r.redact_headers([(name, value)])),
        "har": json.dumps(to_har([exchange], redactor=r, creator_version="t")),
        "curl": curl_command(request, r),
        "text": r.redact_text(f"sent {name}: {value}\nthen waited"),
        "log line": r.redact_text(f'headers={{"{name}": "{value}"}}'),
    }


@pytest.mark.parametrize(("name", "kind"), HEADERS)
def test_credential_header_is_redacted_everywhere(name: str, kind: str) -> None:
    for place, out in every_output(name, CANARY).items():
        assert CANARY not in out, place
        assert f"REDACTED:{kind}" in out, place
        assert "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11" in out or place in ("headers", "text",
                                                                          "log line"), place


def test_x_authorization_keeps_its_scheme_like_authorization() -> None:
    [(_, value)] = Redactor().redact_headers([("X-Authorization", f"Bearer {CANARY}")])
    assert value == "Bearer [REDACTED:authorization]"


@pytest.mark.parametrize("readable", ["X-Idempotency-Key", "X-Cache-Key", "X-Request-Id",
                                      "X-Correlation-Key", "Idempotency-Key",
                                      "WWW-Authenticate"])
def test_key_named_ids_stay_readable_next_to_credential_headers(readable: str) -> None:
    headers = [("X-Functions-Key", CANARY), (readable, "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11")]
    assert Redactor().redact_headers(headers) == [
        ("X-Functions-Key", "[REDACTED:api_key]"),
        (readable, "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11")]


NAMELESS = "abc123def456ghi789jkl"


@pytest.mark.parametrize("value", [NAMELESS, f"{NAMELESS}; Path=/; HttpOnly; Secure",
                                   f" {NAMELESS};Max-Age=3600"])
def test_a_nameless_set_cookie_is_redacted_and_keeps_its_attributes(value: str) -> None:
    r = Redactor()
    [(_, out)] = r.redact_headers([("Set-Cookie", value)])
    assert NAMELESS not in out
    assert out.strip().startswith("[REDACTED:cookie]")
    assert out.split(";")[1:] == value.split(";")[1:]
    text = r.redact_text(f"Set-Cookie: {value}")
    assert NAMELESS not in text
    exchange = make_exchange(response=make_response(200, "OK", (("Set-Cookie", value),), b""))
    assert NAMELESS not in json.dumps(to_har([exchange], redactor=r, creator_version="t"))

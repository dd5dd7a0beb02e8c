"""Redaction keeps structure: JSON stays JSON, forms stay forms, URLs stay URLs, headers
keep their names."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import parse_qsl, urlsplit

import pytest

from desktop.core.exchange import ErrorKind, TransportError
from desktop.core.finding import Finding, Severity
from desktop.core.redact import Redactor, redacting_log_filter
from tests.factories import (
    make_binary_exchange,
    make_exchange,
    make_request,
    make_response,
    make_token_exchange,
)

SECRET = "cs-9f8e7d6c5b4a3928"
TOKEN = "at-0123456789abcdef"


@pytest.fixture
def redactor() -> Redactor:
    return Redactor({"client_secret": SECRET, "access_token": TOKEN})


# -- JSON ------------------------------------------------------------------------------------


def test_json_body_keeps_keys_and_shape_with_secret_values_replaced(redactor: Redactor) -> None:
    body = {"access_token": "opaque-1", "token_type": "bearer", "expires_in": 3600,
            "nested": {"list": [{"password": "p4ss", "ok": True}, {"refresh_token": "r1"}]},
            "id_token": "x.y.z", "client_assertion": "eyJ.a.b"}
    out = json.loads(redactor.redact_bytes(json.dumps(body).encode(), "application/json"))
    assert out == {
        "access_token": "[REDACTED:access_token]", "token_type": "bearer", "expires_in": 3600,
        "nested": {"list": [{"password": "[REDACTED:password]", "ok": True},
                            {"refresh_token": "[REDACTED:refresh_token]"}]},
        "id_token": "[REDACTED:id_token]", "client_assertion": "[REDACTED:client_assertion]"}


def test_json_body_layout_is_kept_when_rebuilt(redactor: Redactor) -> None:
    compact = b'{"password":"p","a":1}'
    indented = json.dumps({"password": "p", "a": 1}, indent=2).encode()
    assert redactor.redact_bytes(compact, "application/json") == \
        b'{"password":"[REDACTED:password]","a":1}'
    assert b'\n  "a": 1' in redactor.redact_bytes(indented, "application/json")


def test_json_body_without_secrets_is_returned_byte_for_byte(redactor: Redactor) -> None:
    body = b'{ "results" : [ {"messageId": "msg_1", "status": "QUEUED"} ] }'
    assert redactor.redact_bytes(body, "application/json") is body


def test_everything_under_a_secret_named_field_is_redacted(redactor: Redactor) -> None:
    out = redactor.redact_json({"credentials": {"user": "bob", "code": "1234"}, "keep": "me"})
    assert out == {"credentials": {"user": "[REDACTED:credential]",
                                   "code": "[REDACTED:credential]"}, "keep": "me"}


def test_json_numbers_and_booleans_under_secret_names_are_kept(redactor: Redactor) -> None:
    assert redactor.redact_json({"token_count": 3, "secret": True, "max_tokens": 10}) == \
        {"token_count": 3, "secret": True, "max_tokens": 10}


def test_header_lists_inside_json_are_redacted_by_header_name(redactor: Redactor) -> None:
    event = {"headers": [["X-RedCloud-Signature", "abc123"], ["Content-Type", "application/json"]],
             "har": [{"name": "Authorization", "value": "Bearer opaque"}]}
    assert redactor.redact_json(event) == {
        "headers": [["X-RedCloud-Signature", "[REDACTED:signature]"],
                    ["Content-Type", "application/json"]],
        "har": [{"name": "Authorization", "value": "Bearer [REDACTED:authorization]"}]}


def test_phone_fields_are_masked_with_or_without_plus(redactor: Redactor) -> None:
    body = b'{"to": ["+14155550123", "4155550124"], "phoneNumber": "4155550125", "n": "12"}'
    out = json.loads(redactor.redact_bytes(body, "application/json"))
    assert out == {"to": ["+1******0123", "******0124"], "phoneNumber": "******0125", "n": "12"}


def test_e164_json_keys_are_not_masked(redactor: Redactor) -> None:
    out = json.loads(redactor.redact_bytes(b'{"+14155550123": {"to": "+14155550123"}}',
                                           "application/json"))
    assert out == {"+14155550123": {"to": "+1******0123"}}


def test_escaped_json_cannot_hide_a_known_secret(redactor: Redactor) -> None:
    secret = "abc/def/ghi/jkl/mno"
    body = json.dumps({"note": f"x {secret}"}).replace("/", "\\/").encode()
    out = Redactor({"api_key": secret}).redact_bytes(body, "application/json")
    assert secret.encode() not in out
    assert json.loads(out) == {"note": "x [REDACTED:api_key]"}


# -- forms, URLs -----------------------------------------------------------------------------


def test_form_body_stays_form_encoded(redactor: Redactor) -> None:
    body = f"grant_type=client_credentials&client_id=me&client_secret={SECRET}&scope=a+b".encode()
    out = redactor.redact_bytes(body, "application/x-www-form-urlencoded").decode()
    assert parse_qsl(out) == [("grant_type", "client_credentials"), ("client_id", "me"),
                              ("client_secret", "[REDACTED:client_secret]"), ("scope", "a b")]
    assert out.startswith("grant_type=client_credentials&client_id=me&client_secret=%5BREDACTED")


def test_url_keeps_its_shape_and_unrelated_parameters(redactor: Redactor) -> None:
    url = ("https://user:pa55word@api.example.test/v1/messages?page=2&api_key=k1&"
           "phoneNumber=%2B14155550123&q=a%20b#access_token=frag")
    out = redactor.redact_url(url)
    parts = urlsplit(out)
    assert parts.scheme == "https"
    assert parts.hostname == "api.example.test"
    assert parts.username == "user"
    assert parts.password == "%5BREDACTED:password%5D"
    assert parts.path == "/v1/messages"
    assert parse_qsl(parts.query) == [("page", "2"), ("api_key", "[REDACTED:api_key]"),
                                      ("phoneNumber", "+1******0123"), ("q", "a b")]
    assert "q=a%20b" in out
    assert parts.fragment == "access_token=%5BREDACTED:access_token%5D"


def test_url_without_secrets_is_returned_unchanged(redactor: Redactor) -> None:
    url = "https://api.example.test/v1/messages?page=2&q=a+b#top"
    assert redactor.redact_url(url) == url


def test_known_secret_in_a_url_path_is_replaced(redactor: Redactor) -> None:
    out = redactor.redact_url(f"https://h.example/hooks/{TOKEN}/deliver")
    assert out == "https://h.example/hooks/%5BREDACTED:access_token%5D/deliver"


# -- headers ---------------------------------------------------------------------------------


def test_headers_keep_names_and_credential_schemes(redactor: Redactor) -> None:
    headers = [
        ("Authorization", "Bearer opaque-token"),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
        ("X-Api-Key", "trk_x"),
        ("Cookie", "sid=abc; theme=dark"),
        ("Set-Cookie", "sid=abc; Path=/; HttpOnly; Secure"),
        ("X-Hub-Signature-256", "sha256=deadbeef"),
        ("Idempotency-Key", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"),
        ("WWW-Authenticate", 'Bearer error="invalid_token"'),
        ("Location", "https://h.example/cb?code=1&token=t1"),
    ]
    assert redactor.redact_headers(headers) == [
        ("Authorization", "Bearer [REDACTED:authorization]"),
        ("Proxy-Authorization", "Basic [REDACTED:authorization]"),
        ("X-Api-Key", "[REDACTED:api_key]"),
        ("Cookie", "sid=[REDACTED:cookie]; theme=[REDACTED:cookie]"),
        ("Set-Cookie", "sid=[REDACTED:cookie]; Path=/; HttpOnly; Secure"),
        ("X-Hub-Signature-256", "[REDACTED:signature]"),
        ("Idempotency-Key", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"),
        ("WWW-Authenticate", 'Bearer error="invalid_token"'),
        ("Location", "https://h.example/cb?code=1&token=%5BREDACTED:token%5D"),
    ]
    assert redactor.report.by_kind() == {"api_key": 1, "authorization": 2, "cookie": 3,
                                         "signature": 1, "token": 1}


def test_authorization_without_a_scheme_is_replaced_whole(redactor: Redactor) -> None:
    assert redactor.redact_headers([("Authorization", "opaque")]) == \
        [("Authorization", "[REDACTED:authorization]")]


# -- bodies and exchanges --------------------------------------------------------------------


def test_binary_body_is_left_alone_except_known_secrets(redactor: Redactor) -> None:
    data = b"\x89PNG\x00\x01" + TOKEN.encode() + b"\xff\x00"
    assert redactor.redact_bytes(data, "image/png") == \
        b"\x89PNG\x00\x01[REDACTED:access_token]\xff\x00"
    assert redactor.redact_bytes(b"\x00\x01\x02", None) == b"\x00\x01\x02"


def test_text_body_in_its_own_charset(redactor: Redactor) -> None:
    body = f"café {SECRET}".encode("latin-1")
    assert redactor.redact_bytes(body, "text/plain; charset=iso-8859-1") == \
        "café [REDACTED:client_secret]".encode("latin-1")


def test_redact_exchange_returns_a_redacted_copy_with_the_same_id(redactor: Redactor) -> None:
    original = make_token_exchange("me", SECRET, TOKEN)
    before = (original.request.headers, original.request.body, original.response.body)
    copy = redactor.redact_exchange(original)
    assert copy is not original
    assert copy.id == original.id
    assert (original.request.headers, original.request.body, original.response.body) == before
    assert copy.request.header("Authorization") == "Basic [REDACTED:authorization]"
    assert json.loads(copy.response.body)["access_token"] == "[REDACTED:access_token]"
    assert copy.profile == original.profile
    assert copy.step == "token"


def test_findings_transport_errors_and_request_ids_pass_through_the_redactor(
    redactor: Redactor,
) -> None:
    exchange = make_exchange(
        response=None,
        error=TransportError(ErrorKind.READ_TIMEOUT, f"timed out sending {SECRET}"),
        request_id=f"req-{TOKEN}",
        findings=[Finding(code="x", severity=Severity.WARN, title=f"saw {TOKEN}",
                          evidence=f"client_secret={SECRET}", causes=(f"a {SECRET}",))],
    )
    copy = redactor.redact_exchange(exchange)
    text = repr(copy)
    assert SECRET not in text
    assert TOKEN not in text
    assert copy.error is not None
    assert copy.error.kind is ErrorKind.READ_TIMEOUT


def test_binary_exchange_body_survives_intact(redactor: Redactor) -> None:
    exchange = make_binary_exchange()
    assert redactor.redact_exchange(exchange).response.body == exchange.response.body


def test_request_without_content_type_is_sniffed(redactor: Redactor) -> None:
    exchange = make_exchange(request=make_request(headers=(), body=f'{{"password": "{SECRET}x"}}'
                                                  .encode()),
                             response=make_response(headers=(), body=b"ok"))
    body = redactor.redact_exchange(exchange).request.body
    assert json.loads(body) == {"password": "[REDACTED:password]"}


# -- logging ---------------------------------------------------------------------------------


def test_log_filter_redacts_message_arguments_and_exceptions(
    redactor: Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("switchboard.test.redact")
    log_filter = redacting_log_filter(lambda: redactor)
    caplog.handler.addFilter(log_filter)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("token %s for %s", TOKEN, "+14155550123")
            try:
                raise RuntimeError(f"bad secret {SECRET}")
            except RuntimeError:
                logger.exception("failed with Basic %s",
                                 base64.b64encode(f"me:{SECRET}".encode()).decode())
    finally:
        caplog.handler.removeFilter(log_filter)
    assert TOKEN not in caplog.text
    assert SECRET not in caplog.text
    assert "token [REDACTED:access_token] for +1******0123" in caplog.text
    assert "RuntimeError: bad secret [REDACTED:client_secret]" in caplog.text


def test_log_filter_without_a_profile_still_redacts_shapes() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "auth %s",
                               ("Bearer abcdef1234567890",), None)
    assert redacting_log_filter(lambda: None).filter(record) is True
    assert record.getMessage() == "auth Bearer [REDACTED:bearer]"


def test_log_filter_survives_bad_format_arguments(redactor: Redactor) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", (TOKEN,), None)
    assert redacting_log_filter(lambda: redactor).filter(record) is True
    assert TOKEN not in record.getMessage()

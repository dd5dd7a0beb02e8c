"""Webhook events: field extraction, exact serialisation, and reading pasted headers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.provider.model import WebhookScheme
from desktop.core.webhooks.events import MASK, WebhookEvent, WebhookFields
from desktop.core.webhooks.headerblock import parse_header_block
from desktop.core.webhooks.signatures import sign, verify

SANDBOX_BODY = json.dumps({
    "id": "evt_42", "type": "message.delivery", "sequence": 3,
    "createdAt": "2026-01-01T00:00:00Z",
    "data": {"messageId": "msg_9", "to": "+14155550123", "from": "num_1",
             "status": "DELIVERED", "externalReference": "order-17"},
}).encode()


def event(body: bytes, headers: tuple[tuple[str, str], ...] = (), **kwargs: object) -> WebhookEvent:
    return WebhookEvent.create(received_at=1.0, method="POST", path="/hook", body=body,
                               headers=headers, **kwargs)  # type: ignore[arg-type]


def test_default_fields_read_the_sandbox_and_red_cloud_payload_shape():
    e = event(SANDBOX_BODY)
    assert (e.event_type, e.message_id, e.sequence, e.external_reference, e.event_id) == (
        "message.delivery", "msg_9", 3, "order-17", "evt_42")


def test_default_fields_also_read_a_flat_payload():
    e = event(b'{"type": "message.sent", "messageId": "m1", "externalReference": "r1"}')
    assert (e.message_id, e.external_reference) == ("m1", "r1")


def test_custom_fields_read_a_twilio_form_callback():
    fields = WebhookFields(event_type="MessageStatus", message_id="MessageSid")
    e = event(b"MessageSid=SM123&MessageStatus=delivered",
              (("Content-Type", "application/x-www-form-urlencoded"),), fields=fields)
    assert (e.event_type, e.message_id) == ("delivered", "SM123")


def test_invalid_jmespath_is_refused_when_the_fields_are_made():
    with pytest.raises(ValueError, match="message_id"):
        WebhookFields(message_id="data.[")


def test_fields_come_from_a_provider_webhook_scheme_before_the_built_in_candidates():
    fields = WebhookFields.from_scheme(WebhookScheme(scheme="redcloud", message_id=("msg.id",)))
    assert fields.message_id[0] == "msg.id"
    assert set(WebhookFields().message_id) <= set(fields.message_id)
    assert fields.event_type == WebhookFields().event_type


@pytest.mark.parametrize("body", [
    b'{"type": "message.delivery", "sequence": 3, "data": {"messageId": "msg_1"}}',
    b'{"type": "message.delivery", "sequence": 3, "messageId": "msg_1"}',
    b'{"type": "message.delivery", "sequence": 3, "message_id": "msg_1"}',
])
def test_the_message_id_is_read_from_the_nested_or_the_flat_shape(body: bytes):
    e = event(body, fields=WebhookFields.from_scheme(WebhookScheme(
        scheme="redcloud", message_id=("data.messageId", "messageId"))))
    assert (e.message_id, e.sequence) == ("msg_1", 3)
    assert e.message_id_field in {"data.messageId", "messageId", "message_id"}


def test_a_candidate_that_finds_an_object_gives_way_to_the_next():
    e = event(b'{"event": {"kind": "x"}, "type": "message.sent", "messageId": "m"}')
    assert e.event_type == "message.sent"


@pytest.mark.parametrize(("raw", "expected"), [
    (3, 3), ("7", 7), (4.0, 4), (True, None), ("x", None), (None, None), ([1], None), (2.5, None),
])
def test_sequence_is_a_whole_number_or_none(raw, expected):
    assert event(json.dumps({"sequence": raw}).encode()).sequence == expected


@pytest.mark.parametrize("body", [b"", b"not json", b"\xff\xfe", b"[1, 2", b"[" * 5000])
def test_a_body_that_is_not_json_has_no_payload_and_no_fields(body):
    e = event(body)
    assert e.payload is None
    assert e.message_id is None
    assert e.event_type is None


def test_non_scalar_field_values_are_ignored():
    e = event(b'{"type": {"nested": 1}, "data": {"messageId": [1, 2]}}')
    assert e.event_type is None
    assert e.message_id is None


def test_journal_record_round_trips_the_exact_body_and_facts():
    body = SANDBOX_BODY + b"\x00\xff"
    headers = (("X-RedCloud-Signature", "abc"), ("X-Multi", "1"), ("x-multi", "2"))
    verification = verify("redcloud", "s", sign("redcloud", "s", body), body)
    original = event(body, headers, verification=verification, source="127.0.0.1:5000")
    copy = WebhookEvent.from_dict(json.loads(json.dumps(original.to_dict())))
    assert copy == original


def test_journal_record_masks_credential_headers_but_keeps_signatures():
    e = event(b"{}", (("Authorization", "Basic dXNlcjpwYXNz"), ("X-Hub-Signature-256", "sha256=1")))
    headers = dict(e.to_dict()["headers"])  # type: ignore[arg-type]
    assert headers["Authorization"] == MASK
    assert headers["X-Hub-Signature-256"] == "sha256=1"
    assert dict(e.to_dict(mask=False)["headers"])["Authorization"] == "Basic dXNlcjpwYXNz"  # type: ignore[arg-type]


# -- pasted headers ----------------------------------------------------------------------------

def test_header_block_tolerates_crlf_a_request_line_and_trailing_blank_lines():
    block = parse_header_block(
        "POST /webhooks?x=1 HTTP/1.1\r\nHost: example.com\r\nX-RedCloud-Timestamp: 1700000000\r\n"
        "X-RedCloud-Signature:abc\r\n\r\n\r\n")
    assert block.headers == (("Host", "example.com"), ("X-RedCloud-Timestamp", "1700000000"),
                             ("X-RedCloud-Signature", "abc"))
    assert block.problems == ()


def test_header_block_stops_at_the_blank_line_before_a_body():
    block = parse_header_block("A: 1\n\n{\"json\": true}\nB: 2\n")
    assert block.headers == (("A", "1"),)


def test_header_block_joins_folded_lines_and_skips_http2_pseudo_headers():
    block = parse_header_block(":authority: example.com\n:method: POST\nX-Long: one\n  two\n")
    assert block.headers == (("X-Long", "one two"),)


def test_header_block_reports_lines_it_cannot_read():
    block = parse_header_block("\n\nGood: yes\nthis is not a header\nBad Name: x\n")
    assert block.headers == (("Good", "yes"),)
    assert [p.split(":")[0] for p in block.problems] == ["line 4", "line 5"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_header_block_never_raises(text):
    block = parse_header_block(text)
    assert all(isinstance(name, str) for name, _ in block.headers)

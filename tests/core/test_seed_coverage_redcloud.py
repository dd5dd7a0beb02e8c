"""Seed 001 (Red Cloud CORE troubleshooting), line by line, against redcloud.toml.

Every symptom of the seed is a row below: a representative response (or a
transport failure, or a synthetic webhook outcome) and the seed's key fact
the diagnosis must state. Debugging order, the 202 note and the
idempotency lint are checklist behaviour and are checked on the data.
"""

from __future__ import annotations

from pathlib import Path

import jmespath
import pytest
from test_seed_coverage_support import Case, check_case, entries_with_symptoms, provider

from desktop.core.provider import Provider, StepKind

TOKEN = "/api/auth/token"
WHOAMI = "/api/core/whoami"
SEND = "/api/core/messages/send"


def core_error(code: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": {}}, "requestId": "req_7Hq2"}


CASES = [
    # Symptom: token request fails — check client_id, client_secret, grant_type, form shape.
    Case("token request fails", "token-invalid-client", status=401, method="POST", path=TOKEN,
         step="token", body={"error": "invalid_client", "error_description": "Bad credentials"},
         mentions=("credentials", "do not retry")),
    Case("token request fails", "token-invalid-client", status=401, method="POST", path=TOKEN,
         step="token", body={"error": "invalid_client", "error_description": "Bad credentials"},
         facts={"secret_whitespace": True}, first_cause="whitespace"),
    Case("token request fails", "token-invalid-client", status=401, method="POST", path=TOKEN,
         step="token", body={"error": "invalid_client"},
         facts={"client_id_whitespace": True}, first_cause="client id"),
    Case("inactive API client", "token-inactive-client", status=401, method="POST", path=TOKEN,
         step="token", body={"error": "invalid_client",
                             "error_description": "API client is inactive"},
         mentions=("inactive", "api client")),
    Case("inactive parent account", "token-inactive-client", status=401, method="POST",
         path=TOKEN, step="token",
         body={"error": "invalid_client", "error_description": "Parent account disabled"},
         mentions=("parent account",)),
    Case("malformed token request", "token-unsupported-grant", status=400, method="POST",
         path=TOKEN, step="token", body={"error": "unsupported_grant_type"},
         mentions=("grant_type=client_credentials",)),
    Case("form-encoded request shape", "token-malformed", status=400, method="POST", path=TOKEN,
         step="token", body={"error": "invalid_request", "error_description": "JSON refused"},
         mentions=("form-encoded", "grant_type=client_credentials")),
    # Symptom: /api/core/whoami fails — bearer format, fresh token, expiry.
    Case("/api/core/whoami fails", "core-unauthorized", status=401, path=WHOAMI, step="whoami",
         body=core_error("UNAUTHORIZED", "Token expired"), facts={"token_fresh": False},
         first_cause="expired", mentions=("fresh token", "retry once")),
    Case("/api/core/whoami fails", "core-unauthorized", status=401, path=WHOAMI, step="whoami",
         body=core_error("UNAUTHORIZED", "Invalid token"), facts={"token_fresh": True},
         first_cause="inactive", mentions=("invalid",)),
    Case("missing or malformed Authorization header", "core-unauthorized", status=401,
         path=WHOAMI, step="whoami", body=core_error("UNAUTHORIZED", "Missing bearer token"),
         facts={"token_fresh": True, "auth_header_sent": False}, first_cause="authorization",
         mentions=("bearer",)),
    Case("inactive client context", "client-inactive", status=403, path=WHOAMI, step="whoami",
         body=core_error("FORBIDDEN", "API client is inactive."), facts={"token_fresh": True},
         mentions=("reactivate", "fresh token will not help")),
    Case("/api/core/whoami fails", "core-unauthorized", status=401, path=WHOAMI, step="whoami",
         body=core_error("UNAUTHORIZED", "Malformed Authorization header: expected 'Bearer "
                         "<token>'."), facts={"token_fresh": True}, first_cause="'bearer <token>'"),
    Case("/api/core/whoami fails", "core-unauthorized", status=401, path=WHOAMI, step="whoami",
         body=core_error("UNAUTHORIZED", "The bearer token expired: get a fresh token."),
         facts={"token_fresh": True}, first_cause="expired"),
    # Symptom: /api/core/numbers succeeds but sends fail.
    Case("using E.164 in sendFrom", "send-sendfrom-phone-number", status=400, method="POST",
         path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "sendFrom must be a numberId, not a phone number"),
         mentions=("numberid", "instead of the numberid")),
    Case("/api/core/numbers succeeds but sends fail", "send-number-inactive", status=400,
         method="POST", path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "sendFrom number is not ACTIVE (status SUSPENDED)."),
         mentions=("active",)),
    Case("sending with a number not enabled for the intended message type",
         "send-not-enabled-for-type", status=400, method="POST", path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "Number is not enabled for MMS"),
         mentions=("smsenabled", "mmsenabled")),
    Case("/api/core/numbers succeeds but sends fail", "send-no-campaign", status=400,
         method="POST", path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "sendFrom must have campaignregId configured"),
         mentions=("campaign registration",)),
    # Symptom: send request returns 400 INVALID_REQUEST.
    Case("missing Idempotency-Key", "send-missing-idempotency-key", status=400, method="POST",
         path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "Idempotency-Key header is required"),
         mentions=("idempotency-key", "reuse")),
    Case("invalid recipient format", "send-invalid-recipient", status=400, method="POST",
         path=SEND, step="send",
         body=core_error("INVALID_REQUEST", "to[0] is not a valid E.164 number"),
         mentions=("e.164", "+14155550123")),
    Case("SMS request including media", "send-media-rules", status=400, method="POST",
         path=SEND, step="send", body=core_error("INVALID_REQUEST", "media not allowed for SMS"),
         mentions=("sms request includes media",)),
    Case("MMS request missing media", "send-media-rules", status=400, method="POST", path=SEND,
         step="send", body=core_error("INVALID_REQUEST", "media is required for MMS"),
         mentions=("mms request has no media",)),
    Case("invalid request shape", "send-invalid-request", status=400, method="POST", path=SEND,
         step="send", body=core_error("INVALID_REQUEST", "messageType must be SMS or MMS"),
         mentions=("body shape", "do not retry an unchanged")),
    # Symptom: send request returns 403 FORBIDDEN.
    Case("send request returns 403 FORBIDDEN", "send-forbidden", status=403, method="POST",
         path=SEND, step="send",
         body=core_error("FORBIDDEN", "sendFrom is not a number owned by this API client."),
         mentions=("ownership", "different api client", "whoami", "numbers", "numberid")),
    # Symptom: 202 but no delivery; no webhook events arrive.
    Case("send request returns 202 but no delivery happens", "webhook-none-arrived",
         code="webhook_timeout", step="webhook",
         mentions=("webhook receipts", "message.sent", "message.delivery", "message.failed",
                   "processing bug", "downstream failure")),
    Case("no webhook events arrive", "webhook-none-arrived", code="webhook_timeout",
         step="webhook",
         mentions=("not publicly reachable", "non-2xx", "not enabled", "rejects genuine events",
                   "temporary endpoint")),
    Case("invalid signature verification logic", "webhook-bad-signature",
         code="webhook_signature_invalid", step="webhook",
         mentions=("raw", "hmac-sha256", "timestamp + '.' + raw body")),
    Case("provider-side downstream failure reported later by webhook", "webhook-message-failed",
         code="webhook_failed_event", step="webhook", mentions=("not a send-path problem",)),
    Case("inbound and delivery webhook configuration is actually enabled", "webhook-wrong-type",
         code="webhook_wrong_type", step="webhook", mentions=("delivery webhooks",)),
    # Symptom: duplicate messages appear (a retry after an ambiguous timeout with a new key).
    Case("a timeout caused a retry with a new key", "send-timeout-retry-same-key",
         method="POST", path=SEND, step="send", transport="read_timeout",
         mentions=("same idempotency-key", "twice")),
    Case("duplicate messages appear", "send-timeout-retry-same-key", method="POST", path=SEND,
         step="send", transport="reset", mentions=("same idempotency-key",)),
    Case("duplicate messages appear", "idempotency-conflict", status=409, method="POST",
         path=SEND, step="send", body=core_error("CONFLICT", "Idempotency-Key reused"),
         mentions=("new key for a new operation",)),
]


@pytest.fixture
def redcloud(tmp_path: Path) -> Provider:
    return provider("redcloud", tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_seed_symptom_is_explained_by_its_catalog_entry(case: Case, redcloud: Provider) -> None:
    check_case(case, redcloud)


def test_every_catalog_entry_naming_seed_symptoms_has_a_case(redcloud: Provider) -> None:
    assert entries_with_symptoms(redcloud) <= {case.entry for case in CASES}


def test_checklist_follows_the_seeds_debugging_order(redcloud: Provider) -> None:
    steps = [(step.id, step.kind) for step in redcloud.checklist]
    assert steps == [
        ("token", StepKind.TOKEN),
        ("whoami", StepKind.REQUEST),
        ("numbers", StepKind.REQUEST),
        ("send", StepKind.REQUEST),
        ("webhook", StepKind.WEBHOOK),
    ]


def test_token_is_requested_form_encoded_with_client_credentials(redcloud: Provider) -> None:
    assert redcloud.auth.token_path == TOKEN
    assert redcloud.auth.body == "form"


def test_numbers_step_picks_an_active_number_enabled_for_the_type(redcloud: Provider) -> None:
    numbers = redcloud.step("numbers")
    assert numbers is not None
    extract = dict(numbers.extract)
    assert "numberId" in extract
    assert "ACTIVE" in extract["numberId"]
    assert "smsEnabled" in extract["numberId"]
    assert any("vars.numberId" in e.that for e in numbers.expect)


def test_send_step_states_that_202_queued_is_not_delivery(redcloud: Provider) -> None:
    send = redcloud.step("send")
    assert send is not None
    assert send.sends_message
    assert "recipient" in send.requires
    assert "202" in send.note
    assert "webhook" in send.note.lower()
    assert send.request is not None
    assert dict(send.request.headers)["Idempotency-Key"] == "{{uuid}}"


def test_webhook_step_waits_for_the_lifecycle_events(redcloud: Provider) -> None:
    webhook = redcloud.step("webhook")
    assert webhook is not None
    assert webhook.webhook is not None
    assert set(webhook.webhook.events) == {"message.sent", "message.delivery", "message.failed"}


def test_idempotency_lint_offers_a_generated_key(redcloud: Provider) -> None:
    rule = next(r for r in redcloud.lint if r.rule == "required_header")
    assert rule.params == {"header": "Idempotency-Key", "fix": "generate_uuid"}


def test_sendfrom_and_recipients_are_linted(redcloud: Provider) -> None:
    rules = [(r.rule, r.params) for r in redcloud.lint]
    assert ("not_phone_number", {"field": "sendFrom"}) in rules
    assert ("e164", {"fields": ["to[]"]}) in rules
    assert any(rule == "media_matches_type" for rule, _ in rules)


def test_escalation_request_id_is_read_beside_the_error_wrapper(redcloud: Provider) -> None:
    body = core_error("FORBIDDEN", "Forbidden")
    found = [jmespath.search(expression, body) for expression in redcloud.request_id_body]
    assert "req_7Hq2" in found

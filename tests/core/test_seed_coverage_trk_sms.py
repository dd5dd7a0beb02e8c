"""Seed 003 (SMS marketing API with trk_ keys: error codes), table by table.

Every error code of the seed's tables is a row with its {error, code} body;
the troubleshooting notes (wrong header, whitespace, E.164, other account's
list_number, 1,000-item batches, 1,600 characters, account-scoped ids) are
checked against the credentials step, the catalog's ranking and lint.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_seed_coverage_support import Case, check_case, entries_with_symptoms, provider

from desktop.core.checklist import expect
from desktop.core.provider import Provider, StepKind

KEY = "trk_" + "a1B2c3D4" * 4


def err(code: str, text: str) -> dict[str, str]:
    return {"error": text, "code": code}


def row(code: str, entry: str, text: str, status: int = 400, *, path: str = "/send",
        method: str = "POST", mentions: tuple[str, ...] = (), symptom: str | None = None,
        **extra: object) -> Case:
    return Case(symptom or code, entry, status=status, method=method, path=path,
                body=err(code, text), mentions=mentions, **extra)  # type: ignore[arg-type]


CASES = [
    # Authentication errors (401).
    row("missing_api_key", "missing-api-key", "API key required", 401, method="GET",
        path="/lists", mentions=("x-api-key", "not authorization")),
    row("missing_api_key", "missing-api-key", "API key required", 401, method="GET",
        path="/lists", facts={"auth_header_sent": False}, first_cause="no key went out"),
    row("invalid_api_key", "invalid-api-key", "Invalid API key", 401, method="GET",
        path="/lists", mentions=("revoked or rotated", "dashboard > settings > api keys",
                                 "trk_", "generate a new key")),
    row("invalid_api_key", "invalid-api-key", "Invalid API key", 401, method="GET",
        path="/lists", facts={"key_whitespace": True}, first_cause="space or line break",
        symptom="Extra whitespace or newline characters in the key value"),
    row("invalid_api_key", "invalid-api-key", "Invalid API key", 401, method="GET",
        path="/lists", facts={"key_whitespace": False, "key_format_ok": False},
        first_cause="trk_ + 32 letters or digits"),
    # General validation (400).
    row("not_found", "reference-not-found", "Resource not found",
        symptom="not_found (400)", mentions=("another account",)),
    row("confirm_required", "confirm-required", "confirm must be true", method="DELETE",
        path="/contacts/665a1b2c3d4e5f6a7b8c9d0e", mentions=("confirm: true",)),
    # Send / message validation.
    row("missing_to", "send-missing-field", "to is required", mentions=("missing_to: to",)),
    row("missing_list_number", "send-missing-field", "list_number is required",
        mentions=("list_number",)),
    row("missing_body", "send-missing-field", "body is required", mentions=("missing_body: body",)),
    row("invalid_phone", "invalid-phone", "Invalid recipient phone number format",
        mentions=("e.164", "+14155551234", "country code")),
    row("invalid_phone", "invalid-phone", "Invalid E.164 phone number format",
        path="/contacts", symptom="Phone numbers missing the + prefix or country code",
        mentions=("lacks the +",)),
    row("invalid_list_number", "invalid-list-number", "Invalid list_number E.164 format",
        mentions=("e.164",)),
    row("not_sendable", "not-sendable", "VOIP numbers not allowed by account settings",
        mentions=("voip", "account")),
    row("missing_messages", "bulk-array-missing", "messages array is required",
        path="/send/bulk", mentions=("messages",)),
    row("list_not_found", "list-not-found", "Sending list not found for this list_number",
        mentions=("another account", "list call")),
    row("list_not_found", "list-not-found", "Sending list not found for this list_number",
        symptom="Sending to a list_number that belongs to a different account",
        mentions=("belongs to another account",)),
    row("webhook_not_configured", "webhook-not-configured",
        "Webhook verification required before sending", mentions=("byoc", "verif")),
    # Phone number validation.
    row("missing_phone_number", "missing-phone-number", "phone_number is required",
        path="/contacts", mentions=("phone_number", "e.164")),
    # Creative validation.
    row("missing_name", "creative-missing-field", "name is required", path="/creatives",
        mentions=("name",)),
    row("missing_message", "creative-missing-field", "message is required", path="/creatives",
        mentions=("message",)),
    row("missing_offer_links", "creative-missing-field", "offer_links is required",
        path="/creatives", mentions=("offer_links", "{{linkn}}")),
    row("name_too_long", "creative-name-too-long", "name must be 255 characters or less",
        path="/creatives", mentions=("255",)),
    row("message_too_long", "creative-message-too-long",
        "message must be 1600 characters or less", path="/creatives", mentions=("1,600",)),
    row("message_too_long", "creative-message-too-long",
        "message must be 1600 characters or less", path="/creatives",
        symptom="Creative message body exceeding the 1,600 character limit"),
    row("invalid_status", "creative-invalid-choice", "status must be one of: active, paused",
        path="/creatives", mentions=("one of the values",)),
    row("invalid_creative_type", "creative-invalid-choice",
        "creative_type must be one of: automated, one_time, welcome", path="/creatives"),
    row("missing_link_placeholder", "missing-link-placeholder",
        "message must contain at least one {{linkN}} placeholder", path="/creatives",
        mentions=("{{link1}}", "offer_links")),
    row("missing_offer_links_for_placeholders", "offer-links-mismatch",
        "Missing offer_links for placeholders: link2", path="/creatives",
        mentions=("placeholder", "key")),
    row("missing_offer_link_key", "offer-links-mismatch", "offer_link key is required",
        path="/creatives", mentions=("key",)),
    row("missing_offer_link_offer_id", "offer-links-mismatch", "offer_link offer_id is required",
        path="/creatives", mentions=("offer_id",)),
    row("offer_not_found", "offer-not-found", "Offer not found: offer_abc123", path="/creatives",
        mentions=("another account",)),
    # Contact validation.
    row("missing_contacts", "bulk-array-missing", "contacts array is required",
        path="/contacts/bulk", mentions=("contacts",)),
    row("missing_records", "bulk-array-missing", "records array is required",
        path="/import/sends", mentions=("records",)),
    # Audience validation.
    row("missing_filter", "audience-invalid", "filter is required", path="/audiences",
        mentions=("filter",)),
    row("missing_audiences", "audience-invalid", "audiences is required", path="/schedules",
        mentions=("audiences",)),
    row("invalid_condition_type", "audience-invalid", "Invalid condition type",
        path="/audiences", mentions=("condition",)),
    row("invalid_time_field", "audience-invalid", "Invalid time field", path="/audiences",
        mentions=("field",)),
    row("invalid_time_operator", "audience-invalid", "Invalid time operator", path="/audiences",
        mentions=("operator",)),
    # Resource limits (413).
    row("too_many_messages", "too-many-items", "Maximum 1000 messages per request", 413,
        path="/send/bulk", mentions=("1,000", "batches", "one after the other",
                                     "error_count", "errors")),
    row("too_many_contacts", "too-many-items", "Maximum 1000 contacts per request", 413,
        path="/contacts/bulk"),
    row("too_many_records", "too-many-items", "Maximum 1000 records per request", 413,
        path="/import/sends"),
    row("too_many_records", "too-many-items", "Maximum 1000 records per request", 413,
        path="/import/sends", symptom="Bulk request arrays exceeding the 1,000 item limit"),
    Case("Use the response error_count and errors array to identify and retry failed items",
         "bulk-partial-errors", status=200, method="POST", path="/send/bulk",
         body={"queued_count": 998, "error_count": 2,
               "errors": [{"index": 3, "code": "invalid_phone", "error": "Invalid phone"}]},
         mentions=("errors", "resend only those")),
    # Not found (404).
    row("not_found", "resource-not-found", "Contact not found", 404, method="GET",
        path="/contacts/665a1b2c3d4e5f6a7b8c9d0e", symptom="not_found (404)",
        mentions=("account-scoped", "deleted", "objectid", "list endpoint")),
    row("not_found", "resource-not-found", "Creative not found", 404, method="GET",
        path="/creatives/101", symptom="Using an ID from a different account",
        first_cause="another account"),
    row("not_found", "resource-not-found", "Schedule not found", 404, method="GET",
        path="/schedules/5", symptom="Referencing a resource that was deleted",
        mentions=("deleted",)),
    row("not_found", "resource-not-found", "Schedule not found", 404, method="GET",
        path="/schedules/5", symptom="Typo in the resource ID", mentions=("typo",)),
    # Found before anything is sent: the credentials step.
    Case("missing_api_key", "credentials-missing", code="credentials_missing",
         step="credentials", mentions=("dashboard > settings > api keys",)),
    Case("Extra whitespace or newline characters in the key value", "credentials-whitespace",
         code="credentials_whitespace", step="credentials", mentions=("whitespace",)),
    Case("Verify the key format (trk_[32-char-alphanumeric])", "key-format", code="key_format",
         step="credentials", mentions=("trk_ followed by 32 letters or digits",)),
    Case("Key is being sent in the wrong header (must be X-Api-Key, not Authorization)",
         "key-in-wrong-header", code="key_in_wrong_header", step="credentials",
         mentions=("x-api-key: trk_", "authorization")),
    row("missing_api_key", "missing-api-key", "API key required", 401, method="GET",
        path="/lists",
        symptom="Key is being sent in the wrong header (must be X-Api-Key, not Authorization)",
        mentions=("authorization",)),
    row("invalid_api_key", "invalid-api-key", "Invalid API key", 401, method="GET",
        path="/lists", symptom="API key was revoked or rotated in the dashboard",
        mentions=("revoked or rotated",)),
]

SEED_CODES = {
    "missing_api_key", "invalid_api_key", "not_found", "confirm_required", "missing_to",
    "missing_list_number", "missing_body", "invalid_phone", "invalid_list_number",
    "not_sendable", "missing_messages", "list_not_found", "webhook_not_configured",
    "missing_phone_number", "missing_name", "missing_message", "missing_offer_links",
    "name_too_long", "message_too_long", "invalid_status", "invalid_creative_type",
    "missing_link_placeholder", "missing_offer_links_for_placeholders",
    "missing_offer_link_key", "missing_offer_link_offer_id", "offer_not_found",
    "missing_contacts", "missing_records", "missing_filter", "missing_audiences",
    "invalid_condition_type", "invalid_time_field", "invalid_time_operator",
    "too_many_messages", "too_many_contacts", "too_many_records",
}


@pytest.fixture
def trk(tmp_path: Path) -> Provider:
    return provider("trk-sms", tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_seed_error_code_is_explained_by_its_catalog_entry(case: Case, trk: Provider) -> None:
    check_case(case, trk)


def test_every_code_of_the_seeds_tables_has_a_case() -> None:
    tested = {case.body["code"] for case in CASES if isinstance(case.body, dict)
              and "code" in case.body}
    assert tested == SEED_CODES


def test_every_catalog_entry_naming_seed_symptoms_has_a_case(trk: Provider) -> None:
    assert entries_with_symptoms(trk) <= {case.entry for case in CASES}


def test_code_is_read_from_code_and_never_from_the_human_text(trk: Provider) -> None:
    assert trk.error_code_fields == ("code",)
    assert trk.error_message_fields[0] == "error"


# -- the key ---------------------------------------------------------------------------------------


def test_key_goes_in_x_api_key_and_has_the_trk_format(trk: Provider) -> None:
    auth = trk.auth
    assert (auth.type.value, auth.header) == ("api_key", "X-Api-Key")
    assert auth.key_pattern is not None
    assert "32" in auth.key_format
    assert re.fullmatch(auth.key_pattern, KEY)
    for bad in (KEY[:-1], KEY + "x", KEY.replace("trk_", "trk-"), f" {KEY}", "trk_" + "_" * 32):
        assert not re.fullmatch(auth.key_pattern, bad)


def test_keys_are_redacted_wherever_they_appear(trk: Provider) -> None:
    assert ("trk_api_key", "trk_[A-Za-z0-9]{32}") in trk.secret_patterns
    _, pattern = trk.secret_patterns[0]
    assert re.search(pattern, f"curl -H 'X-Api-Key: {KEY}' ...")


def test_a_trk_key_in_authorization_is_flagged_by_lint(trk: Provider) -> None:
    rule = next(r for r in trk.lint if r.id == "key-not-in-authorization")
    assert rule.params["header"] == "Authorization"
    assert re.search(rule.params["forbid"], f"Bearer {KEY}")
    assert not re.search(rule.params["forbid"], "Bearer some-proxy-token")


# -- checklist -------------------------------------------------------------------------------------


def test_checklist_runs_key_then_list_then_send_then_status(trk: Provider) -> None:
    assert [(s.id, s.kind) for s in trk.checklist] == [
        ("credentials", StepKind.CREDENTIALS),
        ("key-accepted", StepKind.REQUEST),
        ("list-number", StepKind.REQUEST),
        ("send", StepKind.REQUEST),
        ("delivery-status", StepKind.MANUAL),
    ]


def test_undocumented_paths_are_profile_settings(trk: Provider) -> None:
    defaults = trk.setting_defaults()
    assert defaults["lists_path"]
    assert defaults["send_path"]
    send = trk.step("send")
    assert send is not None
    assert send.request is not None
    assert send.request.path == "{{send_path}}"
    assert send.request.json == {"to": "{{recipient}}", "list_number": "{{list_number}}",
                                 "body": "{{message_text}}"}
    assert set(send.requires) == {"recipient", "list_number"}
    assert send.sends_message


LISTS = {"lists": [{"id": 42, "phone_number": "+12025551234", "status": "active"},
                   {"id": 43, "phone_number": "+12025559876", "status": "paused"}]}


@pytest.mark.parametrize(("list_number", "failures"), [
    ("+12025551234", []),
    ("+12025559876", ["not active"]),
    ("+18005551000", ["is not one of this account's sending lists"]),
])
def test_list_number_must_belong_to_the_account(
    trk: Provider, list_number: str, failures: list[str]
) -> None:
    step = trk.step("list-number")
    assert step is not None
    assert step.requires == ("list_number",)
    values = {"list_number": list_number}
    document = {"status": 200, "json": LISTS, "headers": {}, "text": "", "vars": values}
    variables, _ = expect.extract(step.extract, document, values)
    document["vars"] = {**values, **variables}
    failed = [u.says for u in expect.check(step.expect, document, document["vars"])]
    assert len(failed) == len(failures)
    for says, expected in zip(failed, failures, strict=True):
        assert expected in says


# -- lint ------------------------------------------------------------------------------------------


def rule(trk: Provider, rule_id: str):
    return next(r for r in trk.lint if r.id == rule_id)


def test_phone_fields_are_linted_as_e164(trk: Provider) -> None:
    fields = rule(trk, "phone-e164").params["fields"]
    for name in ("to", "list_number", "phone_number", "messages[].to"):
        assert name in fields


def test_bulk_arrays_are_limited_to_1000_items(trk: Provider) -> None:
    for rule_id, field in (("bulk-messages", "messages"), ("bulk-contacts", "contacts"),
                           ("bulk-records", "records")):
        assert rule(trk, rule_id).params == {"field": field, "max": 1000}


def test_creative_limits_and_link_placeholders(trk: Provider) -> None:
    assert rule(trk, "creative-message-length").params == {"fields": ["message"], "max": 1600}
    assert rule(trk, "creative-name-length").params == {"fields": ["name"], "max": 255}
    assert rule(trk, "creative-link-placeholders").params == {
        "field": "message", "links_field": "offer_links", "key": "key"}


def test_destructive_operations_need_confirm_true(trk: Provider) -> None:
    assert rule(trk, "confirm-destructive").params == {"fields": ["confirm"]}
    regex = rule(trk, "confirm-true").params["regex"]
    assert re.search(regex, "true")
    assert not re.search(regex, "false")

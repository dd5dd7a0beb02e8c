"""Seed 002 (Viber/SMS campaigns errors and troubleshooting), line by line.

Each error example of the seed is a row with its exact body shape
({error, message, validationErrors}); the troubleshooting lists (messages not
delivering, templates not creating, rate limits, survey responses,
authentication) are checked against the checklist, lint rules and catalog.
"""

from __future__ import annotations

from pathlib import Path

import jmespath
import pytest
from test_seed_coverage_support import Case, check_case, entries_with_symptoms, provider

from desktop.core.checklist import expect
from desktop.core.provider import Provider, StepKind

CAMPAIGN = "660e8400-e29b-41d4-a716-446655440001"
ADD_MESSAGE = f"/api/v1/viber/campaigns/{CAMPAIGN}/messages"


def error(kind: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": kind, "message": message, **extra}


MISSING_KEY = error("Unauthorized",
                    "Missing or invalid X-API-Key header. Please provide a valid API key.")
REVOKED_KEY = error("Unauthorized", "Invalid or revoked API key. Please check your credentials.")
INVALID_OR_MISSING = error("Unauthorized",
                           "Invalid or missing API key. Please check your credentials.")
CAPACITY = error(
    "Rate limit exceeded",
    "Too many pending messages. You have 48500 pending messages and requested 5000 more. "
    "Maximum allowed: 50000. Available capacity: 1500.",
    currentPending=48500, requestedCount=5000, maxAllowed=50000, availableCapacity=1500,
    retryAfterSeconds=30)


def status_list(details: str) -> dict[str, object]:
    return {"messages": [{"phoneNumber": "38970123456", "status": "Failed", "details": details}]}


CASES = [
    # 401 Unauthorized: the three documented bodies.
    Case("Missing API Key", "key-header-missing", status=401, path="/api/v1/viber-services",
         step="key-accepted", body=MISSING_KEY, mentions=("x-api-key header",)),
    Case("Verify header name", "key-header-missing", status=401, path="/api/v1/viber-services",
         body=MISSING_KEY, facts={"auth_header_sent": False}, first_cause="no key went out"),
    Case("Invalid API Key", "key-revoked", status=401, path="/api/v1/viber-services",
         body=REVOKED_KEY, mentions=("revoked", "dashboard")),
    Case("Use correct environment - Development vs production keys", "key-revoked", status=401,
         path="/api/v1/viber-services", body=REVOKED_KEY, facts={"environment_mismatch": True},
         first_cause="development and production keys differ"),
    Case("Invalid or Missing API Key", "key-invalid-or-missing", status=401,
         path="/api/v1/campaigns", body=INVALID_OR_MISSING,
         mentions=("x-api-key", "generate a new key", "contact support")),
    Case("Invalid or Missing API Key", "key-invalid-or-missing", status=401,
         path="/api/v1/campaigns", body=INVALID_OR_MISSING, facts={"key_whitespace": True},
         first_cause="space or line break"),
    Case("401 Unauthorized", "unauthorized", status=401, path="/api/v1/campaigns",
         body=error("Unauthorized", "Unauthorized"), mentions=("development and production",)),
    # 404 Not Found.
    Case("Template Not Found", "template-not-found", status=404, method="POST",
         path="/api/v1/viber/send",
         body=error("Not Found", "Template not found or access denied"),
         mentions=("templateid", "your company's")),
    Case("Resource Not Found", "campaign-not-found", status=404,
         path=f"/api/v1/campaigns/{CAMPAIGN}", body=error("Not Found", "Campaign not found"),
         mentions=("campaign id",)),
    Case("Resource Not Found", "not-found", status=404, path="/api/v1/sms-senders/9",
         body=error("Not Found", "Sender not found"), mentions=("verify the id",)),
    # 400 Bad Request: every documented body.
    Case("Invalid Phone Number", "invalid-phone", status=400, method="POST", path=ADD_MESSAGE,
         body=error("Bad Request", "Invalid phone number format",
                    validationErrors={"phoneNumber": "Phone number must be 10-15 digits"}),
         mentions=("10 to 15 digits", "leading +")),
    Case("Too Many Recipients", "too-many-recipients", status=400, method="POST",
         path="/api/v1/viber/send",
         body=error("Bad Request", "Maximum 200000 recipients allowed per request"),
         mentions=("200,000", "batches")),
    Case("Media URL Not Accessible", "media-url", status=400, method="POST",
         path="/api/v1/templates/viber",
         body=error("Bad Request", "Image URL is not accessible",
                    validationErrors={"imageUrl": "URL must be HTTPS and publicly accessible"}),
         mentions=("https", "without authentication", "valid response")),
    Case("Campaign Not InProgress", "campaign-not-in-progress", status=400, method="POST",
         path=ADD_MESSAGE,
         body=error("Campaign is not active", "Campaign status is Draft. Messages can only be "
                    "added to InProgress campaigns."),
         mentions=("inprogress",)),
    Case("Cannot Add Messages to Bulk Campaign", "bulk-campaign", status=400, method="POST",
         path=ADD_MESSAGE, body=error("Bad Request", "Cannot add messages to bulk campaign"),
         mentions=("transactional", "bulk send endpoints")),
    Case("Campaign Channel Type Mismatch", "channel-mismatch", status=400, method="POST",
         path=f"/api/v1/sms/campaigns/{CAMPAIGN}/messages",
         body=error("Bad Request", "Campaign is not an SMS campaign"),
         mentions=("channel",)),
    Case("Template Validation Errors", "template-validation", status=400, method="POST",
         path="/api/v1/templates/viber",
         body=error("Bad Request", "Template validation failed",
                    validationErrors={"templateContent": "Template content is required",
                                      "name": "Template name must be unique"}),
         mentions=("validationerrors",)),
    Case("Templates Not Creating", "template-validation", status=400, method="POST",
         path="/api/v1/templates/viber",
         body=error("Bad Request", "Template validation failed",
                    validationErrors={"messageType": "Must be between 1 and 8"}),
         mentions=("1 to 8", "viber-services", "https", "85 characters", "2 to 5",
                   "2 to 38 characters")),
    # 429: pending-message capacity.
    Case("Rate Limit Exceeded (Pending Message Capacity)", "pending-capacity", status=429,
         method="POST", path="/api/v1/viber/send", body=CAPACITY,
         mentions=("retryafterseconds", "exponential backoff", "availablecapacity")),
    Case("Rate Limit Issues", "pending-capacity", status=429, method="POST",
         path="/api/v1/viber/send", body=CAPACITY, mentions=("batch", "queue")),
    # 500.
    Case("500 Internal Server Error", "server-error", status=500, path="/api/v1/campaigns",
         body=error("Internal Server Error", "An unexpected error occurred"),
         mentions=("retry", "request id", "sanitised request body")),
    # Messages not delivering: Viber-specific codes with SMS fallback.
    Case("8 USER_BLOCKED", "viber-user-blocked", status=200, path="/api/v1/messages",
         step="status", body=status_list("8 USER_BLOCKED"),
         mentions=("blocked", "smsfallbackenabled")),
    Case("9 NOT_VIBER_USER", "viber-not-viber-user", status=200, path="/api/v1/messages",
         step="status", body=status_list("NOT_VIBER_USER (9)"),
         mentions=("not registered on viber", "smsfallbackdeliveredcount")),
    Case("Recipient not on Viber", "viber-not-viber-user", status=200, path="/api/v1/messages",
         body=status_list("NOT_VIBER_USER"), mentions=("sms",)),
    Case("10 NO_SUITABLE_DEVICE", "viber-no-device", status=200, path="/api/v1/messages",
         body=status_list("NO_SUITABLE_DEVICE"), mentions=("device", "smsfallbackenabled")),
    # Authentication issues, found before anything is sent.
    Case("Verify header name - Must be X-API-Key", "key-in-wrong-header",
         code="key_in_wrong_header", step="credentials", mentions=("x-api-key",)),
    Case("Check for whitespace - No leading/trailing spaces in key", "credentials-whitespace",
         code="credentials_whitespace", step="credentials", mentions=("whitespace",)),
    Case("Missing API Key", "credentials-missing", code="credentials_missing",
         step="credentials", mentions=("development or production",)),
]


@pytest.fixture
def viber(tmp_path: Path) -> Provider:
    return provider("viber-campaigns", tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_seed_symptom_is_explained_by_its_catalog_entry(case: Case, viber: Provider) -> None:
    check_case(case, viber)


def test_every_catalog_entry_naming_seed_symptoms_has_a_case(viber: Provider) -> None:
    assert entries_with_symptoms(viber) <= {case.entry for case in CASES}


def test_error_body_fields_are_error_message_and_validation_errors(viber: Provider) -> None:
    assert viber.error_code_fields == ("error",)
    assert viber.error_message_fields == ("message",)


def test_capacity_fields_of_the_429_body_feed_the_rate_limit_picture(viber: Provider) -> None:
    fields = dict(viber.ratelimit.body_fields)
    read = {name: jmespath.search(expression, CAPACITY) for name, expression in fields.items()}
    assert read == {"retry_after": 30, "current_pending": 48500, "requested_count": 5000,
                    "max_allowed": 50000, "available_capacity": 1500}


# -- authentication --------------------------------------------------------------------------------


def test_key_goes_in_x_api_key_and_has_no_documented_format(viber: Provider) -> None:
    assert viber.auth.type.value == "api_key"
    assert viber.auth.header == "X-API-Key"
    assert viber.auth.key_pattern is None


def test_development_and_production_keys_differ(viber: Provider) -> None:
    development = viber.environment("development")
    production = viber.environment("production")
    assert development is not None
    assert production is not None
    assert production.production
    assert not development.production
    assert "keys are different" in development.note
    assert all(env.per_customer for env in (development, production))


def test_an_authorization_header_is_flagged_by_lint(viber: Provider) -> None:
    rule = next(r for r in viber.lint if r.id == "key-not-in-authorization")
    assert rule.params["header"] == "Authorization"


# -- checklist -------------------------------------------------------------------------------------


def test_checklist_runs_key_then_resources_then_send_then_status(viber: Provider) -> None:
    assert [(s.id, s.kind) for s in viber.checklist] == [
        ("credentials", StepKind.CREDENTIALS),
        ("key-accepted", StepKind.REQUEST),
        ("campaign", StepKind.REQUEST),
        ("template", StepKind.REQUEST),
        ("send", StepKind.REQUEST),
        ("status", StepKind.REQUEST),
    ]


def test_key_is_proved_with_the_viber_services_list(viber: Provider) -> None:
    step = viber.step("key-accepted")
    assert step is not None
    assert step.request is not None
    assert step.request.path == "/api/v1/viber-services"


def campaign_document(**fields: object) -> dict[str, object]:
    json = {"campaignId": CAMPAIGN, "status": "InProgress", "channel": "Viber",
            "sendingMode": "Transactional", "smsFallbackDeliveredCount": 3, **fields}
    return {"status": 200, "json": json, "headers": {}, "text": "", "vars": {}}


def failing(step_expectations: tuple, document: dict[str, object], channel: str) -> list[str]:
    failed = []
    for expectation in step_expectations:
        that = expectation.that.replace("{{send_channel}}", channel)
        if not jmespath.search(that, document):
            failed.append(expectation.says)
    return failed


@pytest.mark.parametrize(("fields", "channel", "problem"), [
    ({}, "viber", None),
    ({"status": "Draft"}, "viber", "not InProgress"),
    ({"status": "Paused"}, "viber", "not InProgress"),
    ({"sendingMode": "Bulk"}, "viber", "bulk campaign"),
    ({"channel": "Smpp"}, "viber", "channel does not match"),
    ({"channel": "Smpp"}, "sms", None),
])
def test_campaign_step_requires_in_progress_transactional_and_same_channel(
    viber: Provider, fields: dict[str, object], channel: str, problem: str | None
) -> None:
    step = viber.step("campaign")
    assert step is not None
    assert step.requires == ("campaign_id",)
    failed = failing(step.expect, campaign_document(**fields), channel)
    if problem is None:
        assert failed == []
    else:
        assert len(failed) == 1
        assert problem in failed[0]
    assert dict(step.extract)["sms_fallback_delivered"] == "json.smsFallbackDeliveredCount"


def test_template_step_checks_type_and_warns_without_sms_fallback(viber: Provider) -> None:
    step = viber.step("template")
    assert step is not None
    assert step.requires == ("template_id",)
    document = {"status": 200, "vars": {},
                "json": {"channelType": "Viber", "messageType": 6, "smsFallbackEnabled": False}}
    failed = [e for e in step.expect if not jmespath.search(e.that, document)]
    assert [e.severity for e in failed] == ["warn"]
    assert "8, 9, 10" in failed[0].says


def test_survey_responses_need_type_6_a_campaign_and_delivery(viber: Provider) -> None:
    step = viber.step("template")
    assert step is not None
    assert "type 6" in step.note
    assert "campaign" in step.note
    assert "delivered" in step.note


def test_send_adds_one_message_to_the_campaign(viber: Provider) -> None:
    step = viber.step("send")
    assert step is not None
    assert step.request is not None
    assert step.sends_message
    assert step.request.path == "/api/v1/{{send_channel}}/campaigns/{{campaign_id}}/messages"
    assert set(step.requires) == {"recipient", "campaign_id"}


def test_status_step_reads_messages_by_phone_number_and_reports_failures(
    viber: Provider,
) -> None:
    step = viber.step("status")
    assert step is not None
    assert step.request is not None
    assert (step.request.path, dict(step.request.query)) == (
        "/api/v1/messages", {"phoneNumber": "{{recipient}}"})
    said = " ".join([step.note, step.explain, *(e.says for e in step.expect),
                     *(c.text for e in step.expect for c in e.causes)])
    for fact in ("Pending", "Sending", "USER_BLOCKED", "NOT_VIBER_USER", "NO_SUITABLE_DEVICE",
                 "smsFallbackEnabled", "smsFallbackDeliveredCount"):
        assert fact in said
    document = {"status": 200, "json": status_list("NOT_VIBER_USER"), "vars": {}}
    found, _ = expect.extract(step.extract, document, {})
    assert found["failure_details"] == "NOT_VIBER_USER"
    assert found["last_status"] == "Failed"
    assert "Failed" in step.explain
    assert "details" in step.explain


# -- template limits as lint -----------------------------------------------------------------------


def lint(viber: Provider, rule_id: str):
    return next(rule for rule in viber.lint if rule.id == rule_id)


def test_template_limits_are_lint_rules(viber: Provider) -> None:
    assert lint(viber, "template-message-type").params["regex"] == "^[1-8]$"
    assert lint(viber, "template-service-id").params["fields"] == ["viberServiceId"]
    assert "viber-services" in lint(viber, "template-service-id").message
    assert lint(viber, "survey-question-length").params["max"] == 85
    assert (lint(viber, "survey-options").params["min"],
            lint(viber, "survey-options").params["max"]) == (2, 5)
    assert (lint(viber, "carousel-items").params["min"],
            lint(viber, "carousel-items").params["max"]) == (2, 5)
    assert lint(viber, "carousel-title-min").params["min"] == 2
    assert lint(viber, "carousel-title-max").params["max"] == 38
    assert lint(viber, "max-recipients").params["max"] == 200000


def test_survey_question_rule_reads_the_content_of_survey_templates_only(
    viber: Provider,
) -> None:
    expression = lint(viber, "survey-question-length").params["fields"][0]
    survey = {"messageType": 6, "templateContent": "Q?" * 50}
    text = {"messageType": 1, "templateContent": "long text " * 50}
    assert jmespath.search(expression, survey) == survey["templateContent"]
    assert jmespath.search(expression, text) is None


@pytest.mark.parametrize(("number", "ok"), [
    ("38970123456", True), ("+38970123456", True), ("070123456", False),
    ("+389 70 123 456", False), ("1234567890123456", False),
])
def test_phone_rule_accepts_10_to_15_digits_with_optional_plus(
    viber: Provider, number: str, ok: bool
) -> None:
    import re

    assert bool(re.search(lint(viber, "phone-format").params["regex"], number)) is ok

"""Seed 000 (eCourtDate API troubleshooting), line by line, against ecourtdate.toml.

Symptoms the API answers (401/403/404/409/400/429, transport failures) are
rows with a representative response; what the seed asks a person to look
at (Last Active, Console > Logs, staging never delivering, the send delay)
is checklist behaviour and is checked on the checklist itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_seed_coverage_support import Case, check_case, entries_with_symptoms, provider

from desktop.core.provider import Provider, StepKind

STAGING = "https://staging.api.ecourtdate.com"
US_EAST = "https://us-east.api.ecourtdate.com"
TOKEN_REFUSED = {"error": "invalid_client", "error_description": "Client authentication failed",
                 "message": "Client authentication failed"}
UNAUTHENTICATED = {"message": "Unauthenticated."}
YEAR = 365 * 24 * 3600

CASES = [
    # 401 Unauthorized even though my token looks valid.
    Case("The token expired or was revoked", "unauthorized", status=401, path="/v1/settings",
         step="settings", body=UNAUTHENTICATED, facts={"token_age_s": YEAR + 86400},
         first_cause="one year", mentions=("revoked", "console > apis", "new token")),
    Case("401 Unauthorized even though my token looks valid", "unauthorized", status=401,
         path="/v1/settings", body=UNAUTHENTICATED, mentions=("expired", "revoked")),
    Case("Staging and production tokens are not interchangeable", "unauthorized", status=401,
         path="/v1/clients", body=UNAUTHENTICATED, base_url=STAGING,
         facts={"environment_mismatch": True}, first_cause="staging"),
    Case("You are using a user login token, not an API client token", "unauthorized",
         status=401, path="/v1/settings", body=UNAUTHENTICATED,
         mentions=("login token", "client-credentials")),
    Case("Extra whitespace in the credentials", "token-refused", status=401, method="POST",
         path="/oauth/token", step="token", body=TOKEN_REFUSED,
         facts={"secret_whitespace": True}, first_cause="secret has a leading or trailing space"),
    Case("Extra whitespace in the credentials", "token-refused", status=401, method="POST",
         path="/oauth/token", step="token", body=TOKEN_REFUSED,
         facts={"client_id_whitespace": True}, first_cause="client id has"),
    Case("Staging and production tokens are not interchangeable", "token-refused", status=401,
         method="POST", path="/oauth/token", step="token", body=TOKEN_REFUSED,
         base_url=STAGING, facts={"environment_mismatch": True}, first_cause="other environment"),
    Case("401 Unauthorized even though my token looks valid", "token-malformed", status=400,
         method="POST", path="/oauth/token", step="token",
         body={"error": "unsupported_grant_type", "message": "Unsupported grant type"},
         mentions=("json", "grant_type=client_credentials")),
    # 403 Forbidden.
    Case("The agency is inactive", "agency-inactive", status=403, path="/v1/settings",
         body={"message": "This agency is inactive."}, mentions=("inactive",)),
    Case("You are using a user token instead of an API client token", "forbidden", status=403,
         path="/v1/settings", body={"message": "Forbidden"},
         mentions=("user's session token", "client-credentials")),
    Case("The API client lacks the required permissions", "forbidden", status=403,
         path="/v1/messages", body={"message": "This action is unauthorized."},
         mentions=("permission",)),
    # Connection refused or request times out.
    Case("Connection refused or request times out", "unreachable", step="reachability",
         transport="connect_timeout", mentions=("*.api.ecourtdate.com", "port 443", "firewall")),
    Case("Connection refused or request times out", "unreachable", step="reachability",
         transport="connect_refused", mentions=("typo", "port 443")),
    Case("A typo in the host will fail to connect", "host-not-found", step="reachability",
         transport="dns", base_url="https://us-esat.api.ecourtdate.com",
         first_cause="typo", mentions=("us-east.api",)),
    # Wrong environment or region: I created records but can't find them.
    Case("I created records but can't find them", "not-found", status=404,
         path="/v1/clients/8f14e45f-ceea-467a-9af0-fd3b0a5e1b11", body={"message": "Not Found"},
         base_url=STAGING, facts={"environment_mismatch": True}, first_cause="environment"),
    Case("I created records but can't find them", "not-found", status=404,
         path="/v1/clients/8f14e45f-ceea-467a-9af0-fd3b0a5e1b11", body={"message": "Not Found"},
         mentions=("staging", "another region", "read from the base url you wrote to")),
    # Not found problems.
    Case("Agency Not Found", "agency-not-found", status=404, path="/v1/settings",
         body={"message": "Agency Not Found"}, mentions=("default agency", "console > apis")),
    Case("Agency Not Found", "agency-not-found", status=400, path="/v1/clients",
         body="Agency Not Found", mentions=("agency_reference",)),
    Case("Verify the URL path includes the API version prefix", "missing-version-prefix",
         status=404, path="/settings", body={"message": "Not Found"}, mentions=("/v1/",)),
    Case("404 on an endpoint that should exist", "not-found", status=404, path="/v1/setings",
         body={"message": "Not Found"}, mentions=("typo",)),
    Case("A resource returns 404 but I know it exists", "not-found", status=404,
         path="/v1/clients/8f14e45f-ceea-467a-9af0-fd3b0a5e1b11", body={"message": "Not Found"},
         first_cause="belongs to another agency", mentions=("agency_reference", "uuid")),
    # Unexpected or empty results: fewer records than expected.
    Case("A list endpoint returns fewer records than expected", "list-has-more-pages",
         status=200, path="/v1/clients",
         body={"current_page": 1, "data": [{"uuid": "a"}],
               "next_page_url": f"{US_EAST}/v1/clients?page=2", "last_page": 4},
         base_url=US_EAST, mentions=("paginated", "agency_reference")),
    # Unexpected 409 Conflict / Duplicates.
    Case("Unexpected 409 Conflict / Duplicates", "duplicate-message", status=409,
         method="POST", path="/v1/messages/oneoffs",
         body={"message": "Duplicate message detected"},
         mentions=("30", "skip_duplicate: true", "scheduled_at more than 30 minutes",
                   "duplicate_buffer", "duplicate_interval")),
    # Data format issues (400).
    Case("Timestamps must be UTC", "bad-timestamp", status=400, method="POST",
         path="/v1/messages",
         body={"message": "The scheduled at does not match the format Y-m-d H:i:s."},
         mentions=("utc", "yyyy-mm-dd hh:mm:ss")),
    Case("The request body must be valid JSON", "bad-json", status=400, method="POST",
         path="/v1/messages/oneoffs", body={"message": "Malformed JSON in request body"},
         mentions=("content-type: application/json",)),
    Case("Field types must match", "invalid-request", status=400, method="POST",
         path="/v1/messages/oneoffs",
         body={"message": "The given data was invalid.",
               "errors": {"send_now": ["The send now field must be true or false."]}},
         mentions=("strings, integers, booleans and dates", "names the field")),
    # Rate limiting (429).
    Case("Rate Limiting (429)", "rate-limited", status=429, path="/v1/clients",
         body={"message": "Too Many Attempts."},
         mentions=("at least one minute", "exponential backoff", "rate-limit headers")),
]


@pytest.fixture
def ecourtdate(tmp_path: Path) -> Provider:
    return provider("ecourtdate", tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_seed_symptom_is_explained_by_its_catalog_entry(case: Case, ecourtdate: Provider) -> None:
    check_case(case, ecourtdate)


def test_every_catalog_entry_naming_seed_symptoms_has_a_case(ecourtdate: Provider) -> None:
    assert entries_with_symptoms(ecourtdate) <= {case.entry for case in CASES}


# -- environments and regions ----------------------------------------------------------------------


def test_staging_and_the_five_production_base_urls(ecourtdate: Provider) -> None:
    staging = ecourtdate.environment("staging")
    production = ecourtdate.environment("production")
    assert staging is not None
    assert production is not None
    assert not staging.production
    assert production.production
    assert staging.base_url == STAGING
    assert {r.name: r.base_url for r in production.regions} == {
        "US East": "https://us-east.api.ecourtdate.com",
        "US West": "https://us-west.api.ecourtdate.com",
        "US South": "https://us-south.api.ecourtdate.com",
        "US Texas": "https://us-texas.api.ecourtdate.com",
        "Multi-Region": "https://api.ecourtdate.com",
    }


@pytest.mark.parametrize(("environment", "host", "matches"), [
    ("staging", "staging.api.ecourtdate.com", True),
    ("staging", "us-east.api.ecourtdate.com", False),
    ("staging", "api.ecourtdate.com", False),
    ("production", "api.ecourtdate.com", True),
    ("production", "us-texas.api.ecourtdate.com", True),
    ("production", "staging.api.ecourtdate.com", False),
    ("production", "api.ecourtdate.com.evil.test", False),
])
def test_host_pattern_flags_a_base_url_from_the_other_environment(
    ecourtdate: Provider, environment: str, host: str, matches: bool
) -> None:
    import re

    env = ecourtdate.environment(environment)
    assert env is not None
    assert env.host_pattern is not None
    assert bool(re.fullmatch(env.host_pattern, host)) is matches


def test_reproduce_in_staging_staging_simulates_without_delivering(ecourtdate: Provider) -> None:
    staging = ecourtdate.environment("staging")
    assert staging is not None
    assert "never delivered" in staging.note
    assert "production credentials" in staging.note


# -- auth, formats, rate limit ---------------------------------------------------------------------


def test_token_is_oauth2_client_credentials_in_a_json_body_living_a_year(
    ecourtdate: Provider,
) -> None:
    auth = ecourtdate.auth
    assert (auth.type.value, auth.token_path, auth.body, auth.credentials) == (
        "oauth2_client_credentials", "/oauth/token", "json", "body")
    assert auth.lifetime == YEAR


def test_timestamp_format_writes_php_y_m_d_h_i_s_in_utc(ecourtdate: Provider) -> None:
    assert ecourtdate.timestamp_format is not None
    moment = datetime(2026, 11, 23, 14, 5, 9, tzinfo=UTC)
    assert moment.strftime(ecourtdate.timestamp_format) == "2026-11-23 14:05:09"


def test_format_lint_covers_version_prefix_timestamps_and_json(ecourtdate: Provider) -> None:
    rules = {rule.rule: rule for rule in ecourtdate.lint}
    assert rules["path_prefix"].params == {"prefix": "/v1/"}
    assert rules["timestamp_format"].params["fields"] == ["scheduled_at"]
    assert "json_body" in rules
    from fnmatch import fnmatchcase

    assert not fnmatchcase("/oauth/token", rules["path_prefix"].path or "*")
    assert fnmatchcase("/settings", rules["path_prefix"].path or "*")


def test_429_waits_at_least_a_minute(ecourtdate: Provider) -> None:
    assert ecourtdate.ratelimit.min_wait_after_429 == 60


def test_platform_incidents_point_at_the_status_page(ecourtdate: Provider) -> None:
    entry = next(e for e in ecourtdate.errors if e.id == "server-error")
    assert ecourtdate.doc_url(entry.doc) == "https://status.ecourtdate.com"


# -- the debugging order as a checklist ------------------------------------------------------------


def test_checklist_order_adapts_the_seeds_debugging_order(ecourtdate: Provider) -> None:
    assert [(s.id, s.kind) for s in ecourtdate.checklist] == [
        ("reachability", StepKind.REACHABILITY),
        ("token", StepKind.TOKEN),
        ("settings", StepKind.REQUEST),
        ("last-active", StepKind.MANUAL),
        ("console-logs", StepKind.MANUAL),
        ("send", StepKind.REQUEST),
    ]


def test_settings_probe_shows_the_agency_and_honours_agency_reference(
    ecourtdate: Provider,
) -> None:
    step = ecourtdate.step("settings")
    assert step is not None
    assert step.request is not None
    assert (step.request.method, step.request.path) == ("GET", "/v1/settings")
    assert dict(step.request.query) == {"agency_reference": "{{agency_reference}}"}
    assert "agency" in dict(step.extract)
    assert "agency_reference" in ecourtdate.setting_defaults()


def test_last_active_is_checked_in_the_console(ecourtdate: Provider) -> None:
    step = ecourtdate.step("last-active")
    assert step is not None
    assert "Last Active" in step.instruction
    assert "APIs" in step.instruction


def test_console_logs_show_the_request_and_response(ecourtdate: Provider) -> None:
    step = ecourtdate.step("console-logs")
    assert step is not None
    assert "Console > Logs" in step.instruction
    assert "status and body" in step.explain


def test_send_is_an_optional_one_off_that_needs_confirmation(ecourtdate: Provider) -> None:
    step = ecourtdate.step("send")
    assert step is not None
    assert step.request is not None
    assert step.sends_message
    assert step.requires == ("recipient",)
    assert (step.request.method, step.request.path) == ("POST", "/v1/messages/oneoffs")
    assert dict(step.request.headers)["Content-Type"] == "application/json"


def test_send_note_says_staging_never_delivers_and_explains_the_send_delay(
    ecourtdate: Provider,
) -> None:
    step = ecourtdate.step("send")
    assert step is not None
    for fact in ("Staging never delivers", "send_now: true", "Default Message Delay",
                 "Send Immediately", "scheduled_at"):
        assert fact in step.note

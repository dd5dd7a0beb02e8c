"""The window's words that decide something: auth line, secrets, faults, no-match, run tally."""

from __future__ import annotations

import time

import pytest

from desktop.core.checklist.model import StepStatus
from desktop.core.finding import Finding, Severity
from desktop.core.window_text import (
    auth_line,
    faults_label,
    no_match_text,
    secrets_location,
    tally,
)
from tests.factories import make_exchange, make_response

FRESH = "Bearer (token fresh, expires in 60 min)"


def refused(status: int = 401, *, with_token: bool = True):
    headers = [("Accept", "application/json")]
    if with_token:
        headers.append(("Authorization", "Bearer abc"))
    return make_exchange(method="GET", url="https://api.example.test/api/core/whoami",
                         headers=headers, response=make_response(status, "Unauthorized"))


def test_the_auth_line_keeps_the_clients_words_while_nothing_contradicts_them() -> None:
    assert auth_line(FRESH) == FRESH
    assert auth_line(FRESH, answer=refused(200)) == FRESH
    assert auth_line(FRESH, answer=refused(401, with_token=False)) == FRESH


def test_the_auth_line_never_says_fresh_next_to_a_401_for_that_token() -> None:
    answer = refused(401)
    line = auth_line(FRESH, answer=answer)
    at = time.strftime("%H:%M:%S", time.localtime(answer.started_at))
    assert line == f"Bearer: refused with 401 at {at} (see Findings)"
    assert "fresh" not in line


def test_the_auth_line_says_when_credentials_will_not_be_sent_to_this_host() -> None:
    other = Finding(code="lint.url_other_origin", severity=Severity.WARN,
                    title="The URL goes to https://elsewhere.example, not the profile's …",
                    evidence="elsewhere.example", source="lint")
    line = auth_line(FRESH, findings=[other])
    assert line == ("Not sent to elsewhere.example: the profile's credentials go only to its "
                    "own host")
    assert "fresh" not in line
    assert auth_line(FRESH, attached=False).startswith("Not attached")


def test_the_about_box_says_where_secrets_really_are() -> None:
    assert secrets_location(True, "SecretService Keyring") == (
        "Secrets are kept in the OS keychain (SecretService Keyring), never in these folders.")
    memory = secrets_location(False, "memory")
    assert "in memory for this session only" in memory
    assert "keychain" in memory
    assert "OS keychain, never" not in memory


@pytest.mark.parametrize(("names", "label"), [
    ([], "Break the sandbox"),
    (["number_not_owned"], "Sandbox fault: number not owned"),
    (["bad_secret", "slow"], "Sandbox faults: bad secret, slow"),
    (["bad_secret", "slow", "server_error"], "Sandbox faults: bad secret + 2 more"),
])
def test_the_faults_button_names_the_faults_that_are_on(names, label) -> None:
    assert faults_label(names) == label


def test_an_empty_filter_result_is_said_in_words() -> None:
    assert no_match_text("  xyz ") == "No exchange matches “xyz”."


def test_a_failed_run_counts_what_passed_failed_and_was_skipped() -> None:
    s = StepStatus
    result = tally([s.PASS, s.PASS, s.PASS, s.FAIL, s.SKIPPED])
    assert (result.passed, result.failed, result.skipped, result.done) == (3, 1, 1, 5)
    assert result.state == "failed"
    assert result.text == "Stopped at step 4 of 5: 3 passed, 1 failed, 1 skipped"


def test_a_run_in_progress_and_a_clean_run_read_differently() -> None:
    s = StepStatus
    assert tally([s.PASS, s.RUNNING, s.PENDING]).text == "1 of 3 steps run"
    assert tally([s.PASS, s.RUNNING, s.PENDING]).state == "running"
    assert tally([s.PENDING] * 4).text == "4 steps, not run yet"
    assert tally([s.PASS] * 5).text == "All 5 steps passed"
    assert tally([s.PASS] * 5).state == "passed"
    warned = tally([s.PASS, s.WARN, s.MANUAL])
    assert warned.state == "warned"
    assert warned.text == "1 passed, 1 with warnings, 1 to check by hand"


@pytest.mark.parametrize(("url", "shown"), [
    ("/api/core/numbers?page=2", "/api/core/numbers?page=2"),
    ("https://u:pw-canary-1@h.example/x", "https://u:[REDACTED:password]@h.example/x"),
    ("/v1/x?token=t-canary-2&to=%2B14155550123",
     "/v1/x?token=[REDACTED:token]&to=%2B14155550123"),
    ("https://h.example/x?client_secret=s-canary-3",
     "https://h.example/x?client_secret=[REDACTED:client_secret]"),
])
def test_urls_the_window_shows_hold_no_secret_and_read_plainly(url: str, shown: str) -> None:
    from desktop.core.window_text import display_url

    assert display_url(url) == shown

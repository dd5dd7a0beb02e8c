"""`switchboard check` headless: exit codes, JSON shape, findings, production refusal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from desktop.cli import main


def check(capsys, monkeypatch, *args: str, env: dict[str, str] | None = None):
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sandbox_env(secret: str = "sandbox-secret") -> dict[str, str]:
    return {"SWITCHBOARD_CLIENT_ID": "sandbox-client", "SWITCHBOARD_CLIENT_SECRET": secret,
            "SWITCHBOARD_WEBHOOK_SECRET": "sandbox-webhook-secret"}


def test_the_built_in_sandbox_passes_every_step_as_json(capsys, monkeypatch) -> None:
    code, out, _ = check(capsys, monkeypatch, "--provider", "sandbox", "--json",
                         "--webhook-wait", "10")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True
    assert [s["id"] for s in report["steps"]] == ["token", "whoami", "numbers", "send",
                                                 "webhook"]
    assert {s["status"] for s in report["steps"]} == {"pass"}
    for key in ("provider", "environment", "region", "base_url", "ok", "steps"):
        assert key in report
    for step in report["steps"]:
        assert set(step) >= {"id", "title", "status", "http_status", "duration_ms",
                             "request_id", "finding"}


def test_a_failed_step_exits_1_with_its_finding(capsys, monkeypatch) -> None:
    code, out, _ = check(capsys, monkeypatch, "--provider", "sandbox", "--json",
                         "--sandbox-fault", "number_not_owned")
    report = json.loads(out)
    assert code == 1
    send = next(s for s in report["steps"] if s["id"] == "send")
    assert send["status"] == "fail"
    assert send["http_status"] == 403
    assert send["request_id"].startswith("req_")
    assert send["finding"]["title"]
    assert send["finding"]["causes"]
    assert send["finding"]["next_action"]
    assert report["steps"][-1]["status"] == "skipped"


def test_human_output_is_one_line_per_step_then_the_finding(capsys, monkeypatch) -> None:
    code, out, _ = check(capsys, monkeypatch, "--provider", "sandbox", "--sandbox-fault",
                         "bad_secret")
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith("✗ token") for line in lines)
    assert any(line.strip().startswith("Next:") for line in lines)
    assert lines[-1] == "failed at step “token”"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "nope"], "unknown provider"),
        (["--provider", "redcloud"], "--base-url"),
        ([], "--profile"),
        (["--provider", "ecourtdate", "--environment", "moon"], "no environment"),
        (["--provider", "sandbox", "--sandbox-fault", "nope"], "unknown sandbox fault"),
        (["--profile", "missing"], "no profile named"),
    ],
)
def test_usage_errors_exit_2_with_a_message(capsys, monkeypatch, args, message) -> None:
    code, _, err = check(capsys, monkeypatch, *args)
    assert code == 2
    assert message in err


def test_against_an_external_red_cloud_shaped_server(capsys, monkeypatch,
                                                     threaded_sandbox) -> None:
    server = threaded_sandbox(faults=("inactive_client",))
    code, out, _ = check(capsys, monkeypatch, "--provider", "redcloud", "--base-url",
                         server.url, "--json", env=sandbox_env())
    report = json.loads(out)
    assert code == 1
    token = report["steps"][0]
    assert token["status"] == "fail"
    assert "inactive" in " ".join(token["finding"]["causes"][:2]).lower()


def test_whitespace_in_the_secret_is_named_in_the_token_finding(capsys, monkeypatch,
                                                                threaded_sandbox) -> None:
    server = threaded_sandbox()
    code, out, _ = check(capsys, monkeypatch, "--provider", "redcloud", "--base-url",
                         server.url, "--json", env=sandbox_env("sandbox-secret "))
    token = json.loads(out)["steps"][0]
    assert code == 1
    assert "whitespace" in token["finding"]["causes"][0]


def test_a_non_e164_recipient_fails_send_and_offers_the_e164_form(capsys, monkeypatch) -> None:
    code, out, _ = check(capsys, monkeypatch, "--provider", "sandbox", "--json",
                         "--recipient", "415-555-0123")
    send = next(s for s in json.loads(out)["steps"] if s["id"] == "send")
    assert code == 1
    assert send["http_status"] is None
    assert "+14155550123" in send["finding"]["title"] + send["finding"]["next_action"]


def test_production_send_is_refused_without_yes(capsys, monkeypatch, threaded_sandbox) -> None:
    server = threaded_sandbox()
    code, out, err = check(capsys, monkeypatch, "--provider", "redcloud", "--environment",
                           "production", "--base-url", server.url, "--recipient",
                           "+14155550123", "--json", env=sandbox_env())
    send = next(s for s in json.loads(out)["steps"] if s["id"] == "send")
    assert code == 0  # nothing failed: the send was skipped, and said why
    assert send["status"] == "skipped"
    assert "refusing to send a real message" in err
    assert "+14155550123" in err
    assert server.call(lambda: len(server.sandbox.state.messages)) == 0

    _code, out, _ = check(capsys, monkeypatch, "--provider", "redcloud", "--environment",
                          "production", "--base-url", server.url, "--recipient",
                          "+14155550123", "--json", "--yes", "--webhook-wait", "1",
                          env=sandbox_env())
    send = next(s for s in json.loads(out)["steps"] if s["id"] == "send")
    assert send["status"] == "pass"


def test_the_real_entry_point_runs_the_sandbox_checklist() -> None:
    result = subprocess.run([sys.executable, "-m", "desktop", "check", "--provider", "sandbox"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: no step failed" in result.stdout
    assert "Traceback" not in result.stderr

"""`switchboard explain`: a pasted response or a HAR read with the provider's catalog."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from desktop.cli import main

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
ERROR_BODY = {"error": {"code": "UNAUTHORIZED", "message": "Token expired"}}


def explain(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(ERROR_BODY))
    return path


def test_a_pasted_401_gets_the_catalog_finding_and_exits_1(capsys, body) -> None:
    code, out, _ = explain(capsys, "--provider", "redcloud", "--status", "401",
                           "--header", "Content-Type: application/json",
                           "--header", "X-Request-Id: req_123", "--body", str(body),
                           "--url", "https://api.example.test/api/core/whoami")
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == "Red Cloud CORE · 401 Unauthorized · request id req_123"
    assert lines[1].startswith("✗ error: ")
    assert any(line.strip().startswith("1. ") for line in lines)
    assert any(line.strip().startswith("Next: ") for line in lines)
    assert any(line.strip().startswith("Docs: https://") for line in lines)
    assert "Request id: req_123" in out


def test_json_output_has_the_findings(capsys, body) -> None:
    code, out, _ = explain(capsys, "--provider", "redcloud", "--status", "401", "--header",
                           "Content-Type: application/json", "--body", str(body), "--json")
    report = json.loads(out)
    assert code == 1
    assert report["failed"] is True
    assert report["status"] == 401
    finding = report["findings"][0]
    assert set(finding) >= {"code", "severity", "title", "causes", "next_action", "doc"}
    assert finding["code"].startswith("redcloud.")


def test_a_body_from_standard_input(capsys, monkeypatch) -> None:
    payload = json.dumps({"error": "invalid_client", "error_description": "bad"}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    code, out, _ = explain(capsys, "--provider", "sandbox", "--status", "401", "--body", "-",
                           "--method", "POST", "--url", "/api/auth/token", "--json")
    assert code == 1
    assert json.loads(out)["findings"][0]["code"] == "sandbox.token-invalid-client"


def test_a_healthy_answer_has_nothing_to_explain(capsys) -> None:
    code, out, _ = explain(capsys, "--provider", "sandbox", "--status", "200")
    assert code == 0
    assert "nothing to explain" in out


def test_a_transport_failure_is_explained_without_a_made_up_host(capsys) -> None:
    code, out, _ = explain(capsys, "--provider", "sandbox", "--transport", "connect_refused")
    assert code == 1
    assert "the API host refused the connection" in out


def test_secrets_in_pasted_parts_are_redacted(capsys, tmp_path: Path) -> None:
    body = tmp_path / "b.json"
    body.write_text(json.dumps({"error": {"code": "X", "message": "bad key sk_cnry_123456789",
                                          "access_token": "cnry-token-abcdef"}}))
    _code, out, _ = explain(capsys, "--provider", "redcloud", "--status", "500", "--header",
                           "Set-Cookie: session=cnry-cookie-abcdef", "--body", str(body),
                           "--json")
    assert "cnry-token-abcdef" not in out
    assert "cnry-cookie-abcdef" not in out


def test_a_chrome_har_is_explained_entry_by_entry(capsys) -> None:
    code, out, _ = explain(capsys, "--provider", "redcloud", "--har",
                           str(IMPORTS / "har/chrome.har"))
    lines = out.splitlines()
    assert code == 1  # the disconnected request
    assert lines[0] == "HAR 1.2 (WebInspector 537.36): 3 exchange(s), explained with Red " \
        "Cloud CORE"
    assert any(line.startswith("✗ 2 GET https://www.google.com/ → no answer") for line in lines)
    assert all(len(line) < 400 for line in lines)  # evidence is one shortened line
    code, out, _ = explain(capsys, "--provider", "redcloud", "--har",
                           str(IMPORTS / "har/chrome.har"), "--json")
    report = json.loads(out)
    assert [e["status"] for e in report["exchanges"]] == [304, None, 200]
    assert report["exchanges"][1]["transport"] == "connect"


@pytest.mark.parametrize(("args", "message"), [
    (["--provider", "nope", "--status", "401"], "unknown provider"),
    (["--provider", "sandbox"], "give --status N"),
    (["--provider", "sandbox", "--status", "42"], "is not an HTTP status"),
    (["--provider", "sandbox", "--status", "401", "--transport", "dns"], "not both"),
    (["--provider", "sandbox", "--transport", "gremlins"], "is not a transport error kind"),
    (["--provider", "sandbox", "--status", "401", "--header", "no colon"], "is not a 'Name:"),
    (["--provider", "sandbox", "--status", "401", "--body", "/nonexistent"], "cannot be read"),
    (["--provider", "sandbox", "--status", "401", "--body", "/dev/zero"], "not a regular file"),
    (["--provider", "sandbox", "--har", "/nonexistent.har"], "cannot be read"),
    (["--provider", "sandbox", "--har", "x.har", "--status", "401"], "leave out --status"),
])
def test_usage_errors_exit_2_with_one_line(capsys, args, message) -> None:
    code, _out, err = explain(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_a_file_that_is_not_a_har_is_refused(capsys, tmp_path: Path) -> None:
    path = tmp_path / "not.har"
    path.write_text('{"log": {}}')
    code, _, err = explain(capsys, "--provider", "sandbox", "--har", str(path))
    assert code == 2
    assert "is not a HAR file" in err


def test_the_body_read_is_bounded(capsys, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    code, _, err = explain(capsys, "--provider", "sandbox", "--status", "500", "--body",
                           str(path))
    assert code == 2
    assert "refused" in err

"""`switchboard curl parse|export`: JSON on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], stdin: str | bytes, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the CLI in-process; str input is a StringIO, bytes a real binary-backed stream."""
    if isinstance(stdin, str):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    return cli.main(argv)


def test_parse_prints_the_request_the_command_implies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    command = 'curl https://api.example.com/v1/messages -u id:secret --json \'{"to":"+4477"}\''
    assert run(["curl", "parse"], command, monkeypatch) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "method": "POST",
        "url": "https://api.example.com/v1/messages",
        "headers": [
            ["Authorization", "Basic " + base64.b64encode(b"id:secret").decode()],
            ["Content-Type", "application/json"],
            ["Accept", "application/json"],
        ],
        "body": '{"to":"+4477"}',
        "warnings": [],
    }


def test_parse_wire_adds_the_headers_curl_sends_by_itself(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    assert (
        run(["curl", "parse", "--wire"], "curl 'http://localhost:8080/x?y=1' -d a=1", monkeypatch)
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["headers"] == [
        ["Host", "localhost:8080"],
        ["User-Agent", "curl/8.2.1"],
        ["Accept", "*/*"],
        ["Content-Length", "3"],
        ["Content-Type", "application/x-www-form-urlencoded"],
    ]
    assert out["request_target"] == "/x?y=1"


def test_parse_prints_a_body_that_is_not_utf8_in_base64(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    assert run(["curl", "parse"], r"curl http://h --data-binary $'\xff\xfe'", monkeypatch) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["body"], out["body_encoding"]) == ("//4=", "base64")


def test_parse_keeps_raw_bytes_pasted_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    assert run(["curl", "parse"], b"curl http://h -d '\xe9t\xe9'", monkeypatch) == 0
    out = json.loads(capsys.readouterr().out)
    assert base64.b64decode(out["body"]) == b"\xe9t\xe9"


def test_parse_reports_warnings_on_stderr_and_in_the_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    assert run(["curl", "parse"], "curl --proxy http://p:1 http://h", monkeypatch) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == ["--proxy is not supported; it was ignored"]
    assert captured.err == "warning: --proxy is not supported; it was ignored\n"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("curl 'http://h", "unterminated single quote at column 6"),
        ("wget http://h", "this does not start with curl"),
        ("", "the text is empty"),
    ],
)
def test_parse_of_bad_input_is_a_usage_error_with_a_message(
    stdin: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    assert run(["curl", "parse"], stdin, monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("switchboard curl parse: ")


def test_export_writes_a_command_that_parses_back_to_the_same_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    request = {
        "method": "PUT",
        "url": "https://api.example.com/v1/numbers/42?x=1",
        "headers": [["Content-Type", "application/json"], ["X-Quote", "it's $HOME"]],
        "body": base64.b64encode(b"\x00\xff{}").decode(),
        "body_encoding": "base64",
    }
    assert run(["curl", "export"], json.dumps(request), monkeypatch) == 0
    command = capsys.readouterr().out
    assert command.startswith("curl 'https://api.example.com/v1/numbers/42?x=1' \\\n")
    assert run(["curl", "parse"], command, monkeypatch) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert {k: parsed[k] for k in request} == request


def test_export_single_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    request = {"method": "DELETE", "url": "http://h/x", "headers": [], "body": ""}
    assert run(["curl", "export", "--single-line"], json.dumps(request), monkeypatch) == 0
    assert capsys.readouterr().out == "curl http://h/x -X DELETE\n"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "the input is not JSON"),
        ("[]", "must be a JSON object"),
        ('{"method": "GET"}', '"url" is required'),
        ('{"url": "http://h", "headers": [["a"]]}', '"headers" must be a list of [name, value]'),
        (
            '{"url": "http://h", "body": "***", "body_encoding": "base64"}',
            '"body" cannot be decoded',
        ),
        ('{"url": "http://h", "method": "GET /x"}', "is not a valid HTTP method name"),
    ],
)
def test_export_of_bad_json_is_a_usage_error(
    stdin: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    assert run(["curl", "export"], stdin, monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_curl_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["curl"]) == 2
    assert "ACTION" in capsys.readouterr().err


def test_the_real_entry_point_parses_from_stdin():
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "curl", "parse"],
        input=b"curl -sSL 'http://localhost:28139/x' -H 'X-Api-Key: 1' -G -d a=1\n",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == {
        "method": "GET",
        "url": "http://localhost:28139/x?a=1",
        "headers": [["X-Api-Key", "1"]],
        "body": "",
        "follow_redirects": True,
        "warnings": [],
    }

"""`switchboard webhooks verify` and `listen`, as a user runs them."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from desktop.commands import webhooks
from desktop.core.webhooks.signatures import sign

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "data" / "vectors"
WEBHOOKS = json.loads((VECTORS / "webhooks.json").read_text(encoding="utf-8"))
TWILIO = WEBHOOKS["twilio_x_twilio_signature"]
STANDARD = WEBHOOKS["standard_webhooks_v1"]
STRIPE = WEBHOOKS["stripe_signature"]
GITHUB = WEBHOOKS["github_x_hub_signature_256"]


def switchboard(*argv: str) -> int:
    """Run the command the way `switchboard` does, through argparse."""
    parser = argparse.ArgumentParser(prog="switchboard")
    webhooks.register(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return args.func(args)


def twilio_body(params: object) -> bytes:
    if isinstance(params, list):
        return urlencode([tuple(p) for p in params]).encode()
    return urlencode(params).encode()  # type: ignore[arg-type]


def vector_cases() -> list[tuple[str, str, dict[str, str], bytes, list[str]]]:
    """(id, secret, headers, body, extra arguments) for every published vector."""
    cases = [
        ("github", GITHUB["secret"], {"X-Hub-Signature-256": GITHUB["expected_header"]},
         GITHUB["payload"].encode(), ["--scheme", "github"]),
        ("standard", STANDARD["secret"], {
            "webhook-id": STANDARD["webhook_id"],
            "webhook-timestamp": str(STANDARD["webhook_timestamp"]),
            "webhook-signature": STANDARD["expected_signature"]},
         STANDARD["payload"].encode(),
         ["--scheme", "standard", "--at", str(STANDARD["webhook_timestamp"] + 60)]),
        ("stripe", STRIPE["secret"], {"Stripe-Signature": STRIPE["expected_header"]},
         STRIPE["payload"].encode(), ["--scheme", "stripe", "--at", str(STRIPE["t"])]),
        ("twilio", TWILIO["auth_token"], {"X-Twilio-Signature": TWILIO["expected"]},
         twilio_body(TWILIO["params"]), ["--scheme", "twilio", "--url", TWILIO["url"]]),
    ]
    for n, v in enumerate(TWILIO["variants"]):
        params = TWILIO["params"] if v["params"] == "same" else v["params"]
        body = v["body"].encode() if "body" in v else twilio_body(params)
        cases.append((f"twilio-{n}", TWILIO["auth_token"], {"X-Twilio-Signature": v["expected"]},
                      body, ["--scheme", "twilio", "--url", v["url"]]))
    return cases


def write(tmp_path: Path, headers: dict[str, str], body: bytes,
          request_line: str = "POST /hooks HTTP/1.1") -> tuple[Path, Path]:
    head = tmp_path / "headers.txt"
    lines = [request_line, *(f"{k}: {v}" for k, v in headers.items())]
    head.write_bytes(("\r\n".join(lines) + "\r\n\r\n\r\n").encode())
    body_file = tmp_path / "body.bin"
    body_file.write_bytes(body)
    return head, body_file


@pytest.mark.parametrize(("secret", "headers", "body", "extra"),
                         [c[1:] for c in vector_cases()], ids=[c[0] for c in vector_cases()])
def test_verify_accepts_every_published_vector(tmp_path, monkeypatch, capsys, secret, headers,
                                               body, extra):
    monkeypatch.setenv("HOOK_SECRET", secret)
    head, body_file = write(tmp_path, headers, body)
    code = switchboard("webhooks", "verify", *extra, "--secret-env", "HOOK_SECRET",
                       "--headers", str(head), "--body", str(body_file))
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("valid:")


def test_verify_rejects_a_tampered_body_with_exit_1_and_the_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOOK_SECRET", GITHUB["secret"])
    head, body_file = write(tmp_path, {"X-Hub-Signature-256": GITHUB["expected_header"]},
                            b"Hello, World?")
    code = switchboard("webhooks", "verify", "--scheme", "github", "--secret-env", "HOOK_SECRET",
                       "--headers", str(head), "--body", str(body_file))
    out = capsys.readouterr().out
    assert code == 1
    assert "invalid (signature_mismatch)" in out
    assert "hint:" in out


def test_verify_standard_vector_without_at_is_too_old(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOOK_SECRET", STANDARD["secret"])
    case = vector_cases()[1]
    head, body_file = write(tmp_path, case[2], case[3])
    code = switchboard("webhooks", "verify", "--scheme", "standard", "--secret-env",
                       "HOOK_SECRET", "--headers", str(head), "--body", str(body_file), "--json")
    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert result["reason"] == "timestamp_too_old"


def test_verify_with_the_original_body_says_the_body_was_altered(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOOK_SECRET", "s")
    sent = b'{"a": 1}'
    head, body_file = write(tmp_path, sign("redcloud", "s", sent, timestamp=100), b'{"a":1}')
    original = tmp_path / "sent.json"
    original.write_bytes(sent)
    code = switchboard("webhooks", "verify", "--scheme", "redcloud", "--secret-env",
                       "HOOK_SECRET", "--headers", str(head), "--body", str(body_file),
                       "--original-body", str(original), "--at", "100", "--json")
    assert code == 1
    assert json.loads(capsys.readouterr().out)["suspect"] == "body"


def test_verify_generic_hmac_with_its_options(tmp_path, monkeypatch, capsys):
    from desktop.core.webhooks.signatures import HmacOptions

    monkeypatch.setenv("HOOK_SECRET", "k")
    options = HmacOptions(header="X-Sig", algorithm="sha512", encoding="base64", prefix="v=",
                          signed="timestamp.body", timestamp_header="X-Time")
    head, body_file = write(tmp_path, sign("hmac", "k", b"{}", timestamp=50, options=options),
                            b"{}")
    code = switchboard("webhooks", "verify", "--scheme", "hmac", "--secret-env", "HOOK_SECRET",
                       "--headers", str(head), "--body", str(body_file), "--at", "60",
                       "--header", "X-Sig", "--algorithm", "sha512", "--encoding", "base64",
                       "--prefix", "v=", "--signed", "timestamp.body",
                       "--timestamp-header", "X-Time")
    assert code == 0, capsys.readouterr()


@pytest.mark.parametrize(("argv", "says"), [
    (["--scheme", "github", "--secret-env", "SWITCHBOARD_TEST_UNSET"], "SWITCHBOARD_TEST_UNSET"),
    (["--scheme", "rot13", "--secret-env", "HOOK_SECRET"], "invalid choice"),
    (["--scheme", "twilio", "--secret-env", "HOOK_SECRET"], "--url"),
    (["--scheme", "hmac", "--secret-env", "HOOK_SECRET", "--signed", "timestamp.body"],
     "timestamp_header"),
])
def test_verify_usage_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys, argv, says):
    monkeypatch.setenv("HOOK_SECRET", "s")
    monkeypatch.delenv("SWITCHBOARD_TEST_UNSET", raising=False)
    head, body_file = write(tmp_path, {}, b"")
    code = switchboard("webhooks", "verify", *argv, "--headers", str(head), "--body",
                       str(body_file))
    assert code == 2
    assert says in capsys.readouterr().err


def test_verify_unreadable_file_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOOK_SECRET", "s")
    code = switchboard("webhooks", "verify", "--scheme", "github", "--secret-env", "HOOK_SECRET",
                       "--headers", str(tmp_path / "missing.txt"), "--body", str(tmp_path))
    assert code == 2
    assert "cannot read the headers file" in capsys.readouterr().err


def test_listen_refuses_all_interfaces_without_the_explicit_flag(capsys):
    assert switchboard("webhooks", "listen", "--host", "0.0.0.0") == 2
    assert "allow_all_interfaces" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "says"), [
    (["--port", "70000"], "port must be between"),
    (["--failure-status", "42"], "failure_status"),
    (["--max-body", "-1"], "max_body"),
])
def test_listen_invalid_settings_exit_2_before_binding(capsys, argv, says):
    assert switchboard("webhooks", "listen", *argv) == 2
    assert says in capsys.readouterr().err


def test_listen_on_a_port_in_use_exits_1(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert switchboard("webhooks", "listen", "--port", str(port)) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_listen_scheme_needs_a_secret(capsys):
    assert switchboard("webhooks", "listen", "--scheme", "redcloud") == 2
    assert "--secret-env" in capsys.readouterr().err


LISTEN = (
    "import argparse, sys\n"
    "from desktop.commands import webhooks\n"
    "p = argparse.ArgumentParser(prog='switchboard')\n"
    "webhooks.register(p.add_subparsers(dest='command'))\n"
    "a = p.parse_args(sys.argv[1:])\n"
    "sys.exit(a.func(a))\n"
)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_listen_prints_each_event_as_a_json_line_and_stops_cleanly(tmp_path, stop_signal):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SWITCHBOARD_HOME": str(tmp_path),
           "HOOK_SECRET": "listen-secret"}
    proc = subprocess.Popen(
        [sys.executable, "-c", LISTEN, "webhooks", "listen", "--port", "0", "--json",
         "--scheme", "redcloud", "--secret-env", "HOOK_SECRET"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = proc.stderr.readline()  # type: ignore[union-attr]
        assert banner.startswith("Listening on http://127.0.0.1:"), banner
        url = banner.split()[2]
        body = b'{"type": "message.sent", "data": {"messageId": "m-7"}}'
        good = httpx.post(url + "hooks", content=body,
                          headers=sign("redcloud", "listen-secret", body))
        bad = httpx.post(url + "hooks", content=body, headers=sign("redcloud", "nope", body))
        first = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        second = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        proc.send_signal(stop_signal)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (good.status_code, bad.status_code) == (200, 401)
    assert (first["message_id"], first["verification"]["ok"]) == ("m-7", True)
    assert second["verification"]["reason"] == "signature_mismatch"
    assert code == 0
    assert "Stopped after 2 event(s)" in proc.stderr.read()  # type: ignore[union-attr]
    assert len(list((tmp_path / "data" / "webhooks").glob("events-*.jsonl"))) == 1


def test_listen_with_an_unknown_profile_is_a_usage_error(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SWITCHBOARD_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", LISTEN, "webhooks", "listen", "--profile",
                           "nosuch"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "no profile named 'nosuch'" in done.stderr


def test_listen_line_escapes_control_characters_a_sender_put_in_its_fields():
    from desktop.core.webhooks.events import WebhookEvent

    event = WebhookEvent.create(received_at=0, method="POST", path="/h\udcff",
                                body=b'{"type": "x\\u001b[2J\\nfake line"}')
    line = webhooks._line(event, as_json=False)
    assert line.isprintable()
    assert "\\x1b[2J\\nfake line" in line


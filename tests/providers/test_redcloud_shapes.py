"""The Red Cloud checklist against the sandbox in every shape the documentation leaves open.

The sandbox is one reading of Red Cloud's documentation; the checklist must not
pass only because the sandbox and the parser share a guess. Every combination
of webhook payload shape (``messageId`` under ``data`` or at the top level) and
token answer (200 or 201, with or without ``expires_in``) must earn a clean
pass, and a bad webhook signature must be diagnosed as one in every shape.
"""

from __future__ import annotations

import json
import socket

import pytest

from desktop.cli import main
from tests.conftest import ThreadedSandbox

SHAPES = [
    pytest.param({"webhook_shape": "nested", "token_status": 200, "token_expires_in": True},
                 id="nested-200-expires_in"),
    pytest.param({"webhook_shape": "flat", "token_status": 201, "token_expires_in": False},
                 id="flat-201-no-expires_in"),
    pytest.param({"webhook_shape": "flat", "token_status": 200, "token_expires_in": True},
                 id="flat-200-expires_in"),
    pytest.param({"webhook_shape": "nested", "token_status": 201, "token_expires_in": False},
                 id="nested-201-no-expires_in"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_check(capsys, monkeypatch, shape: dict, faults: tuple[str, ...] = (),
              wait: str = "15") -> tuple[int, dict]:
    sandbox = ThreadedSandbox(faults)
    port = free_port()
    try:
        sandbox.call(sandbox.sandbox.configure, webhook_url=f"http://127.0.0.1:{port}/hooks",
                     **shape)
        monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "sandbox-client")
        monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", "sandbox-secret")
        monkeypatch.setenv("SWITCHBOARD_WEBHOOK_SECRET", "sandbox-webhook-secret")
        code = main(["check", "--provider", "redcloud", "--base-url", sandbox.url,
                     "--recipient", "+14155550123", "--webhook-port", str(port),
                     "--webhook-wait", wait, "--json"])
        report = json.loads(capsys.readouterr().out)
    finally:
        sandbox.stop()
    return code, report


@pytest.mark.parametrize("shape", SHAPES)
def test_a_healthy_server_passes_every_step_in_every_shape(capsys, monkeypatch, shape):
    code, report = run_check(capsys, monkeypatch, shape)
    statuses = {s["id"]: s["status"] for s in report["steps"]}
    assert statuses == dict.fromkeys(["token", "whoami", "numbers", "send", "webhook"], "pass"), \
        [(s["id"], s["finding"]) for s in report["steps"] if s["status"] != "pass"]
    assert code == 0


@pytest.mark.parametrize("shape", SHAPES[:2])
def test_the_token_step_says_whether_the_server_stated_the_lifetime(capsys, monkeypatch, shape):
    _, report = run_check(capsys, monkeypatch, shape)
    token = report["steps"][0]
    if shape["token_expires_in"]:
        assert "expires in 60 min" in token["summary"]
    else:
        assert "lifetime not stated (documented: 60 min)" in token["summary"]
    assert f"HTTP {shape['token_status']}" in token["summary"]


@pytest.mark.parametrize("shape", SHAPES[:2])
def test_a_bad_webhook_signature_is_diagnosed_in_every_shape(capsys, monkeypatch, shape):
    code, report = run_check(capsys, monkeypatch, shape, faults=("webhook_bad_signature",),
                             wait="60")
    webhook = report["steps"][-1]
    assert webhook["status"] == "fail"
    assert webhook["finding"]["title"] == "Webhooks arrived but their signature does not verify."
    assert "Stopped waiting" in webhook["summary"]  # not the 60 s timeout
    assert code == 1

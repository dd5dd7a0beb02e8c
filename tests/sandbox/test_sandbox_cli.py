"""`switchboard sandbox` as a real process: prints its URL, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ("sandbox-client", "sandbox-secret")
GRANT = {"grant_type": "client_credentials"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM semantics are POSIX")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop", "sandbox", *args]


@dataclass
class Cli:
    url: str
    banner: str
    """Everything printed up to "Press Ctrl+C to stop."; later output comes from _stop()."""
    process: subprocess.Popen


@contextmanager
def running(*args: str, env: dict[str, str] | None = None) -> Iterator[Cli]:
    """Start the CLI, read its banner, SIGTERM it on the way out.

    The whole banner is read here, line by line: communicate() reads the raw
    pipe, so anything left in the text wrapper's buffer would be lost to it.
    """
    process = subprocess.Popen(
        _command(*args),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl+C"):
            line = process.stdout.readline()  # blocks until printed; pytest-timeout guards
            assert line, f"the CLI ended early: {lines!r}; stderr: {process.stderr.read()}"
            lines.append(line)
        match = re.search(r"http://127\.0\.0\.1:\d+", lines[0])
        assert match, f"no URL in the first line {lines[0]!r}"
        yield Cli(match.group(0), "".join(lines), process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
        process.stdout.close()
        process.stderr.close()
        process.wait(timeout=30)


def _stop(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_cli_serves_on_the_requested_port_and_exits_0_on_sigterm_with_empty_stderr():
    port = _free_port()
    with running("--port", str(port)) as cli:
        assert cli.url == f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=cli.url) as http:
            token = http.post("/api/auth/token", data=GRANT, auth=DEMO).json()["access_token"]
            whoami = http.get("/api/core/whoami", headers={"Authorization": f"Bearer {token}"})
        assert whoami.status_code == 200
        code, out, err = _stop(cli.process)
    assert code == 0
    assert err == ""
    assert "sandbox-client" in cli.banner
    assert "docs/sandbox.md" in cli.banner
    assert "bad_secret" in cli.banner  # the faults are listed
    assert "Sandbox stopped." in out


def test_cli_admin_endpoint_flips_faults_from_another_process():
    with running() as cli, httpx.Client(base_url=cli.url) as http:
        assert http.post("/api/auth/token", data=GRANT, auth=DEMO).status_code == 200
        flipped = http.put("/__sandbox/faults", json={"bad_secret": True})
        assert flipped.status_code == 200
        assert http.post("/api/auth/token", data=GRANT, auth=DEMO).status_code == 401
        code, out, err = _stop(cli.process)
    assert (code, err) == (0, "")
    assert "faults changed; faults on: bad_secret" in out


def test_cli_fault_flags_switch_faults_at_start():
    args = (
        "--fault",
        "server_error",
        "--fault",
        "no_numbers",
        "--no-fault",
        "reject_missing_idempotency",
    )
    with running(*args) as cli, httpx.Client(base_url=cli.url) as http:
        state = http.get("/__sandbox").json()["faults"]
    assert state["server_error"]
    assert state["no_numbers"]
    assert not state["reject_missing_idempotency"]


def test_cli_rate_limit_and_latency_flags_configure_the_server():
    args = (
        "--ratelimit-family",
        "x-rate-limit",
        "--ratelimit-limit",
        "2",
        "--ratelimit-window",
        "30",
        "--latency",
        "0.25",
    )
    with running(*args) as cli, httpx.Client(base_url=cli.url) as http:
        responses = [http.post("/api/auth/token", data=GRANT, auth=DEMO) for _ in range(3)]
        config = http.get("/__sandbox").json()["config"]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["X-Rate-Limit-Limit"] == "2"
    assert int(responses[2].headers["Retry-After"]) <= 30
    assert config["latency"] == 0.25


def test_cli_reads_the_webhook_secret_from_the_named_variable_and_never_prints_it():
    secret = "whs-from-env-7f3a"
    args = ("--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-secret-env", "SB_TEST_SECRET")
    with running(*args, env={"SB_TEST_SECRET": secret}) as cli:
        with httpx.Client(base_url=cli.url) as http:
            config = http.get("/__sandbox").json()["config"]
        code, out, err = _stop(cli.process)
    assert config["webhook_secret"] == "<redacted>"
    assert config["webhook_url"] == "http://127.0.0.1:9/hooks"
    assert secret not in cli.banner + out + err
    assert code == 0


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (("--fault", "bad_secrets"), {}, "bad_secret, inactive_client"),
        (("--no-fault", "nope"), {}, "valid faults"),
        (("--ratelimit-family", "x-ratelimit"), {}, "ratelimit_family"),
        (("--webhook-url", "not a url"), {}, "webhook_url"),
        (("--webhook-secret-env", "SB_TEST_UNSET_VARIABLE"), {}, "SB_TEST_UNSET_VARIABLE"),
        (("--port", "70000"), {}, "--port"),
    ],
)
def test_cli_usage_errors_exit_2_with_a_message(args, env, fragment):
    environment = {k: v for k, v in os.environ.items() if k != "SB_TEST_UNSET_VARIABLE"}
    result = subprocess.run(
        _command(*args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **env},
    )
    assert result.returncode == 2
    assert fragment in result.stderr
    assert result.stdout == ""


def test_cli_port_in_use_exits_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            _command("--port", str(port)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr

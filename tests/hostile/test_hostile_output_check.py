"""Nothing `switchboard check` prints or logs holds a secret (issue 17.2 and 17.3, stdout).

Canary secrets are planted where a profile keeps them (the client secret, the access
token the server issues, a password in the base URL) and a hostile loopback server
echoes each one back in its error bodies, as real servers do ("client_secret X is not
valid"). Then every byte the command wrote is searched, in the forms a secret travels
in: stdout (human and --json), stderr, the log file and everything else under the app's
folders. The bundle was already redacted; these are the other ways out.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from desktop.cli import main
from desktop.core.paths import all_dirs
from desktop.core.redact import Redactor
from tests.hostile.hostile_client_net import HostileServer, Received, respond, token_answer


def canary(label: str) -> str:
    return f"canary{label}{uuid.uuid4().hex[:16]}"


def forms(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), json.dumps(secret)[1:-1],
            base64.b64encode(secret.encode()).decode()]


def assert_nowhere(secret: str, *texts: str) -> None:
    everything = "\n".join(texts)
    for form in forms(secret):
        assert form not in everything, f"{form!r} was printed or written"
    assert Redactor({"canary": secret}).find_known_secret(everything) is None


def written_files() -> str:
    """Every file under the app's folders (the log among them), as text."""
    return "\n".join(path.read_bytes().decode("utf-8", "replace") for folder in all_dirs()
                     for path in folder.rglob("*") if path.is_file())


def posted_secret(request: Received) -> str:
    """The client secret as the token request carried it: JSON body, form body or Basic."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        return unquote(base64.b64decode(auth.split()[1]).decode().split(":", 1)[1])
    text = request.body.decode()
    if text.startswith("{"):
        return json.loads(text).get("client_secret", "")
    fields = dict(part.split("=", 1) for part in text.split("&") if "=" in part)
    return unquote(fields.get("client_secret", ""))


class Echo:
    """``refuse``: the token endpoint quotes the secret it was sent, with ``status`` (a 401,
    or a 200 without a token). ``token``: a token is issued, then whoami names the client
    after it (a step's summary quotes that name) and every other call quotes it in a 403."""

    def __init__(self) -> None:
        self.mode = "refuse"
        self.status = 401
        self.token = ""
        self.server = HostileServer(self.handle)

    async def handle(self, request: Received, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/token"):
            secret = posted_secret(request)
            if self.mode == "refuse":
                await respond(writer, self.status, {
                    "error": "invalid_client",
                    "error_description": f"client_secret {secret} is not valid",
                    "message": f"Rejected credentials: {secret}"})
            else:
                await respond(writer, 200, token_answer(self.token))
        elif self.mode == "token" and request.path.endswith("/whoami"):
            await respond(writer, 200, {"apiClientName": f"the client of {self.token}",
                                        "apiClientStatus": "ACTIVE",
                                        "deliveryWebhookConfigured": True})
        elif self.mode == "token" and request.path != "/":
            await respond(writer, 403, {
                "error": {"code": "FORBIDDEN",
                          "message": f"token {self.token} may not read this"},
                "message": f"token {self.token} may not read this",
                "requestId": "req_echo"})
        else:
            await respond(writer, 200, {"ok": True})


@pytest.fixture(scope="module")
def echo() -> Iterator[Echo]:
    server = Echo()
    yield server
    server.server.stop()


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.timeout(90)
@pytest.mark.parametrize("provider", ["ecourtdate", "redcloud"])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_secret_echoed_in_an_error_body_is_not_printed(echo, capsys, monkeypatch,
                                                         provider: str, as_json: bool) -> None:
    secret = canary("secret")
    echo.mode, echo.status = "refuse", 401 if provider == "ecourtdate" and not as_json else 200
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "cid")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", secret)
    code, out, err = check(capsys, "--provider", provider, "--base-url", echo.server.url,
                           "--webhook-wait", "1", *(["--json"] if as_json else []))
    assert code == 1
    assert_nowhere(secret, out, err, written_files())
    assert "[REDACTED" in out, "the finding still quotes the answer, redacted"
    if as_json:
        json.loads(out)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("as_json", [False, True])
def test_an_access_token_echoed_back_is_not_printed(echo, capsys, monkeypatch,
                                                    as_json: bool) -> None:
    echo.mode, echo.token = "token", canary("token")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "cid")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", canary("secret"))
    code, out, err = check(capsys, "--provider", "redcloud", "--base-url", echo.server.url,
                           "--webhook-wait", "1", *(["--json"] if as_json else []))
    assert code == 1
    assert_nowhere(echo.token, out, err, written_files())
    assert "the client of [REDACTED" in out, "whoami's summary names the client, redacted"


@pytest.mark.timeout(90)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_password_in_the_base_url_is_not_printed(echo, capsys, monkeypatch,
                                                   as_json: bool) -> None:
    """Needs the redactor's URL-userinfo rule (17.3, the redactor's part) as well."""
    password = canary("pw")
    echo.mode, echo.status = "refuse", 401
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "cid")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", canary("secret"))
    base = echo.server.url.replace("http://", f"http://user:{password}@")
    code, out, err = check(capsys, "--provider", "ecourtdate", "--base-url", base,
                           "--webhook-wait", "1", *(["--json"] if as_json else []))
    assert code == 1
    assert_nowhere(password, out, err, written_files())
    assert f"127.0.0.1:{echo.server.port}" in out  # the URL is shown, without its password


@pytest.mark.timeout(30)
def test_a_usage_error_that_quotes_a_secret_is_redacted(capsys, monkeypatch) -> None:
    """A secret pasted into the wrong option comes back in the error message."""
    secret = canary("secret")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", secret)
    code, out, err = check(capsys, "--provider", "sandbox", "--set", secret)
    assert code == 2
    assert out == ""
    assert err.startswith("switchboard check: --set takes NAME=VALUE")
    assert_nowhere(secret, out, err, written_files())


@pytest.mark.timeout(90)
def test_what_the_run_logs_is_redacted_on_stderr_and_in_the_log_file(capsys, monkeypatch) -> None:
    """Core code that logs a secret by mistake: the command's handlers redact it (Python's
    last-resort handler, used when a command installs none, would print it as is)."""
    secret = canary("secret")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "sandbox-client")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", secret)
    from desktop.core.checklist import harness

    real = harness.build_engine

    def careless(client, **kwargs):
        logging.getLogger("desktop.core.careless").warning(
            "about to use client_secret %s for %s", secret, client.profile.name)
        return real(client, **kwargs)

    monkeypatch.setattr(harness, "build_engine", careless)
    code, out, err = check(capsys, "--provider", "sandbox", "--webhook-wait", "5")
    assert code == 1  # the sandbox expects its own secret: the token step fails
    assert "about to use client_secret" in err  # a warning still reaches the terminal
    assert_nowhere(secret, out, err, written_files())
    logs = [p for p in Path(all_dirs()[-1]).rglob("*.log")]
    assert logs
    assert "about to use client_secret" in logs[0].read_text()

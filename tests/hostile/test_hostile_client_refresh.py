"""A token that cannot be renewed is a finding, never a TokenError traceback (issue 17.6).

The server hands out one good token, then every later token request answers 500,
and every API call answers 401: the 401 makes the client ask for a fresh token, and
that fails. Or the token it hands out lives 5 s (inside the 30 s renewal margin), so
the next step has to get another one first, and cannot. Every caller path ends with
a finding: a send, the checklist (the token step and the steps after it), `check`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from desktop.cli import main
from desktop.core.checklist.harness import build_engine
from desktop.core.checklist.model import RunFinished
from desktop.core.client.auth import TokenError
from desktop.core.client.client import ProfileClient
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import Exchange
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind
from tests.hostile.hostile_client_net import HostileServer, Received, respond, token_answer

REDCLOUD = load_registry().require("redcloud")


class Refresh500:
    """One good token (living ``lifetime`` s), then 500s; API calls answer ``api_status``."""

    def __init__(self) -> None:
        self.lifetime = 3600
        self.api_status = 401
        self.tokens = 0
        self.server = HostileServer(self.handle)

    def reset(self, *, lifetime: int, api_status: int) -> None:
        self.lifetime, self.api_status, self.tokens = lifetime, api_status, 0

    async def handle(self, request: Received, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/token"):
            self.tokens += 1
            if self.tokens == 1:
                await respond(writer, 200, token_answer("tok-first-1", self.lifetime))
            else:
                await respond(writer, 500, {"error": "server_error",
                                            "error_description": "token service down"})
        elif self.api_status == 401:
            await respond(writer, 401, {"error": {"code": "UNAUTHORIZED",
                                                  "message": "token not accepted"}})
        else:
            await respond(writer, 200, {"apiClientStatus": "ACTIVE"})


@pytest.fixture(scope="module")
def server() -> Iterator[Refresh500]:
    hostile = Refresh500()
    yield hostile
    hostile.server.stop()


def client_for(url: str, recorded: list[Exchange]) -> ProfileClient:
    profile = Profile(name="refresh", provider="redcloud", environment="staging",
                      base_url=url, settings={"client_id": "cid"})
    secrets = {SecretKind.CLIENT_SECRET: "s3cret-refresh"}
    return ProfileClient(profile, REDCLOUD, secrets.get, on_exchange=recorded.append)


def run_checklist(url: str, recorded: list[Exchange]):
    async def scenario():
        async with client_for(url, recorded) as client:
            async for event in build_engine(client).run():
                if isinstance(event, RunFinished):
                    return event.run
        raise AssertionError("the run did not finish")

    return asyncio.run(scenario())


@pytest.mark.timeout(30)
def test_a_refresh_answered_500_is_a_finding_on_the_401(server) -> None:
    server.reset(lifetime=3600, api_status=401)
    recorded: list[Exchange] = []

    async def scenario() -> Exchange:
        async with client_for(server.server.url, recorded) as client:
            return await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    exchange = asyncio.run(scenario())  # no TokenError
    assert exchange.status == 401
    first = exchange.findings[0]
    assert first.code == "client.token_refresh_failed"
    assert "500" in first.evidence
    assert first.causes
    assert first.next_action
    token_calls = [e for e in recorded if e.request.path.endswith("/token")]
    assert [e.status for e in token_calls] == [200, 500]
    assert token_calls[-1].findings, "the failed token request is explained in the history"


@pytest.mark.timeout(30)
def test_the_checklist_fails_the_step_whose_refresh_failed_and_finishes(server) -> None:
    server.reset(lifetime=3600, api_status=401)
    run = run_checklist(server.server.url, [])
    token, whoami = run.results[0], run.results[1]
    assert token.status.value == "pass"
    assert whoami.status.value == "fail"
    assert whoami.finding is not None
    assert whoami.finding.code == "client.token_refresh_failed"
    assert all(r.status.value == "skipped" for r in run.results[2:])


@pytest.mark.timeout(30)
def test_a_step_that_needs_a_new_token_and_cannot_get_one_fails_with_a_finding(server) -> None:
    """The token lives 5 s, inside the renewal margin: the next step asks for another."""
    server.reset(lifetime=5, api_status=200)
    run = run_checklist(server.server.url, [])
    token, whoami = run.results[0], run.results[1]
    assert token.status.value == "pass"
    assert whoami.status.value == "fail"
    assert whoami.finding is not None
    assert whoami.finding.code == "client.token_failed"
    assert "500" in whoami.finding.title
    assert any(e.status == 500 for e in whoami.exchanges)


@pytest.mark.timeout(30)
def test_a_send_without_a_token_raises_token_error_carrying_the_token_exchange(server) -> None:
    server.reset(lifetime=5, api_status=200)
    server.tokens = 1  # the next token request is the failing one

    async def scenario() -> TokenError:
        async with client_for(server.server.url, []) as client:
            with pytest.raises(TokenError) as raised:
                await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))
            return raised.value

    error = asyncio.run(scenario())
    assert error.exchange is not None
    assert error.exchange.status == 500


@pytest.mark.timeout(60)
@pytest.mark.parametrize("lifetime", [3600, 5])
def test_check_reports_a_failed_refresh_without_a_traceback(server, capsys, monkeypatch,
                                                            lifetime: int) -> None:
    server.reset(lifetime=lifetime, api_status=401 if lifetime == 3600 else 200)
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "cid")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", "s3cret-refresh")
    code = main(["check", "--provider", "redcloud", "--base-url", server.server.url,
                 "--webhook-wait", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    assert "TokenError" not in err + out
    assert "✗ whoami" in out
    assert out.strip().endswith("failed at step “whoami”")

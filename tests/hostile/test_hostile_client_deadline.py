"""A server that drips its answer ends in a finding, not a hang (issue 17.6, deadlines).

httpx's read timeout restarts with every byte, so a server that sends one byte every
0.3 s keeps a request alive forever with a 30 s read timeout. The client's deadline
covers the whole exchange (connect, headers, body). These tests give it 1 s against
servers that drip every 0.3 s, far longer than that in all, and assert that each call
*ends* with a transport error and a ``client.deadline`` finding; pytest-timeout is the
bound on "ends". No test measures how fast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from desktop.core.checklist.harness import build_engine
from desktop.core.checklist.model import RunFinished
from desktop.core.client.auth import TokenError
from desktop.core.client.client import ClientOptions, ProfileClient
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import ErrorKind, Exchange
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind
from tests.hostile.hostile_client_net import (
    HostileServer,
    Received,
    drip,
    respond,
    token_answer,
)

REDCLOUD = load_registry().require("redcloud")
EVERY = 0.3
"""Seconds between two dripped bytes: well inside any read timeout."""
ENDLESS_HEAD = b"HTTP/1.1 200 OK\r\n" + b"X-Drip: still-coming\r\n" * 200
ENDLESS_BODY = b'{"text": "' + b"x" * 200 + b'"}'


class Dripper:
    """Drips where ``mode`` says: the token's status line, the token's body, or a call's."""

    def __init__(self) -> None:
        self.mode = "token-head"
        self.server = HostileServer(self.handle)

    async def handle(self, request: Received, writer: asyncio.StreamWriter) -> None:
        token = request.path.endswith("/token")
        if (token and self.mode == "token-head") or (not token and self.mode == "call-head"):
            await drip(writer, ENDLESS_HEAD, EVERY)
        elif (token and self.mode == "token-body") or (not token and self.mode == "call-body"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(ENDLESS_BODY))
            await drip(writer, ENDLESS_BODY, EVERY)
        elif token:
            await respond(writer, 200, token_answer("tok-drip"))
        else:
            await respond(writer, 200, {"apiClientStatus": "ACTIVE"})


@pytest.fixture(scope="module")
def dripper() -> Iterator[Dripper]:
    server = Dripper()
    yield server
    server.server.stop()


def client_for(url: str, recorded: list[Exchange], **options: float) -> ProfileClient:
    profile = Profile(name="drip", provider="redcloud", environment="staging", base_url=url,
                      settings={"client_id": "cid"})
    secrets = {SecretKind.CLIENT_SECRET: "s3cret-drip"}
    return ProfileClient(profile, REDCLOUD, secrets.get, on_exchange=recorded.append,
                         options=ClientOptions(read_timeout=30.0, **options))


def assert_ended_by_the_deadline(exchange: Exchange, seconds: float) -> None:
    assert exchange.error is not None
    assert exchange.error.kind is ErrorKind.READ_TIMEOUT
    assert exchange.top_finding is not None
    assert exchange.top_finding.code == "client.deadline"
    assert exchange.top_finding.title.endswith(
        f"kept the connection open but did not finish its answer within {seconds:g} s.")
    assert exchange.top_finding.causes
    assert exchange.top_finding.next_action


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["token-head", "token-body"])
def test_a_dripping_token_endpoint_ends_the_token_step_with_a_finding(dripper, mode) -> None:
    dripper.mode = mode
    recorded: list[Exchange] = []

    async def scenario():
        async with client_for(dripper.server.url, recorded, token_deadline=1.0) as client:
            async for event in build_engine(client).run():
                if isinstance(event, RunFinished):
                    return event.run
        raise AssertionError("the run did not finish")

    run = asyncio.run(scenario())
    token = run.results[0]
    assert token.status.value == "fail"
    assert token.exchanges, "the token request is the step's exchange"
    assert_ended_by_the_deadline(token.exchanges[-1], 1.0)
    assert token.finding is not None
    assert token.finding.code == "client.deadline"
    assert [r.status.value for r in run.results[1:]] == ["skipped"] * (len(run.results) - 1)


@pytest.mark.timeout(30)
def test_the_overall_timeout_alone_bounds_a_token_request(dripper) -> None:
    """The total timeout is the bound of everything a client does, token requests too."""
    dripper.mode = "token-head"
    recorded: list[Exchange] = []

    async def scenario() -> TokenError:
        async with client_for(dripper.server.url, recorded, total_timeout=1.0) as client:
            with pytest.raises(TokenError) as raised:
                await client.acquire_token()
            return raised.value

    error = asyncio.run(scenario())
    assert error.exchange is not None
    assert_ended_by_the_deadline(error.exchange, 1.0)


ONE_SECOND = [{"deadline": 1.0, "token_deadline": 1.0}, {"total_timeout": 1.0}]
"""The per-exchange deadlines, or only the overall bound of a send: either ends it."""


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["token-head", "token-body"])
@pytest.mark.parametrize("options", ONE_SECOND)
def test_a_send_whose_token_request_drips_raises_token_error_with_the_exchange(
        dripper, mode, options) -> None:
    dripper.mode = mode
    recorded: list[Exchange] = []

    async def scenario() -> TokenError:
        async with client_for(dripper.server.url, recorded, **options) as client:
            with pytest.raises(TokenError) as raised:
                await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))
            return raised.value

    error = asyncio.run(scenario())
    assert "did not answer in time" in str(error)
    assert error.exchange is not None
    assert_ended_by_the_deadline(error.exchange, 1.0)
    assert recorded == [error.exchange]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["call-head", "call-body"])
@pytest.mark.parametrize("options", ONE_SECOND)
def test_a_dripping_answer_ends_in_an_exchange_with_a_transport_error(dripper, mode,
                                                                      options) -> None:
    dripper.mode = mode
    recorded: list[Exchange] = []

    async def scenario() -> Exchange:
        async with client_for(dripper.server.url, recorded, **options) as client:
            return await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    exchange = asyncio.run(scenario())
    assert_ended_by_the_deadline(exchange, 1.0)
    if mode == "call-body":
        assert exchange.response is not None
        assert exchange.response.status == 200
        assert 0 < exchange.response.body_size < len(ENDLESS_BODY)
        assert "did not end within 1 s" in (exchange.response.incomplete or "")
    else:
        assert exchange.response is None


@pytest.mark.timeout(30)
def test_the_checklist_fails_a_request_step_whose_answer_drips(dripper) -> None:
    dripper.mode = "call-body"
    recorded: list[Exchange] = []

    async def scenario():
        async with client_for(dripper.server.url, recorded, deadline=1.0) as client:
            async for event in build_engine(client).run():
                if isinstance(event, RunFinished):
                    return event.run
        raise AssertionError("the run did not finish")

    run = asyncio.run(scenario())
    whoami = run.results[1]
    assert whoami.step.id == "whoami"
    assert whoami.status.value == "fail"
    assert whoami.finding is not None
    assert whoami.finding.code == "client.deadline"


def test_the_defaults_bound_every_exchange_and_token_requests_tighter() -> None:
    options = ClientOptions()
    assert 0 < options.token_deadline <= options.deadline <= options.total_timeout
    assert options.deadline <= 60

"""A token endpoint that redirects never gets the client secret sent on (issue 17.1).

Server A is the profile's API; its token endpoint answers every POST with a redirect
to server B, another port on 127.0.0.1, so another origin. B records every byte it
reads: it must read nothing at all. Whatever the redirect status (301, 302, 303, 307,
308: the last two keep the body, so a follower re-posts the secret), whatever the
token request's shape (form or JSON body, secret in the body or in HTTP Basic), and
whichever path asks for the token (a send, the checklist's token step, `check`), the
redirect is a ``client.token_redirect`` finding that names B's host.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from desktop.cli import main
from desktop.core.checklist.harness import build_engine
from desktop.core.checklist.model import RunFinished
from desktop.core.client.auth import OAuth2ClientCredentials, TokenError
from desktop.core.client.client import ProfileClient
from desktop.core.client.recording import RecordingTransport
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import Exchange
from desktop.core.profiles import Profile
from desktop.core.provider import parse_provider
from desktop.core.secrets import SecretKind
from tests.hostile.hostile_client_net import HostileServer, Received, respond, secret_forms

SECRET = "canary-secret-3f9a1c7e-redirect"
REDIRECTS = (301, 302, 303, 307, 308)


class Redirector:
    """A: the token endpoint redirects (to ``target``); everything else is a plain 200."""

    def __init__(self) -> None:
        self.status = 307
        self.target = ""
        self.server = HostileServer(self.handle)

    async def handle(self, request: Received, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/token"):
            await respond(writer, self.status, {"moved": True},
                          (("Location", self.target),))
        else:
            await respond(writer, 200, {"ok": True})


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Redirector, HostileServer]]:
    async def collect(request: Received, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, {"access_token": "stolen", "expires_in": 3600})

    a, b = Redirector(), HostileServer(collect)
    yield a, b
    a.server.stop()
    b.stop()


def oauth_provider(body: str, credentials: str):
    return parse_provider({
        "id": f"oauth-{body}-{credentials}", "name": "OAuth API",
        "environments": [{"id": "staging", "name": "Staging", "per_customer": True}],
        "auth": {"type": "oauth2_client_credentials", "token_path": "/oauth/token",
                 "body": body, "credentials": credentials},
        "checklist": [{"id": "token", "title": "Token", "kind": "token"}],
    }, file="oauth.toml")


def client_for(base_url: str, body: str, credentials: str,
               recorded: list[Exchange]) -> ProfileClient:
    profile = Profile(name="hostile", provider="oauth", environment="staging",
                      base_url=base_url, settings={"client_id": "cid"})
    secrets = {SecretKind.CLIENT_SECRET: SECRET}
    return ProfileClient(profile, oauth_provider(body, credentials), secrets.get,
                         on_exchange=recorded.append)


def assert_b_read_nothing(b: HostileServer) -> None:
    raw = b.raw_bytes()
    assert b.received == [], f"the other origin was sent {raw[:300]!r}"
    for form in secret_forms(SECRET):
        assert form not in raw


def redirect_finding(exchanges: list[Exchange]):
    found = [f for e in exchanges for f in e.findings if f.code == "client.token_redirect"]
    assert found, [f.code for e in exchanges for f in e.findings]
    return found[0]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize(("body", "credentials"), [("form", "body"), ("json", "body"),
                                                    ("form", "basic"), ("json", "basic")])
def test_a_send_never_follows_the_token_endpoint_to_another_origin(
        servers, status: int, body: str, credentials: str) -> None:
    a, b = servers
    b.received.clear()
    a.status, a.target = status, f"{b.url}/collect"
    recorded: list[Exchange] = []

    async def scenario() -> TokenError:
        async with client_for(a.server.url, body, credentials, recorded) as client:
            with pytest.raises(TokenError) as raised:
                await client.send(RequestSpec("GET", client.url_for("/v1/things")))
            return raised.value

    error = asyncio.run(scenario())
    assert_b_read_nothing(b)
    finding = redirect_finding(recorded)
    assert f"127.0.0.1:{b.port}" in finding.title
    assert "refusing to send credentials there" in finding.title
    assert finding.causes
    assert finding.next_action
    assert error.exchange is not None
    assert finding in error.exchange.findings
    assert error.exchange.top_finding == finding


@pytest.mark.timeout(60)
@pytest.mark.parametrize("status", [307, 308])
def test_the_checklist_token_step_reports_the_redirect_as_its_finding(servers,
                                                                       status: int) -> None:
    a, b = servers
    b.received.clear()
    a.status, a.target = status, f"{b.url}/collect"
    recorded: list[Exchange] = []

    async def scenario():
        async with client_for(a.server.url, "json", "body", recorded) as client:
            async for event in build_engine(client).run():
                if isinstance(event, RunFinished):
                    return event.run
        raise AssertionError("the run did not finish")

    run = asyncio.run(scenario())
    assert_b_read_nothing(b)
    token = run.results[0]
    assert token.status.value == "fail"
    assert token.finding is not None
    assert token.finding.code == "client.token_redirect"
    assert f"127.0.0.1:{b.port}" in token.finding.title


@pytest.mark.timeout(60)
def test_a_same_origin_redirect_is_not_followed_either(servers) -> None:
    a, _b = servers
    a.status, a.target = 308, "/oauth/token/"
    before = len(a.server.received)
    recorded: list[Exchange] = []

    async def scenario() -> None:
        async with client_for(a.server.url, "form", "body", recorded) as client:
            with pytest.raises(TokenError):
                await client.acquire_token()

    asyncio.run(scenario())
    assert [r.path for r in a.server.received[before:]] == ["/oauth/token"]
    finding = redirect_finding(recorded)
    assert "not re-sent to a redirect" in finding.title


@pytest.mark.timeout(60)
def test_the_transport_refuses_a_redirect_hop_of_a_token_request(servers) -> None:
    """Defence in depth: even an httpx client that follows redirects (a token request
    yielded by the flow, as before) cannot carry the secret past the transport."""
    a, b = servers
    b.received.clear()
    a.status, a.target = 307, f"{b.url}/collect"
    recorded: list[Exchange] = []
    auth = OAuth2ClientCredentials(token_url=f"{a.server.url}/oauth/token",
                                   client_id=lambda: "cid", client_secret=lambda: SECRET,
                                   body="json", credentials="body")

    async def scenario() -> None:
        transport = RecordingTransport(httpx.AsyncHTTPTransport(), recorded.append)
        async with httpx.AsyncClient(transport=transport, follow_redirects=True,
                                     trust_env=False) as http:
            with pytest.raises((TokenError, httpx.TransportError)):
                await http.get(f"{a.server.url}/v1/things", auth=auth)

    asyncio.run(scenario())
    assert_b_read_nothing(b)
    redirect_finding(recorded)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("as_json", [False, True])
def test_check_says_where_the_token_endpoint_redirects_and_sends_nothing_there(
        servers, capsys, monkeypatch, as_json: bool) -> None:
    a, b = servers
    b.received.clear()
    a.status, a.target = 307, f"{b.url}/collect"
    monkeypatch.setenv("SWITCHBOARD_CLIENT_ID", "cid")
    monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", SECRET)
    code = main(["check", "--provider", "ecourtdate", "--base-url", a.server.url,
                 *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert code == 1
    assert_b_read_nothing(b)
    assert "Traceback" not in err
    if as_json:
        token = next(s for s in json.loads(out)["steps"] if s["id"] == "token")
        assert token["status"] == "fail"
        assert token["finding"]["code"] == "client.token_redirect"
        text = token["finding"]["title"]
    else:
        text = out
    assert f"the token endpoint redirects to 127.0.0.1:{b.port}; refusing to send " \
           "credentials there" in text.lower()

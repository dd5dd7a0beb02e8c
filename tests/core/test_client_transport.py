"""ProfileClient over httpx.MockTransport: every network condition as a unit test."""

from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from desktop.core.client.auth import TokenError
from desktop.core.client.client import ClientOptions, ProfileClient
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import ErrorKind, Exchange
from desktop.core.profiles import Profile
from desktop.core.provider import Provider, load_registry, parse_provider
from desktop.core.secrets import SecretKind

REGISTRY = load_registry()
PLAIN = parse_provider({
    "id": "plain", "name": "Plain bearer API",
    "environments": [{"id": "staging", "name": "Staging", "per_customer": True}],
    "auth": {"type": "bearer"},
}, file="plain.toml")
KEYED = parse_provider({
    "id": "keyed", "name": "API-key API",
    "environments": [{"id": "staging", "name": "Staging", "per_customer": True}],
    "auth": {"type": "api_key", "header": "X-Api-Key"},
}, file="keyed.toml")


def provider(provider_id: str) -> Provider:
    return {"plain": PLAIN, "keyed": KEYED}.get(provider_id) or REGISTRY.require(provider_id)


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    provider_id: str = "redcloud",
    secrets: dict[SecretKind, str] | None = None,
    options: ClientOptions | None = None,
    base_url: str = "https://api.example",
) -> tuple[ProfileClient, list[Exchange]]:
    recorded: list[Exchange] = []
    profile = Profile(name="test", provider=provider_id, environment="staging",
                      base_url=base_url, settings={"client_id": "cid"})
    values = {SecretKind.CLIENT_SECRET: "s3cret", SecretKind.API_KEY: "key-123"}
    values.update(secrets or {})
    client = ProfileClient(profile, provider(provider_id), values.get,
                           transport=httpx.MockTransport(handler), on_exchange=recorded.append,
                           options=options)
    return client, recorded


def token_ok(request: httpx.Request) -> httpx.Response | None:
    if request.url.path == "/api/auth/token":
        return httpx.Response(200, json={"access_token": "tok", "token_type": "bearer",
                                         "expires_in": 3600})
    return None


def run(coro):
    return asyncio.run(coro)


def get(client: ProfileClient, path: str = "/api/core/whoami") -> Exchange:
    async def go() -> Exchange:
        async with client:
            return await client.send(RequestSpec("GET", client.url_for(path)))

    return run(go())


def test_connect_error_becomes_an_exchange_with_a_transport_finding() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client, recorded = make_client(handler, provider_id="plain")
    exchange = get(client, "/anything")
    assert exchange.response is None
    assert exchange.error is not None
    assert exchange.error.kind is ErrorKind.CONNECT_REFUSED
    assert exchange.findings[0].code == "transport.connect_refused"
    assert any("443" in cause for cause in exchange.findings[0].causes)
    assert recorded == [exchange]


def test_read_timeout_is_recorded_and_explained() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if (token := token_ok(request)) is not None:
            return token
        raise httpx.ReadTimeout("timed out", request=request)

    client, _ = make_client(handler)
    exchange = get(client)
    assert exchange.error is not None
    assert exchange.error.kind is ErrorKind.READ_TIMEOUT
    assert "did not answer in time" in exchange.findings[-1].title


class ResetMidBody(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"partial": '
        raise httpx.ReadError("connection reset by peer")


def test_connection_reset_mid_body_keeps_what_arrived() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=ResetMidBody())

    client, _ = make_client(handler, provider_id="plain")
    exchange = get(client, "/x")
    assert exchange.response is not None
    assert exchange.response.body == b'{"partial": '
    assert exchange.response.incomplete is not None
    assert "cut short" in exchange.response.incomplete


class Endless(httpx.AsyncByteStream):
    """50 MB in 64 KB chunks, or forever."""

    def __init__(self, total: int | None) -> None:
        self.total = total

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b"x" * 65536
        sent = 0
        while self.total is None or sent < self.total:
            yield chunk
            sent += len(chunk)
            await asyncio.sleep(0)


def test_a_50_mb_body_is_counted_not_kept() -> None:
    total = 50 * 1024 * 1024
    client, _ = make_client(lambda r: httpx.Response(200, stream=Endless(total)),
                            provider_id="plain", options=ClientOptions(body_cap=1024 * 1024))
    tracemalloc.start()
    exchange = get(client, "/big")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert exchange.response is not None
    assert exchange.response.body_size == total
    assert len(exchange.response.body) == 1024 * 1024
    assert exchange.response.truncated
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while reading 50 MB"


def test_a_never_ending_body_is_cut_at_the_total_timeout() -> None:
    client, _ = make_client(lambda r: httpx.Response(200, stream=Endless(None)),
                            provider_id="plain",
                            options=ClientOptions(body_cap=64 * 1024, total_timeout=0.3))
    exchange = get(client, "/stream")
    assert exchange.response is not None
    assert exchange.response.truncated
    assert exchange.response.body_size > 64 * 1024
    assert "did not end within" in (exchange.response.incomplete or "")


def test_invalid_utf8_body_is_kept_exactly_and_shown_with_replacement() -> None:
    raw = b'{"message": "caf\xe9 \xff"}'
    client, _ = make_client(lambda r: httpx.Response(400, content=raw), provider_id="plain")
    exchange = get(client, "/x")
    assert exchange.response is not None
    assert exchange.response.body == raw
    assert exchange.response.json() is None
    assert "\ufffd" in exchange.response.text()
    assert exchange.findings  # a 400 is still explained


def test_gzip_body_is_decoded_and_a_gzip_bomb_stops_at_the_cap() -> None:
    payload = json.dumps({"ok": True}).encode()
    client, _ = make_client(
        lambda r: httpx.Response(200, content=gzip.compress(payload),
                                 headers={"Content-Encoding": "gzip"}),
        provider_id="plain")
    assert get(client, "/x").response.body == payload

    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    client, _ = make_client(
        lambda r: httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}),
        provider_id="plain", options=ClientOptions(body_cap=1024 * 1024))
    response = get(client, "/x").response
    assert len(response.body) == 1024 * 1024
    assert response.truncated


def test_api_key_is_not_sent_to_another_origin_on_redirect() -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example":
            return httpx.Response(302, headers={"Location": "https://elsewhere.example/x"})
        seen["key"] = request.headers.get("X-Api-Key")
        return httpx.Response(200, json={})

    client, recorded = make_client(handler, provider_id="keyed")
    exchange = get(client, "/v1/anything")
    assert seen == {"key": None}
    assert recorded[0].request.header("X-Api-Key") == "key-123"
    assert exchange.request.header("X-Api-Key") is None
    assert any(f.code == "client.credentials_withheld" for f in exchange.findings)


def test_bearer_token_is_not_sent_to_another_origin_on_redirect() -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if (token := token_ok(request)) is not None:
            return token
        if request.url.port != 8080:  # same host, other port: another origin
            return httpx.Response(307, headers={"Location": "http://api.example:8080/x"})
        seen["auth"] = request.headers.get("Authorization")
        return httpx.Response(200, json={})

    client, _ = make_client(handler)
    get(client)
    assert seen == {"auth": None}


def test_oauth_token_is_acquired_once_and_reused() -> None:
    hits = {"token": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/token":
            hits["token"] += 1
        return token_ok(request) or httpx.Response(200, json={"apiClientStatus": "ACTIVE"})

    client, recorded = make_client(handler)

    async def go() -> None:
        async with client:
            for _ in range(3):
                await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    run(go())
    assert hits["token"] == 1
    assert [e.request.path for e in recorded] == ["/api/auth/token"] + ["/api/core/whoami"] * 3
    assert recorded[1].token_fresh is True


def test_basic_credentials_are_form_urlencoded_before_base64() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/token":
            seen["auth"] = request.headers["Authorization"]
            seen["body"] = request.content.decode()
        return token_ok(request) or httpx.Response(200, json={})

    client, _ = make_client(handler, secrets={SecretKind.CLIENT_SECRET: "p@ss:w rd"})
    get(client)
    import base64

    decoded = base64.b64decode(seen["auth"].split()[1]).decode()
    assert decoded == "cid:p%40ss%3Aw%20rd"
    assert seen["body"] == "grant_type=client_credentials"


def test_a_refused_token_raises_and_is_diagnosed_with_whitespace_first() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client",
                                         "error_description": "bad credentials"})

    client, recorded = make_client(handler, secrets={SecretKind.CLIENT_SECRET: "s3cret\n"})
    with pytest.raises(TokenError, match="401"):
        get(client)
    assert len(recorded) == 1
    finding = recorded[0].findings[0]
    assert finding.code == "redcloud.token-invalid-client"
    assert "whitespace" in finding.causes[0]


def test_request_id_is_read_from_the_core_error_wrapper() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return token_ok(request) or httpx.Response(
            403, json={"error": {"code": "FORBIDDEN", "message": "not yours", "details": {}},
                       "requestId": "req_abc"})

    client, _ = make_client(handler)
    exchange = get(client, "/api/core/messages/send")
    assert exchange.request_id == "req_abc"
    assert exchange.findings[0].code == "redcloud.send-forbidden"
    assert "req_abc" in exchange.findings[0].evidence


def test_cancelling_a_send_records_a_cancelled_exchange() -> None:
    release = asyncio.Event()

    async def slow_handler(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200)

    recorded: list[Exchange] = []
    profile = Profile(name="t", provider="plain", environment="staging",
                      base_url="https://api.example")
    client = ProfileClient(profile, provider("plain"), lambda k: "tok",
                           transport=httpx.MockTransport(slow_handler),
                           on_exchange=recorded.append)

    async def go() -> None:
        async with client:
            task = asyncio.ensure_future(client.send(RequestSpec("GET", client.url_for("/x"))))
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    run(go())
    assert recorded[-1].error is not None
    assert recorded[-1].error.kind is ErrorKind.CANCELLED


def test_sends_beyond_max_in_flight_wait_their_turn_and_all_complete() -> None:
    """500 sends at once must not all land in httpcore's pool (it rescans them per event)."""
    on_wire = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal on_wire, most
        on_wire += 1
        most = max(most, on_wire)
        await asyncio.sleep(0.001)
        on_wire -= 1
        return httpx.Response(200, json={"ok": True})

    client, recorded = make_client(handler, provider_id="plain",  # type: ignore[arg-type]
                                   secrets={SecretKind.TOKEN: "tok"},
                                   options=ClientOptions(max_in_flight=3))

    async def go() -> list[Exchange]:
        async with client:
            spec = RequestSpec("GET", client.url_for("/v1/ping"))
            return await asyncio.gather(*(client.send(spec) for _ in range(40)))

    exchanges = run(go())
    assert [exchange.status for exchange in exchanges] == [200] * 40
    assert len(recorded) == 40
    assert most == 3


def test_the_default_pool_holds_as_many_connections_as_sends_in_flight() -> None:
    profile = Profile(name="p", provider="plain", environment="staging",
                      base_url="https://api.example")
    client = ProfileClient(profile, PLAIN, {}.get)
    pool = client._recording._inner._pool  # type: ignore[attr-defined]
    assert client.options.max_in_flight == 20
    assert pool._max_connections == client.options.max_in_flight

"""Helpers for Sandbox tests: a live Sandbox and httpx client per scenario, a webhook receiver.

pytest-asyncio is not installed: each test is a plain function that hands an
async scenario to ``run_sandbox``, which runs it inside ``asyncio.run`` with
a Sandbox listening on a free loopback port.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from aiohttp import web

from desktop.sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from desktop.sandbox.faults import Faults
from desktop.sandbox.server import Sandbox

T = TypeVar("T")
WAIT = 10.0
"""A guard against hangs, never an assertion: every wait below ends on an event."""

GOOD_SMS = {
    "sendFrom": "num_sbx_0142",
    "to": ["+12025550123"],
    "messageType": "SMS",
    "text": "Hello from the Sandbox",
    "externalReference": "order-42",
}


@dataclass
class Api:
    """A running Sandbox and a client pointed at it."""

    sandbox: Sandbox
    http: httpx.AsyncClient
    _counter: int = 0

    async def token_response(self, **kwargs: Any) -> httpx.Response:
        data = kwargs.pop("data", {"grant_type": "client_credentials"})
        kwargs.setdefault("auth", (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
        return await self.http.post("/api/auth/token", data=data, **kwargs)

    async def token(self) -> str:
        response = await self.token_response()
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    async def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}

    async def get(self, path: str, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else await self.bearer()
        return await self.http.get(path, headers=headers)

    async def send(
        self,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = "auto",
        token: str | None = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else await self.bearer()
        if key == "auto":
            self._counter += 1
            key = f"test-key-{self._counter}"
        if key is not None:
            headers["Idempotency-Key"] = key
        if raw is not None:
            headers["Content-Type"] = "application/json"
            return await self.http.post("/api/core/messages/send", content=raw, headers=headers)
        return await self.http.post(
            "/api/core/messages/send", json=GOOD_SMS if body is None else body, headers=headers
        )


def run_sandbox(
    scenario: Callable[[Api], Awaitable[T]],
    *,
    config: SandboxConfig | None = None,
    faults: Iterable[str] | Faults = (),
    timeout: float = 10.0,
) -> T:
    async def main() -> T:
        async with (
            Sandbox(config, faults=faults) as sandbox,
            httpx.AsyncClient(base_url=sandbox.url, timeout=timeout) as http,
        ):
            return await scenario(Api(sandbox, http))

    return asyncio.run(main())


@pytest.fixture
def sandbox_run() -> Callable[..., Any]:
    return run_sandbox


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class WebhookReceiver:
    """A loopback webhook endpoint that records every POST and answers from a script.

    ``script`` maps an event's ``sequence`` to the statuses its attempts get,
    in order; anything unscripted gets 200.
    """

    script: dict[int, list[int]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Condition | None = None
    url: str = ""

    async def __aenter__(self) -> WebhookReceiver:
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/hooks", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hooks"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        statuses = self.script.get(json.loads(body).get("sequence"), [])
        status = statuses.pop(0) if statuses else 200
        assert self._arrived is not None
        async with self._arrived:
            self.received.append(Received(dict(request.headers), body, status))
            self._arrived.notify_all()
        return web.Response(status=status, text="ok" if status < 300 else "rejected")

    async def wait_for(self, count: int) -> list[Received]:
        """Return once at least ``count`` POSTs have arrived."""
        assert self._arrived is not None

        async def arrived() -> None:
            async with self._arrived:  # type: ignore[union-attr]
                await self._arrived.wait_for(lambda: len(self.received) >= count)  # type: ignore[union-attr]

        await asyncio.wait_for(arrived(), WAIT)
        return list(self.received)


@pytest.fixture
def receiver_factory() -> Callable[..., WebhookReceiver]:
    return lambda script=None: WebhookReceiver(
        script={seq: list(statuses) for seq, statuses in (script or {}).items()}
    )


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    """The documented scheme, written again here so the test checks the Sandbox."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@pytest.fixture
def expected_signature() -> Callable[[str, str, bytes], str]:
    return signature_of

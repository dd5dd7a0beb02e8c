"""``Sandbox``: start, reconfigure and stop the simulated API inside any asyncio loop.

The window runs it on the qasync loop, the CLI on a plain one, the tests
inside ``asyncio.run``; all three use this one class. Stopping is clean by
contract: the listening socket, every pending webhook delivery and retry,
and the outbound session are all closed before ``stop()`` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from desktop.core.observable import Event
from desktop.sandbox.app import build_app
from desktop.sandbox.auth import TokenStore
from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.faults import DEFAULT_FAULTS, FAULTS, Faults
from desktop.sandbox.idempotency import IdempotencyStore
from desktop.sandbox.ratelimit import FixedWindowLimiter
from desktop.sandbox.state import SandboxState
from desktop.sandbox.webhooks import WebhookSender

SHUTDOWN_TIMEOUT = 2.0
"""Seconds stop() lets in-flight requests finish before they are cancelled."""


class Sandbox:
    """A simulated Red Cloud–shaped API on loopback, with fault switches.

    ``faults`` names switches to turn on besides the defaults
    (``reject_missing_idempotency``); pass a ``Faults`` object for full
    control. ``reset()`` returns to the faults and config given here.
    """

    def __init__(
        self, config: SandboxConfig | None = None, faults: Iterable[str] | Faults = ()
    ) -> None:
        self._initial_config = config if config is not None else SandboxConfig()
        self._config = self._initial_config
        self.faults = faults if isinstance(faults, Faults) else Faults(DEFAULT_FAULTS | set(faults))
        self.state = SandboxState()
        self.tokens = TokenStore()
        self.idempotency = IdempotencyStore(ttl=self._config.idempotency_ttl)
        self.limiter = FixedWindowLimiter()
        self.webhooks = WebhookSender(self)
        self.changed: Event[str] = Event()
        """Emits ``"faults"``, ``"config"`` or ``"reset"`` after each change."""
        self.faults.changed.connect(lambda _enabled: self.changed.emit("faults"))
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._stopping = asyncio.Event()

    # -- settings -------------------------------------------------------------

    @property
    def config(self) -> SandboxConfig:
        return self._config

    def configure(self, **changes: Any) -> SandboxConfig:
        """Apply setting changes at once, or none of them (ValueError names the bad one)."""
        config = self._config.with_changes(**changes)
        if config != self._config:
            self._config = config
            self.idempotency.ttl = config.idempotency_ttl
            self.changed.emit("config")
        return config

    async def reset(self) -> None:
        """Back to the initial faults and config; forget tokens, keys, messages, deliveries."""
        await self.webhooks.cancel_pending()
        self.faults.reset()
        if self._config != self._initial_config:
            self._config = self._initial_config
            self.idempotency.ttl = self._config.idempotency_ttl
            self.changed.emit("config")
        self.state.clear()
        self.tokens.clear()
        self.idempotency.clear()
        self.limiter.clear()
        self.changed.emit("reset")

    # -- lifecycle ------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._url is None:
            raise RuntimeError("the Sandbox is not running: await start() first")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0: a free port) and return the base URL."""
        if self._runner is not None:
            raise RuntimeError("the Sandbox is already running")
        self._stopping = asyncio.Event()
        runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            await self.webhooks.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self._runner = runner
        self._url = f"http://{shown}:{bound_port}"
        return self._url

    async def stop(self) -> None:
        """Stop listening, cancel pending deliveries, close the session. Idempotent."""
        runner, self._runner, self._url = self._runner, None, None
        self._stopping.set()
        if runner is not None:
            await runner.cleanup()
        await self.webhooks.close()

    async def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the Sandbox is stopping (the ``slow`` fault)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def wait_webhooks_idle(self) -> None:
        """Return once every scheduled webhook delivery and retry has finished."""
        await self.webhooks.idle()

    async def __aenter__(self) -> Sandbox:
        if not self.running:
            await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- what the admin endpoint and the UI show ------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "url": self._url,
            "faults": self.faults.as_dict(),
            "faultDescriptions": {fault.name: fault.description for fault in FAULTS},
            "config": self._config.as_dict(),
            **self.state.as_dict(),
            "pendingWebhookTasks": self.webhooks.pending,
        }

"""``Sandbox``: start, reconfigure and stop the simulated API inside any asyncio loop.

The window runs it on the qasync loop, the CLI on a plain one, the tests
inside ``asyncio.run``; all three use this one class. Stopping is clean by
contract: the listening socket, every pending webhook delivery and retry,
and the outbound session are all closed before ``stop()`` returns.

The window starts its sandbox ``on_first_connection``: the socket is bound
and listening at once (the Sandbox profile gets its URL), but aiohttp and
the routes load only when a client first connects, which the kernel holds
in the listen backlog meanwhile. aiohttp and what it imports are 12 MiB of
an idle window (tests/benchmarks, idle RSS) that a session spent on real
providers never needs. Nothing in this module imports aiohttp until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import socket
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from desktop.core.observable import Event
from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.faults import DEFAULT_FAULTS, FAULTS, Faults
from desktop.sandbox.idempotency import IdempotencyStore
from desktop.sandbox.ratelimit import FixedWindowLimiter
from desktop.sandbox.state import SandboxState
from desktop.sandbox.tokens import TokenStore
from desktop.sandbox.webhooks import WebhookSender

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 2.0
"""Seconds stop() lets in-flight requests finish before they are cancelled."""
BACKLOG = 128
"""Connections the kernel queues while the server loads (aiohttp's own default)."""


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
        """Emits ``"faults"``, ``"config"`` or ``"reset"`` after each change, and ``"failed"``
        when a server started ``on_first_connection`` could not load (see ``error``)."""
        self.error: str | None = None
        """Why the server could not load, once it has failed; None otherwise."""
        self.faults.changed.connect(lambda _enabled: self.changed.emit("faults"))
        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None
        self._loading: asyncio.Future[None] | None = None
        """Waiting for the first client, then loading the server (``on_first_connection``)."""
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
        """Listening: serving, or waiting for the first connection to load the server."""
        return self._socket is not None

    @property
    def loaded(self) -> bool:
        """The HTTP server (aiohttp and the routes) is up and answering."""
        return self._runner is not None

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._url is None:
            raise RuntimeError("the Sandbox is not running: await start() first")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0, *,
                    on_first_connection: bool = False) -> str:
        """Listen on ``host:port`` (0: a free port) and return the base URL.

        ``on_first_connection``: load the server when a client first connects (see the
        module docstring) instead of now. Either way the port is bound before this returns.
        """
        if self._socket is not None:
            raise RuntimeError("the Sandbox is already running")
        self._stopping = asyncio.Event()
        self.error = None
        sock = _listen(host, port)
        self._socket, self._url = sock, _base_url(sock)
        if on_first_connection:
            self._loading = asyncio.ensure_future(self._load_on_first_connection(sock))
            return self._url
        try:
            await self._serve(sock)
        except BaseException:
            self._close_listener()
            raise
        return self._url

    async def _load_on_first_connection(self, sock: socket.socket) -> None:
        """Accept the first client, load the server, then hand it that client; the server
        accepts the rest itself (``sock_accept`` works on every event loop, including the
        proactor qasync uses on Windows, which has no ``add_reader``)."""
        loop = asyncio.get_running_loop()
        first, _peer = await loop.sock_accept(sock)
        try:
            await self._serve(sock)
        except BaseException as exc:
            first.close()
            if not isinstance(exc, Exception):
                raise
            # Refuse the clients waiting in the backlog too, rather than leave them hanging.
            log.exception("the sandbox server could not load; it stops listening")
            self._close_listener()
            self.error = f"{type(exc).__name__}: {exc}"
            self.changed.emit("failed")
            return
        server = self._runner.server if self._runner is not None else None
        try:
            if server is None:
                raise RuntimeError("the sandbox's runner has no server")
            await loop.connect_accepted_socket(server, first)
        except Exception:
            first.close()
            log.exception("the sandbox could not take its first connection")

    async def _serve(self, sock: socket.socket) -> None:
        """Load aiohttp and the routes (in a thread: the import takes a while and builds
        SSL contexts) and serve on ``sock``, accepting whatever waits in its backlog."""
        loop = asyncio.get_running_loop()
        app_module = await loop.run_in_executor(None, importlib.import_module,
                                                "desktop.sandbox.app")
        from aiohttp import web

        runner = web.AppRunner(app_module.build_app(self), access_log=None,
                               shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.SockSite(runner, sock, backlog=BACKLOG).start()
            await self.webhooks.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    def _close_listener(self) -> None:
        sock, self._socket, self._url = self._socket, None, None
        if sock is not None:
            sock.close()

    async def stop(self) -> None:
        """Stop listening, cancel pending deliveries, close the session. Idempotent."""
        self._stopping.set()
        loading, self._loading = self._loading, None
        if loading is not None and not loading.done():
            loading.cancel()  # waiting for a client, or loading: a half-loaded server is
            with contextlib.suppress(asyncio.CancelledError, Exception):  # cleaned up below
                await loading
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._close_listener()
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


def _listen(host: str, port: int) -> socket.socket:
    """A non-blocking socket listening on ``host:port``, its family chosen by ``host``."""
    # An ASCII host goes as bytes: a str is IDNA-encoded first, and that codec (with
    # stringprep and unicodedata) would load only to pass "127.0.0.1" through unchanged.
    name: str | bytes = host.encode("ascii") if host.isascii() else host
    family, _type, _proto, _name, address = socket.getaddrinfo(
        name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.create_server(address, family=family, backlog=BACKLOG)
    sock.setblocking(False)
    return sock


def _base_url(sock: socket.socket) -> str:
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return f"http://{shown}:{bound_port}"

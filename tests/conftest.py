"""Suite-wide set-up: Qt offscreen, every app directory under a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "data" / "vectors"
"""Public test vectors (standards' suites, signature examples), copied in: see its README."""


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point config/data/cache/log dirs at a fresh folder so no test touches the real ones."""
    home = tmp_path_factory.mktemp("switchboard-home")
    monkeypatch.setenv("SWITCHBOARD_HOME", str(home))
    return home


class ThreadedSandbox:
    """A Sandbox on its own event loop in a thread, for code under test that runs its own loop
    (the CLI calls asyncio.run)."""

    def __init__(self, faults: tuple[str, ...] = ()) -> None:
        import asyncio
        import threading

        from desktop.sandbox.server import Sandbox

        self.sandbox = Sandbox(faults=list(faults))
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the sandbox did not start")

    def _serve(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.sandbox.start())
        self._ready.set()
        self.loop.run_forever()

    @property
    def url(self) -> str:
        return self.sandbox.url

    def call(self, function, *args, **kwargs):
        """Run a plain function on the sandbox's loop (faults, configure) and return its result."""
        import concurrent.futures

        future: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(function(*args, **kwargs))
            except Exception as exc:
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return future.result(10)

    def stop(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.sandbox.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture
def threaded_sandbox():
    """Start with ``threaded_sandbox(faults=...)``; stopped after the test."""
    started: list[ThreadedSandbox] = []

    def start(faults: tuple[str, ...] = ()) -> ThreadedSandbox:
        server = ThreadedSandbox(faults)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()

"""Starting and stopping: free port, clean stop with nothing left behind, light imports."""

from __future__ import annotations

import asyncio
import gc
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import httpx
import pytest

from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_start_binds_a_free_loopback_port_and_reports_the_base_url():
    async def scenario():
        sandbox = Sandbox()
        assert not sandbox.running
        with pytest.raises(RuntimeError):
            _ = sandbox.url
        url = await sandbox.start()
        try:
            assert url == sandbox.url
            assert url.startswith("http://127.0.0.1:")
            assert not url.endswith(":0")
            with pytest.raises(RuntimeError):
                await sandbox.start()
        finally:
            await sandbox.stop()
        assert not sandbox.running

    asyncio.run(scenario())


def test_two_sandboxes_run_side_by_side_on_different_ports():
    async def scenario():
        async with Sandbox() as one, Sandbox() as two:
            assert one.url != two.url

    asyncio.run(scenario())


def test_stop_is_idempotent_and_a_stopped_sandbox_can_start_again():
    async def scenario():
        sandbox = Sandbox()
        await sandbox.start()
        await sandbox.stop()
        await sandbox.stop()
        await sandbox.start()
        try:
            async with httpx.AsyncClient(base_url=sandbox.url) as http:
                response = await http.get("/__sandbox")
            assert response.status_code == 200
        finally:
            await sandbox.stop()

    asyncio.run(scenario())


def test_stop_leaves_no_task_socket_or_warning_behind(caplog, receiver_factory):
    problems: list[dict] = []

    async def scenario():
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: problems.append(ctx))
        sandbox = Sandbox(SandboxConfig(event_delay=0, retry_scale=1.0, latency=30.0))
        await sandbox.start()
        async with (
            receiver_factory({1: [500]}) as receiver,
            httpx.AsyncClient(base_url=sandbox.url, timeout=0.2) as http,
        ):
            sandbox.configure(webhook_url=receiver.url)
            token = (
                await http.post(
                    "/api/auth/token",
                    data={"grant_type": "client_credentials"},
                    auth=("sandbox-client", "sandbox-secret"),
                )
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k"}
            await http.post(
                "/api/core/messages/send",
                headers=headers,
                json={
                    "sendFrom": "num_sbx_0142",
                    "to": ["+12025550123"],
                    "messageType": "SMS",
                    "text": "hi",
                },
            )
            await receiver.wait_for(3)
            assert sandbox.webhooks.pending >= 1  # a retry waiting a (scaled) minute
            sandbox.faults.set("slow", True)
            with pytest.raises(httpx.ReadTimeout):  # leaves a request in flight on the server
                await http.get("/api/core/whoami", headers=headers)
            await sandbox.stop()
        current = asyncio.current_task()
        assert [t for t in asyncio.all_tasks() if t is not current] == []

    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(scenario())
        gc.collect()
    assert problems == []
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_importing_the_package_or_its_fault_list_does_not_load_aiohttp():
    code = (
        "import sys, desktop.sandbox, desktop.sandbox.faults, desktop.sandbox.config, "
        "desktop.commands.sandbox; "
        "print(sorted(m for m in ('aiohttp', 'http_sfv', 'phonenumbers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_sandbox_is_reachable_through_the_package_lazily():
    import desktop.sandbox as package

    assert package.Sandbox is Sandbox
    assert package.FAULTS
    with pytest.raises(AttributeError):
        _ = package.NotAThing


# -- started on first connection (the window's way) ---------------------------------------------

_ON_FIRST_CONNECTION = """
import asyncio, sys
import httpx
from desktop.sandbox.server import Sandbox

async def main():
    sandbox = Sandbox()
    url = await sandbox.start(on_first_connection=True)
    print("listening", sandbox.running, "loaded", sandbox.loaded, "aiohttp" in sys.modules)
    async with httpx.AsyncClient(base_url=url, timeout=20) as http:
        answers = await asyncio.gather(*(http.get("/__sandbox") for _ in range(8)))
    print("answered", sorted({a.status_code for a in answers}), "loaded", sandbox.loaded,
          "aiohttp" in sys.modules)
    await sandbox.stop()
    print("stopped", sandbox.running)

asyncio.run(main())
"""


def test_on_first_connection_binds_now_and_loads_aiohttp_when_a_client_connects():
    """The port is listening at once; aiohttp is imported only for the first client, and
    clients that connect meanwhile wait in the backlog and are all answered."""
    result = subprocess.run([sys.executable, "-c", _ON_FIRST_CONNECTION], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "listening True loaded False False",
        "answered [200] loaded True True",
        "stopped False",
    ]


def _refused(url: str) -> bool:
    try:
        httpx.get(url + "/__sandbox", timeout=5)
    except httpx.ConnectError:
        return True
    return False


def test_stopping_before_anyone_connected_frees_the_port():
    async def scenario():
        sandbox = Sandbox()
        url = await sandbox.start(on_first_connection=True)
        await sandbox.stop()
        await sandbox.stop()
        return url, sandbox.running, sandbox.loaded

    url, running, loaded = asyncio.run(scenario())
    assert (running, loaded) == (False, False)
    assert _refused(url)


def test_stopping_while_the_server_loads_leaves_nothing_behind():
    problems: list[dict] = []

    async def scenario():
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: problems.append(ctx))
        sandbox = Sandbox()
        url = await sandbox.start(on_first_connection=True)
        host, port = url.removeprefix("http://").split(":")
        _reader, writer = await asyncio.open_connection(host, int(port))
        await asyncio.sleep(0)  # the loop sees the connection and starts loading
        await sandbox.stop()
        writer.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return url, others

    url, others = asyncio.run(scenario())
    assert others == []
    assert problems == []
    assert _refused(url)


def test_a_server_that_cannot_load_refuses_its_clients_instead_of_leaving_them_waiting(
        monkeypatch, caplog):
    async def broken(self, sock):
        raise RuntimeError("no aiohttp today")

    monkeypatch.setattr(Sandbox, "_serve", broken)

    async def scenario():
        sandbox = Sandbox()
        changes: list[str] = []
        sandbox.changed.connect(changes.append)
        url = await sandbox.start(on_first_connection=True)
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            with pytest.raises(httpx.TransportError):
                await http.get("/__sandbox")
        state = sandbox.running, sandbox.error, changes
        await sandbox.stop()
        return state

    with caplog.at_level(logging.ERROR):
        running, error, changes = asyncio.run(scenario())
    assert running is False
    assert error == "RuntimeError: no aiohttp today"
    assert changes == ["failed"]
    assert "could not load" in caplog.text

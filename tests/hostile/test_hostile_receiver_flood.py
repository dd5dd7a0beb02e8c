"""Issue 17.10: unsigned, oversized or slow traffic cannot exhaust the webhook receiver.

Scaled-down floods (small quotas and budgets through the constructors; the real
figures are in ``python -m tests.benchmarks --only receiver``): unverified posts
never evict a verified event, from memory or from the journal; bodies held at once
stay within a budget (503 + Retry-After beyond it, small events still pass); a
slowloris on the headers, on the body or an idle connection is closed; connections
beyond the cap make room by closing idle ones; running out of file descriptors is
one warning, not a traceback a second, and the receiver serves again afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.webhooks.guard import ReceiverLimits
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.store import WebhookStore
from tests.hostile.hostile_receiver_net import (
    GUARD,
    closed_by_peer,
    post,
    read_response,
    request_bytes,
    serve,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "flood-test-secret-0123"


def signed(n: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": f"evt_{n}", "type": "message.delivery",
                       "data": {"messageId": f"msg_{n}"}}).encode()
    return body, {**sign("redcloud", SECRET, body), "Content-Type": "application/json"}


async def until(condition: Callable[[], bool]) -> None:
    """Poll the receiver's state (synchronisation with another connection, not timing)."""
    for _ in range(int(GUARD / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the receiver never got there")


def test_an_unsigned_flood_evicts_no_verified_event_from_memory_or_journal(tmp_path: Path):
    journal = Journal(tmp_path, max_bytes=8_000, max_files=8)
    store = WebhookStore(capacity=20, journal=journal)
    junk = b'{"pad":"' + b"x" * 6_000 + b'"}'

    async def scenario(receiver) -> tuple[list[int], list[int]]:
        good = [(await post(receiver.port, *signed(n)))[0] for n in range(20)]
        bad = await asyncio.gather(*(post(receiver.port, junk) for _ in range(150)))
        return good, [status for status, _, _ in bad]

    good, bad = serve(scenario, store, scheme="redcloud", secret=SECRET)
    store.close()
    assert good == [200] * 20
    assert set(bad) <= {401, 503}
    verified = [e.event_id for e in store.events if e.verified]
    assert verified == [f"evt_{n}" for n in range(20)]
    kept = [e.event_id for e in journal.events() if e.verified]
    assert kept == [f"evt_{n}" for n in range(20)]
    assert len(store.events) < 20 + 150  # the unverified ones had their own, bounded room
    assert len(journal.unverified_segments()) <= 4


def test_bodies_beyond_the_budget_get_503_with_retry_after_and_small_events_still_pass():
    store = WebhookStore()
    limits = ReceiverLimits(body_budget=100_000)

    async def scenario(receiver) -> tuple[int, dict[str, str], int, int]:
        # A sender announces 200 kB, sends 90 kB of it and stalls, holding its bytes.
        _, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(request_bytes(b"y" * 90_000, length=200_000))
        await writer.drain()
        await until(lambda: receiver._budget.used >= 90_000)
        big, headers, _ = await post(receiver.port, b"z" * 50_000)
        small, _, _ = await post(receiver.port, *signed(1))
        writer.close()
        await until(lambda: receiver._budget.used == 0)
        after, _, _ = await post(receiver.port, b"z" * 50_000)
        return big, headers, small, after

    big, headers, small, after = serve(scenario, store, scheme="redcloud", secret=SECRET,
                                       limits=limits)
    assert big == 503
    assert headers["retry-after"] == "1"
    assert headers["connection"] == "close"
    assert small == 200
    assert after == 401  # accepted for checking again once the stalled body let go


def test_a_slowloris_on_the_headers_is_closed():
    async def scenario(receiver) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\n")

        async def drip() -> None:
            for _ in range(200):
                writer.write(b"X-Drip: 1\r\n")
                await asyncio.sleep(0.1)

        dripping = asyncio.ensure_future(drip())
        try:
            return await closed_by_peer(reader)
        finally:
            dripping.cancel()

    assert serve(scenario, WebhookStore(), limits=ReceiverLimits(header_timeout=0.5))


@pytest.mark.slow
def test_the_default_receiver_closes_a_slowloris_on_its_headers():
    """No limits passed: what `webhooks listen` and the window run (10 s for headers)."""
    async def scenario(receiver) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\n")

        async def drip() -> None:
            for _ in range(100):
                writer.write(b"X-Drip: 1\r\n")
                await asyncio.sleep(0.5)

        dripping = asyncio.ensure_future(drip())
        try:
            return await closed_by_peer(reader, guard=14.0)
        finally:
            dripping.cancel()

    assert serve(scenario, WebhookStore())


def test_an_idle_connection_is_closed():
    async def scenario(receiver) -> bool:
        reader, _ = await asyncio.open_connection("127.0.0.1", receiver.port)
        return await closed_by_peer(reader)

    assert serve(scenario, WebhookStore(), limits=ReceiverLimits(header_timeout=0.5))


def test_a_slowloris_on_the_body_gets_408_and_is_closed():
    async def scenario(receiver) -> tuple[int, bool]:
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(request_bytes(b"{", length=1_000))

        async def drip() -> None:
            for _ in range(200):
                writer.write(b" ")
                await asyncio.sleep(0.1)

        dripping = asyncio.ensure_future(drip())
        try:
            status, _, _ = await read_response(reader)
            return status, await closed_by_peer(reader)
        finally:
            dripping.cancel()

    status, closed = serve(scenario, WebhookStore(), limits=ReceiverLimits(body_timeout=0.5))
    assert (status, closed) == (408, True)


def test_senders_that_vanish_mid_body_leave_no_traceback(caplog: pytest.LogCaptureFixture):
    async def scenario(receiver) -> int:
        for head in (request_bytes(b'{"a":', length=1_000),
                     b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"10\r\n0123456789"):
            for _ in range(20):
                _, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
                writer.write(head)
                await writer.drain()
                await until(lambda: len(receiver._busy) == 1)  # inside the request
                writer.close()
                await until(lambda: not receiver._busy)
        assert receiver.refused == {"aborted": 40}
        status, _, _ = await post(receiver.port, *signed(1))
        return status

    with caplog.at_level(logging.INFO):
        assert serve(scenario, WebhookStore(), scheme="redcloud", secret=SECRET) == 200
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], \
        caplog.text


def test_the_default_limits_bound_slow_senders_and_connections():
    limits = ReceiverLimits()
    assert limits.header_timeout <= 15
    assert limits.body_timeout <= 60
    assert limits.max_connections <= 1024
    assert limits.body_budget <= 32 * 1024 * 1024


def test_past_the_connection_cap_idle_connections_make_room_and_busy_ones_get_503():
    limits = ReceiverLimits(max_connections=4)

    async def scenario(receiver) -> tuple[int, int, int]:
        idle = [await asyncio.open_connection("127.0.0.1", receiver.port) for _ in range(4)]
        await until(lambda: len(receiver._runner.server.connections) == 4)
        fresh, _, _ = await post(receiver.port, *signed(1))
        closed = sum([await closed_by_peer(reader, 0.5) for reader, _ in idle])
        busy = []
        for _ in range(4):  # inside a request: a body announced and never finished
            reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
            writer.write(request_bytes(b"{", length=100))
            busy.append((reader, writer))
        await until(lambda: len(receiver._busy) == 4)
        refused, _, _ = await post(receiver.port, *signed(2))
        return fresh, closed, refused

    fresh, closed, refused = serve(scenario, WebhookStore(), scheme="redcloud", secret=SECRET,
                                   limits=limits)
    assert fresh == 200
    assert closed >= 1
    assert refused == 503


FD_CHILD = textwrap.dedent("""
    import asyncio, os, resource, sys
    from pathlib import Path
    from desktop.core.webhooks.journal import Journal
    from desktop.core.webhooks.receiver import WebhookReceiver
    from desktop.core.webhooks.store import WebhookStore

    async def main():
        store = WebhookStore(journal=Journal(Path(sys.argv[1])))
        receiver = WebhookReceiver(store)
        await receiver.start()
        in_use = len(os.listdir("/proc/self/fd"))
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (in_use + 8, hard))
        print(receiver.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await receiver.stop()
        store.close()

    asyncio.run(main())
""")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_running_out_of_file_descriptors_is_one_warning_and_serving_resumes(tmp_path: Path):
    child = subprocess.Popen(
        [sys.executable, "-c", FD_CHILD, str(tmp_path)], cwd=ROOT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(child.stdout.readline())  # type: ignore[union-attr]

        async def scenario() -> int:
            held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(40)]
            await asyncio.sleep(2.5)  # asyncio retries accept() once a second: 2 failures
            queued = asyncio.ensure_future(post(port, b'{"type":"x"}'))
            await asyncio.sleep(0.2)
            for _, writer in held:
                writer.close()
            status, _, _ = await asyncio.wait_for(queued, GUARD)
            return status

        status = asyncio.run(scenario())
        child.stdin.write("\n")  # type: ignore[union-attr]
        child.stdin.flush()  # type: ignore[union-attr]
        _, err = child.communicate(timeout=GUARD)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert status == 200
    assert "Traceback" not in err, err
    warnings = [line for line in err.splitlines() if "cannot accept connections" in line]
    assert len(warnings) == 1, err
    assert child.returncode == 0

"""The webhook receiver over a real loopback socket."""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.receiver import WebhookReceiver
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.store import WebhookStore
from desktop.core.webhooks.verification import Reason

ROOT = Path(__file__).resolve().parents[2]
SECRET = "receiver-secret"
BODY = b'{"id":"evt_1","type":"message.sent","sequence":2,"data":{"messageId":"m-1"}}'
T = TypeVar("T")


def serve(scenario: Callable[[WebhookReceiver], Awaitable[T]], store: WebhookStore | None = None,
          **options: object) -> T:
    """Run ``scenario`` against a started receiver, then stop it."""

    async def main() -> T:
        kept = store if store is not None else WebhookStore()
        receiver = WebhookReceiver(kept, **options)  # type: ignore[arg-type]
        await receiver.start()
        try:
            return await scenario(receiver)
        finally:
            await receiver.stop()

    return asyncio.run(main())


async def post(receiver: WebhookReceiver, body: bytes = BODY, path: str = "hooks",
               headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{receiver.url}{path}", content=body, headers=headers or {})


async def raw_request(receiver: WebhookReceiver, head: bytes, body_parts: list[bytes]) -> bytes:
    """Send a request by hand and return the status line, without sending more than given."""
    reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
    writer.write(head)
    for part in body_parts:
        writer.write(part)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return status_line


def test_receiver_binds_a_free_loopback_port_and_reports_its_url():
    async def scenario(receiver: WebhookReceiver) -> tuple[int | None, str | None]:
        return receiver.port, receiver.url

    port, url = serve(scenario)
    assert port
    assert port > 0
    assert url == f"http://127.0.0.1:{port}/"


def test_delivery_is_stored_with_its_exact_bytes_before_the_2xx_answer():
    store = WebhookStore()

    async def scenario(receiver: WebhookReceiver) -> httpx.Response:
        response = await post(receiver, BODY + b"\xff", "a/b?x=1&y",
                              {"X-Custom": "Value", "Content-Type": "application/json"})
        assert store.count_total == 1  # already stored when the answer arrived
        return response

    response = serve(scenario, store)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "id": store.events[0].id}
    event = store.events[0]
    assert event.body == BODY + b"\xff"
    assert (event.method, event.path, event.query) == ("POST", "/a/b", "x=1&y")
    assert ("X-Custom", "Value") in event.headers
    assert event.source.startswith("127.0.0.1:")
    assert event.size == len(BODY) + 1
    assert event.verification is None


def test_signed_delivery_is_verified_and_acknowledged():
    store = WebhookStore()

    async def scenario(receiver: WebhookReceiver) -> int:
        return (await post(receiver, headers=sign("redcloud", SECRET, BODY))).status_code

    assert serve(scenario, store, scheme="redcloud", secret=SECRET) == 200
    assert store.events[0].verified is True
    assert store.events[0].message_id == "m-1"


def test_failed_verification_is_stored_and_answered_401_by_default():
    store = WebhookStore()

    async def scenario(receiver: WebhookReceiver) -> httpx.Response:
        return await post(receiver, headers=sign("redcloud", "wrong", BODY))

    response = serve(scenario, store, scheme="redcloud", secret=SECRET)
    assert response.status_code == 401
    assert response.json()["reason"] == "signature_mismatch"
    assert store.events[0].verification.reason is Reason.SIGNATURE_MISMATCH  # type: ignore[union-attr]
    assert store.events[0].status == 401


def test_failure_status_is_configurable():
    async def scenario(receiver: WebhookReceiver) -> int:
        return (await post(receiver)).status_code

    assert serve(scenario, scheme="github", secret=SECRET, failure_status=400) == 400


def test_other_methods_get_405_and_are_not_stored():
    store = WebhookStore()

    async def scenario(receiver: WebhookReceiver) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(f"{receiver.url}hooks")

    response = serve(scenario, store)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert store.count_total == 0


def test_body_over_the_cap_gets_413_before_the_rest_is_sent():
    store = WebhookStore()
    declared = 10 * 1024 * 1024
    head = (f"POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {declared}\r\n\r\n"
            .encode())

    async def scenario(receiver: WebhookReceiver) -> bytes:
        return await raw_request(receiver, head, [b"x" * 1000])

    status_line = serve(scenario, store, max_body=4096)
    assert status_line.startswith(b"HTTP/1.1 413")
    event = store.events[0]
    assert event.truncated
    assert event.status == 413
    assert event.body == b""
    assert event.size == declared


def test_chunked_body_over_the_cap_gets_413_without_waiting_for_its_end():
    store = WebhookStore()
    head = b"POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"1000\r\n" + b"y" * 0x1000 + b"\r\n"  # 4 KiB per chunk; the final 0-chunk never comes

    async def scenario(receiver: WebhookReceiver) -> bytes:
        return await raw_request(receiver, head, [chunk] * 3)

    status_line = serve(scenario, store, max_body=5000)
    assert status_line.startswith(b"HTTP/1.1 413")
    assert 5000 < store.events[0].size <= 3 * 0x1000


def test_body_exactly_at_the_cap_is_accepted():
    store = WebhookStore()

    async def scenario(receiver: WebhookReceiver) -> int:
        return (await post(receiver, b"z" * 4096)).status_code

    assert serve(scenario, store, max_body=4096) == 200
    assert store.events[0].body == b"z" * 4096


def test_binding_beyond_loopback_needs_an_explicit_opt_in():
    with pytest.raises(ValueError, match="allow_all_interfaces"):
        WebhookReceiver(WebhookStore(), host="0.0.0.0")
    with pytest.raises(ValueError):
        WebhookReceiver(WebhookStore(), host="::")
    with pytest.raises(ValueError):
        WebhookReceiver(WebhookStore(), host="192.168.1.20")
    exposed = WebhookReceiver(WebhookStore(), host="0.0.0.0", allow_all_interfaces=True)
    assert exposed.warning
    assert "all interfaces" in exposed.warning
    assert WebhookReceiver(WebhookStore(), host="localhost").warning is None


def test_twilio_is_checked_against_the_public_url_of_the_tunnel():
    store = WebhookStore()
    public = "https://abc.tunnel.example"
    form = b"MessageSid=SM1&MessageStatus=delivered"

    async def scenario(receiver: WebhookReceiver) -> int:
        headers = sign("twilio", SECRET, form, url=f"{public}/sms?k=1")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return (await post(receiver, form, "sms?k=1", headers)).status_code

    assert serve(scenario, store, scheme="twilio", secret=SECRET, public_url=public) == 200


async def post_many(port: int, bodies: list[bytes]) -> list[int]:
    """POST each body in turn over one keep-alive connection; the statuses, in order.

    A hand-written client because the flood is about the receiver: httpx's
    per-request overhead would make the test take minutes on a small machine.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    statuses = []
    try:
        for body in bodies:
            writer.write(b"POST /flood HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            statuses.append(status)
    finally:
        writer.close()
        await writer.wait_closed()
    return statuses


@pytest.mark.slow
def test_ten_thousand_concurrent_deliveries_leave_memory_at_its_bound_and_all_in_the_journal(
        tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    total, connections, batch = 10_000, 50, 20

    async def scenario(receiver: WebhookReceiver) -> list[int]:
        assert receiver.port is not None
        statuses: list[int] = []
        for start in range(0, total, connections * batch):  # 10 rounds of 50 x 20 requests
            rounds = await asyncio.gather(*(
                post_many(receiver.port, [f'{{"n": {n}}}'.encode()
                                          for n in range(first, first + batch)])
                for first in range(start, start + connections * batch, batch)
            ))
            statuses.extend(s for r in rounds for s in r)
        return statuses

    statuses = serve(scenario, store)
    assert statuses == [200] * total
    assert len(store) == store.capacity == 2_000
    assert store.count_total == total
    journalled = list(store.history())
    assert sorted(json.loads(e.body)["n"] for e in journalled) == list(range(total))
    assert [e.id for e in journalled[-2_000:]] == [e.id for e in store.events]


def test_stop_is_clean_no_pending_tasks_no_warnings_port_closed():
    async def main() -> tuple[set[asyncio.Task], int]:
        receiver = WebhookReceiver(WebhookStore())
        await receiver.start()
        port = receiver.port
        assert port is not None
        async with httpx.AsyncClient() as client:  # keep-alive connection left open
            await client.post(f"{receiver.url}x", content=b"{}")
            await receiver.stop()
        pending = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
        return pending, port

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pending, port = asyncio.run(main())
        gc.collect()
    assert pending == set()
    assert [str(w.message) for w in caught] == []

    async def connect() -> None:
        await asyncio.open_connection("127.0.0.1", port)

    with pytest.raises(OSError):
        asyncio.run(connect())


def test_importing_core_webhooks_does_not_import_aiohttp():
    code = ("import sys; import desktop.core.webhooks as w; import desktop.core.webhooks.receiver;"
            "import desktop.core.webhooks.correlation; w.Correlator; w.WebhookStore;"
            "print('aiohttp' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("bad", [{"header_timeout": float("nan")}, {"body_timeout": 0},
                                 {"body_timeout": float("-inf")}, {"body_budget": 0},
                                 {"max_connections": 0}])
def test_limits_that_would_disable_a_bound_are_refused(bad: dict[str, float]):
    from desktop.core.webhooks.guard import ReceiverLimits

    with pytest.raises(ValueError):
        ReceiverLimits(**bad)  # type: ignore[arg-type]


def test_a_refusal_by_a_limit_is_counted():
    from desktop.core.webhooks.guard import ReceiverLimits

    async def scenario(receiver: WebhookReceiver) -> int:
        return (await post(receiver, b"x" * 5_000)).status_code

    receiver_box: list[WebhookReceiver] = []

    async def keep(receiver: WebhookReceiver) -> int:
        receiver_box.append(receiver)
        return await scenario(receiver)

    assert serve(keep, limits=ReceiverLimits(body_budget=1_000)) == 503
    assert receiver_box[0].refused == {"busy": 1}


def test_an_accept_retry_that_outlives_the_socket_is_ignored_only_while_closing():
    """asyncio retries accept() a second after descriptors ran out; when the receiver stopped
    in that second the retry fires on a closed socket (fd -1): no traceback for that."""
    import asyncio

    from desktop.core.webhooks.guard import AcceptGuard, Throttled

    loop = asyncio.new_event_loop()
    try:
        heard: list[dict] = []
        loop.set_exception_handler(lambda _loop, context: heard.append(context))
        guard = AcceptGuard(loop, 8080, Throttled(60.0))
        guard.install()
        retry = {"message": "Exception in callback BaseSelectorEventLoop._start_serving(...)",
                 "exception": ValueError("Invalid file descriptor: -1")}
        loop.call_exception_handler(retry)
        assert len(heard) == 1  # while serving, a failure like this is not ours to hide
        guard.closing = True
        loop.call_exception_handler(retry)
        assert len(heard) == 1
        loop.call_exception_handler({"message": "something else", "exception": ValueError()})
        assert len(heard) == 2
        guard.uninstall()
    finally:
        loop.close()

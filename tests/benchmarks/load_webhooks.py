"""Webhook load generator for the responsiveness figure (its own process, its own loop).

    BENCH_WEBHOOK_SECRET=S python -m tests.benchmarks.load_webhooks URL --rate 1000 --seconds 4

Connects, prints ``ready``, waits for a line on stdin, then POSTs signed
Red Cloud-style lifecycle events to URL at ``--rate`` per second for
``--seconds`` (in 10 ms slices, so the rate is even), and prints one JSON
line: sent, answered 2xx, failed, and the rate achieved.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time

from desktop.core.webhooks.signatures import sign

SLICE = 0.01


LIFECYCLE = (("message.queued", "queued"), ("message.sent", "sent"),
             ("message.delivery", "delivered"))


def _event(n: int, lifecycle: bool = False) -> bytes:
    """Event ``n``: a delivery of its own message, or (``lifecycle``) every three events
    one message's queued, sent and delivery, in sequence."""
    message, step = (n // 3, n % 3) if lifecycle else (n, 2)
    kind, status = LIFECYCLE[step]
    event = {"id": "evt_" + secrets.token_hex(12), "type": kind, "sequence": step + 1,
             "createdAt": "2026-01-01T00:00:00Z",
             "data": {"messageId": f"msg_load_{message:08d}", "to": "+14155550123",
                      "from": "+12025550142", "status": status,
                      "externalReference": f"bench-{message}"}}
    return json.dumps(event, separators=(",", ":")).encode()


async def _post(session, url: str, secret: str, n: int, tally: dict[str, int],
                lifecycle: bool = False) -> None:
    body = _event(n, lifecycle)
    headers = {"Content-Type": "application/json", **sign("redcloud", secret, body)}
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            tally["ok" if 200 <= response.status < 300 else "refused"] += 1
    except Exception:  # a load generator counts failures, it does not stop on them
        tally["failed"] += 1


async def _run(url: str, rate: float, seconds: float, secret: str,
               lifecycle: bool = False) -> dict[str, float]:
    import aiohttp

    tally = {"sent": 0, "ok": 0, "refused": 0, "failed": 0}
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:
        await _post(session, url, secret, -1, dict.fromkeys(tally, 0))  # open a connection
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        tasks: set[asyncio.Task[None]] = set()
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate) + 1 - tally["sent"]
            for _ in range(max(0, due)):
                task = asyncio.create_task(_post(session, url, secret, tally["sent"], tally,
                                                 lifecycle))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                tally["sent"] += 1
            await asyncio.sleep(SLICE)
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        duration = time.perf_counter() - started
    return {**tally, "seconds": duration, "rate": tally["ok"] / duration}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--lifecycle", action="store_true",
                        help="queued, sent and delivery for each message, in turn")
    args = parser.parse_args()
    secret = os.environ["BENCH_WEBHOOK_SECRET"]  # the sandbox's public demo value
    print(json.dumps(asyncio.run(_run(args.url, args.rate, args.seconds, secret,
                                      args.lifecycle))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

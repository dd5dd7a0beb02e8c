"""A webhook receiver in its own process, for the receiver figures (flood, kill -9).

    BENCH_WEBHOOK_SECRET=S python -m tests.benchmarks.receiver_host --journal DIR

Runs the real ``WebhookReceiver`` over a ``WebhookStore`` journalling into
DIR (Red Cloud signatures checked with the secret), prints ``ready URL``,
then answers commands on stdin, one JSON line each: ``stats`` (this
process's RSS and what the store keeps in memory), ``quit`` (stop cleanly,
flushing the journal, then exit). A figure measures it from outside: RSS
with psutil, durability by ``kill -9`` and reading DIR afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import psutil

from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.receiver import WebhookReceiver
from desktop.core.webhooks.store import WebhookStore


def stats(store: WebhookStore) -> dict[str, float]:
    events = store.events
    return {
        "rss": float(psutil.Process().memory_info().rss),
        "in_memory": len(events),
        "verified_in_memory": sum(1 for e in events if e.verified is True),
        "unverified_in_memory": sum(1 for e in events if e.verified is not True),
        "count_total": store.count_total,
    }


async def serve(journal_dir: Path, secret: str) -> None:
    store = WebhookStore(journal=Journal(journal_dir))
    receiver = WebhookReceiver(store, scheme="redcloud", secret=secret)
    await receiver.start()
    print(f"ready {receiver.url}", flush=True)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            command = line.strip()
            if command in ("", "quit"):
                break
            if command == "stats":
                print(json.dumps(stats(store)), flush=True)
    finally:
        await receiver.stop()
        store.close()
    print(json.dumps({"stopped": True, **stats(store)}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journal", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.journal, os.environ["BENCH_WEBHOOK_SECRET"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Figure 7: the webhook receiver under a hostile flood, and after kill -9 (issue 17.10, 17.11).

The receiver runs in its own process (``receiver_host.py``: the real
``WebhookReceiver`` over a ``WebhookStore`` and its journal, Red Cloud
signatures checked); this process loads it over loopback and reads its RSS
with psutil every 10 ms.

- ``flood_rss_*``: the journal starts with 150,000 verified events (written
  before the receiver starts), then 2,000 signed events arrive (the store's
  memory holds them), then 2,500 unsigned 1 MB POSTs from 32 connections.
  RSS before the flood, its peak during it, and 2 s after it.
- ``evicted_verified``: verified events no longer in the store's memory or in
  the journal after the flood (the 2,000 live ones and the 150,000 earlier ones).
- ``acked_lost``: a fresh receiver takes signed events at ~1,000/s from 32
  connections and is killed with SIGKILL 0.8-1.6 s in; every receipt id it
  answered 2xx must be in the journal read afterwards (summed over the kills).
- ``durable_rate``: signed events answered 2xx per second, as fast as 32
  connections get answers (each 2xx only once its event is on disk).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil

from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.verification import Reason, Verification
from tests.benchmarks.measure import PYTHON, ROOT, Budget, Figure, qt_env
from tests.benchmarks.receiver_load import flood, post_signed

SECRET = "bench-receiver-secret-0123456789"
MB = 1_000_000
RSS_BUDGET = 150 * MB


class Host:
    """``receiver_host.py`` in a child process: its URL, its commands, its RSS."""

    def __init__(self, journal: Path) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="bench-receiver-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "tests.benchmarks.receiver_host", "--journal", str(journal)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env=qt_env(BENCH_WEBHOOK_SECRET=SECRET), cwd=ROOT)
        line = self._readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"the receiver did not start: {line!r} {self.stderr()}")
        self.url = line.split()[1] + "hooks"
        self.ps = psutil.Process(self.process.pid)

    def _readline(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def stderr(self) -> str:
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")[-2000:]

    def command(self, name: str) -> dict[str, float]:
        assert self.process.stdin is not None
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        return json.loads(self._readline())

    def rss(self) -> float:
        return float(self.ps.memory_info().rss)

    def quit(self) -> dict[str, float]:
        final = self.command("quit")
        self.process.wait(60)
        self._log.close()
        return final

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self._log.close()


class Sampler(threading.Thread):
    """The peak RSS of a process, sampled every 10 ms until stopped."""

    def __init__(self, host: Host) -> None:
        super().__init__(daemon=True)
        self.host, self.peak, self._halt = host, 0.0, threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.01):
            try:
                self.peak = max(self.peak, self.host.rss())
            except psutil.Error:
                return

    def finish(self) -> float:
        self._halt.set()
        self.join()
        return self.peak


def prefill(journal: Path, count: int) -> set[str]:
    """``count`` verified events already in the journal, as earlier sessions left them."""
    ok = Verification(ok=True, scheme="redcloud", reason=Reason.OK, message="Signature valid.")
    ids = set()
    writer = Journal(journal, max_files=None)

    async def fill() -> None:
        for n in range(count):
            body = b'{"id":"evt_pre_%08d","type":"message.delivery","sequence":3,' \
                   b'"data":{"messageId":"msg_pre_%08d","status":"delivered"}}' % (n, n)
            event = WebhookEvent(
                received_at=1_700_000_000.0 + n / 1000, method="POST", path="/hooks",
                headers=(("Content-Type", "application/json"),
                         ("X-RedCloud-Timestamp", "1700000000"),
                         ("X-RedCloud-Signature", "ab" * 32)),
                body=body, source="127.0.0.1:40000", size=len(body), verification=ok,
                event_type="message.delivery", message_id=f"msg_pre_{n:08d}", sequence=3,
                id=f"pre{n:08d}")
            ids.add(event.id)
            writer.append(event)
            if n % 5000 == 0:
                await asyncio.sleep(0)

    asyncio.run(fill())
    writer.close()
    return ids


def journal_ids(journal: Path) -> set[str]:
    return {event.id for event in Journal(journal).events()}


def flood_figures(runs: int, quick: bool) -> list[Figure]:
    earlier, live, floods = (15_000, 500, 250) if quick else (150_000, 2_000, 2_500)
    before, peak, after, evicted, details = [], [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-journal-") as folder:
            journal = Path(folder)
            expected = prefill(journal, earlier)
            host = Host(journal)
            try:
                signed = asyncio.run(post_signed(host.url, SECRET, seconds=600, rate=None,
                                                 workers=16, limit=live))
                expected |= set(signed.acked)
                stats = host.command("stats")
                before.append(host.rss())
                sampler = Sampler(host)
                sampler.start()
                began = time.perf_counter()
                hostile = asyncio.run(flood(host.url, count=floods, size=MB))
                took = time.perf_counter() - began
                time.sleep(2.0)
                peak.append(sampler.finish())
                after.append(host.rss())
                stats = host.command("stats")
                final = host.quit()
            except BaseException:
                host.process.kill()
                raise
            kept = journal_ids(journal)
            lost_memory = max(0, len(signed.acked) - int(stats["verified_in_memory"]))
            evicted.append(float(len(expected - kept) + lost_memory))
            details.append({"flood_seconds": round(took, 2), "flood_ok": hostile.ok,
                            "flood_refused": hostile.refused, "flood_failed": hostile.failed,
                            "live_acked": len(signed.acked), "stats_after": stats,
                            "final": final, "journal_events": len(kept)})
    what = f"{floods:,} unsigned {MB // 1000} kB POSTs"
    return [
        Figure("receiver.flood_rss_before", f"receiver RSS before {what}", "B", Budget("info"),
               before),
        Figure("receiver.flood_rss_peak", f"receiver peak RSS through {what}", "B",
               Budget("max", RSS_BUDGET), peak, details={"runs": details}),
        Figure("receiver.flood_rss_after", f"receiver RSS 2 s after {what}", "B",
               Budget("max", RSS_BUDGET), after),
        Figure("receiver.evicted_verified",
               f"verified events evicted by {what} ({earlier:,} journalled + {live:,} live)",
               "count", Budget("max", 0), evicted),
    ]


def kill_figure(runs: int, quick: bool) -> list[Figure]:
    kills = 2 if quick else max(5, runs)
    lost, acked, details = [], [], []
    for _ in range(kills):
        with tempfile.TemporaryDirectory(prefix="bench-journal-") as folder:
            journal = Path(folder)
            host = Host(journal)
            delay = random.uniform(0.8, 1.6)

            async def load_then_kill(url: str, wait: float, victim: Host):
                task = asyncio.ensure_future(post_signed(url, SECRET, seconds=wait + 2,
                                                         rate=1000.0, workers=32))
                await asyncio.sleep(wait)
                victim.kill()
                return await task

            tally = asyncio.run(load_then_kill(host.url, delay, host))
            kept = journal_ids(journal)
            missing = set(tally.acked) - kept
            lost.append(float(len(missing)))
            acked.append(float(len(tally.acked)))
            details.append({"killed_after_s": round(delay, 2), "acked": len(tally.acked),
                            "journalled": len(kept), "lost": len(missing)})
    return [Figure("receiver.acked_lost",
                   f"events answered 2xx but not in the journal after kill -9 "
                   f"at ~1,000 events/s (sum over {kills} kills)",
                   "count", Budget("max", 0), [sum(lost)],
                   details={"kills": details, "acked_total": sum(acked)})]


def rate_figure(runs: int, quick: bool) -> list[Figure]:
    seconds = 1.5 if quick else 4.0
    rates, details = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-journal-") as folder:
            host = Host(Path(folder))
            try:
                tally = asyncio.run(post_signed(host.url, SECRET, seconds=seconds, rate=None,
                                                workers=32))
            finally:
                host.quit()
            rates.append(tally.ok / seconds)
            details.append({"ok": tally.ok, "refused": tally.refused, "failed": tally.failed})
    return [Figure("receiver.durable_rate",
                   "signed events answered 2xx per second (32 connections, on disk first)",
                   "ev/s", Budget("info"), rates, details={"runs": details})]


def measure(runs: int, quick: bool) -> list[Figure]:
    return [*flood_figures(1 if quick else min(runs, 3), quick), *kill_figure(runs, quick),
            *rate_figure(runs, quick)]

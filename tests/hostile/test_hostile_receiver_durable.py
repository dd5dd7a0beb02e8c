"""Issue 17.11: an event answered 2xx is on disk.

The sender forgets an event once it gets a 2xx, so the receiver answers only after
the journal wrote it and fdatasync-ed it (grouped: one write and one sync for the
events that arrive meanwhile). Proved by kill -9: `switchboard webhooks listen` in a
child process takes signed events from concurrent connections and is killed
mid-stream; every receipt id it answered 2xx must be in the journal read afterwards.
Also: the answer waits for the sync, a journal that cannot be written gets 503 (the
sender retries) not 2xx, and a line cut by a crash does not spoil the next event.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.core.webhooks import segments
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.store import WebhookStore
from tests.benchmarks.receiver_load import post_signed
from tests.hostile.hostile_receiver_net import GUARD, post, serve

ROOT = Path(__file__).resolve().parents[2]
SECRET = "durable-test-secret-0123"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("kill_after", [0.6, 1.1])
def test_no_event_answered_2xx_is_lost_to_kill_9(tmp_path: Path, kill_after: float) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SWITCHBOARD_HOME": str(tmp_path),
           "HOOK_SECRET": SECRET}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop", "webhooks", "listen", "--port", "0",
         "--scheme", "redcloud", "--secret-env", "HOOK_SECRET"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        banner = child.stderr.readline()  # type: ignore[union-attr]
        assert banner.startswith("Listening on http://127.0.0.1:"), banner
        url = banner.split()[2] + "hooks"

        async def load_then_kill():
            sending = asyncio.ensure_future(post_signed(url, SECRET, seconds=kill_after + 3,
                                                        rate=None, workers=16))
            await asyncio.sleep(kill_after)
            os.kill(child.pid, signal.SIGKILL)
            return await asyncio.wait_for(sending, GUARD)

        tally = asyncio.run(load_then_kill())
        child.wait(GUARD)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert tally.acked, "the receiver answered nothing before it was killed"
    journalled = {event.id for event in Journal(tmp_path / "data" / "webhooks").events()}
    lost = set(tally.acked) - journalled
    assert not lost, f"{len(lost)} of {len(tally.acked)} acknowledged events lost"


def test_the_2xx_waits_for_the_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    real_sync = segments.durable_sync

    def slow_sync(fd: int) -> None:
        entered.set()
        release.wait(GUARD)
        real_sync(fd)

    monkeypatch.setattr(segments, "durable_sync", slow_sync)
    body = b'{"type":"message.sent"}'

    async def scenario(receiver) -> tuple[bool, int]:
        answer = asyncio.ensure_future(post(receiver.port, body, sign("redcloud", SECRET, body)))
        await asyncio.get_running_loop().run_in_executor(None, entered.wait, GUARD)
        await asyncio.sleep(0.2)
        answered_before_sync = answer.done()
        release.set()
        status, _, _ = await answer
        return answered_before_sync, status

    try:
        answered_early, status = serve(scenario, WebhookStore(journal=Journal(tmp_path)),
                                       scheme="redcloud", secret=SECRET)
    finally:
        release.set()
    assert entered.is_set()
    assert answered_early is False
    assert status == 200


def test_events_arriving_together_share_one_sync(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    syncs: list[int] = []
    real_sync = segments.durable_sync
    monkeypatch.setattr(segments, "durable_sync", lambda fd: (syncs.append(fd), real_sync(fd)))
    journal = Journal(tmp_path)

    async def commit_all() -> None:
        await asyncio.gather(*(journal.commit(WebhookEvent.create(
            received_at=time.time(), method="POST", path=f"/{n}")) for n in range(200)))

    asyncio.run(commit_all())
    journal.close()
    assert len(list(journal.events())) == 200
    assert 1 <= len(syncs) < 200


def test_a_journal_that_cannot_be_written_gets_503_not_2xx(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal's folder should be")
    store = WebhookStore(journal=Journal(blocker / "webhooks"))
    body = b'{"type":"message.sent"}'

    async def scenario(receiver) -> tuple[int, dict[str, str], bytes]:
        return await post(receiver.port, body, sign("redcloud", SECRET, body))

    status, headers, answer = serve(scenario, store, scheme="redcloud", secret=SECRET)
    assert status == 503
    assert "retry-after" in headers
    assert json.loads(answer)["ok"] is False
    assert store.journal.error is not None
    assert store.events[0].status == 503  # shown as what the sender was told


def test_a_line_cut_by_a_crash_does_not_spoil_the_next_event(tmp_path: Path) -> None:
    first = WebhookEvent.create(received_at=1.0, method="POST", path="/1")
    cut = json.dumps(WebhookEvent.create(received_at=2.0, method="POST", path="/2").to_dict())
    (tmp_path / "events-000001.jsonl").write_text(
        json.dumps(first.to_dict()) + "\n" + cut[: len(cut) // 2])  # kill -9 mid-write
    later = Journal(tmp_path)
    later.append(WebhookEvent.create(received_at=3.0, method="POST", path="/3"))
    later.close()
    assert [event.path for event in later.events()] == ["/1", "/3"]
    assert later.skipped_lines == 1

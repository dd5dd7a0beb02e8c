"""The journal writes in the background under load, in order, and loses nothing on a bad disk."""

from __future__ import annotations

import asyncio
import json
import time

from desktop.core.webhooks import Journal, WebhookEvent


def event(number: int) -> WebhookEvent:
    body = json.dumps({"type": "message.sent", "sequence": number,
                       "data": {"messageId": f"msg_{number}"}}).encode()
    return WebhookEvent.create(received_at=time.time(), method="POST", path="/hook",
                               headers=(("Content-Type", "application/json"),), body=body)


def test_events_appended_on_a_loop_are_written_by_the_background_writer_in_order(tmp_path):
    journal = Journal(tmp_path, flush_delay=0.01, batch_events=40)

    async def flood() -> None:
        for number in range(300):
            journal.append(event(number))
            if number % 50 == 0:
                await asyncio.sleep(0.02)  # let a timed batch go out too
        await asyncio.sleep(0.05)

    asyncio.run(flood())
    journal.close()
    sequences = [e.sequence for e in journal.events()]
    assert sequences == list(range(300))


def test_a_failed_write_is_retried_by_the_next_flush(tmp_path):
    blocked = tmp_path / "journal"
    blocked.write_text("a file where the folder should be")
    journal = Journal(blocked)
    journal.append(event(1))  # no loop: written at once, and it fails
    assert journal.error is not None
    blocked.unlink()
    journal.append(event(2))
    journal.flush()
    assert journal.error is None
    assert [e.sequence for e in journal.events()] == [1, 2]


def test_unverified_events_are_journalled_apart_and_read_back_in_arrival_order(tmp_path):
    from desktop.core.webhooks.verification import Reason, Verification

    bad = Verification(ok=False, scheme="github", reason=Reason.SIGNATURE_MISMATCH, message="x")
    journal = Journal(tmp_path)
    for number in range(6):
        journal.append(WebhookEvent.create(
            received_at=float(number), method="POST", path=f"/{number}", body=b"{}",
            verification=bad if number % 2 else None, status=401 if number % 2 else 200))
    journal.close()
    assert len(journal.segments()) == len(journal.unverified_segments()) == 1
    assert [e.path for e in journal.events()] == [f"/{n}" for n in range(6)]


def test_a_failed_commit_raises_and_is_not_retried_behind_the_senders_back(tmp_path):
    blocked = tmp_path / "journal"
    blocked.write_text("a file where the folder should be")
    journal = Journal(blocked)

    async def commit() -> str:
        try:
            await journal.commit(event(1))
        except OSError as error:
            return type(error).__name__
        return "written"

    assert asyncio.run(commit()) != "written"
    assert journal.error is not None
    blocked.unlink()
    journal.append(event(2))
    journal.flush()
    assert [e.sequence for e in journal.events()] == [2]  # the sender was told to retry 1

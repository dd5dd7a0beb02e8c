"""The webhook journal (on disk) and store (bounded memory in front of it)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from desktop.core import paths
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.store import WebhookStore


def make(n: int, body: bytes = b"{}", **kwargs: object) -> WebhookEvent:
    return WebhookEvent.create(received_at=float(n), method="POST", path=f"/{n}", body=body,
                               **kwargs)  # type: ignore[arg-type]


def test_journal_lives_in_the_data_dir_by_default():
    journal = Journal()
    journal.append(make(1))
    assert journal.segments()[0].parent == paths.data_dir() / "webhooks"


def test_journal_reads_back_every_event_oldest_first_across_rotated_files(tmp_path: Path):
    journal = Journal(tmp_path, max_bytes=2_000, max_files=None)
    sent = [make(n, body=bytes([n % 256]) * 200) for n in range(50)]
    for e in sent:
        journal.append(e)
    assert len(journal.segments()) > 3
    assert all(p.stat().st_size <= 2_000 for p in journal.segments())
    assert list(journal.events()) == sent


def test_journal_keeps_at_most_max_files_and_says_so_in_the_log(tmp_path: Path, caplog):
    journal = Journal(tmp_path, max_bytes=1_000, max_files=3)
    with caplog.at_level(logging.WARNING):
        for n in range(40):
            journal.append(make(n, body=b"x" * 300))
    assert len(journal.segments()) == 3
    assert "deleting its oldest file" in caplog.text
    kept = [e.path for e in journal.events()]
    assert kept[-1] == "/39"
    assert kept == sorted(kept, key=lambda p: int(p[1:]))


def test_a_new_journal_continues_the_last_file_of_an_earlier_session(tmp_path: Path):
    Journal(tmp_path).append(make(1))
    later = Journal(tmp_path)
    later.append(make(2))
    assert len(later.segments()) == 1
    assert [e.path for e in later.events()] == ["/1", "/2"]


def test_a_damaged_line_is_skipped_and_counted(tmp_path: Path):
    journal = Journal(tmp_path)
    journal.append(make(1))
    with journal.segments()[0].open("a") as file:
        file.write('{"id": "cut short by a cra\n')
    journal.append(make(2))
    assert [e.path for e in journal.events()] == ["/1", "/2"]
    assert journal.skipped_lines == 1


def test_appends_on_a_running_loop_are_batched_until_flush(tmp_path: Path):
    journal = Journal(tmp_path, flush_delay=60)

    async def scenario() -> tuple[int, int]:
        for n in range(10):
            journal.append(make(n))
        before = len(journal.segments())
        journal.flush()
        return before, len(list(journal.events()))

    assert asyncio.run(scenario()) == (0, 10)


def test_the_batch_is_written_by_the_delayed_flush_on_the_loop(tmp_path: Path):
    journal = Journal(tmp_path, flush_delay=0.01)

    async def scenario() -> int:
        journal.append(make(1))
        flushed = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.02, flushed.set_result, None)
        await flushed  # the journal's own timer (0.01 s) is scheduled before this one
        return len(journal.segments())

    assert asyncio.run(scenario()) == 1


def test_a_write_error_is_reported_not_raised_and_the_lines_are_kept(tmp_path: Path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    journal = Journal(blocker / "webhooks")
    journal.append(make(1))
    assert journal.error
    assert "cannot write" in journal.error
    journal.directory = tmp_path / "fine"  # the user frees the disk / fixes the folder
    journal.flush()
    assert journal.error is None
    assert [e.path for e in journal.events()] == ["/1"]


def test_store_keeps_the_newest_events_up_to_its_capacity_and_journals_all(tmp_path: Path):
    store = WebhookStore(capacity=3, journal=Journal(tmp_path))
    for n in range(10):
        store.add(make(n))
    assert [e.path for e in store.events] == ["/7", "/8", "/9"]
    assert (len(store), store.count_total, store.spilled) == (3, 10, 7)
    assert len(list(store.history())) == 10


@pytest.mark.slow
def test_store_memory_stays_bounded_under_a_ten_thousand_event_flood(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    for n in range(10_000):
        store.add(make(n))
    assert len(store) == store.capacity == 2_000
    assert store.events[0].path == "/8000"
    assert sum(1 for _ in store.history()) == 10_000


def test_store_tells_observers_about_each_event_after_keeping_it(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    seen: list[tuple[str, int]] = []
    store.added.connect(lambda e: seen.append((e.path, len(store))))
    store.add(make(1))
    store.add(make(2))
    assert seen == [("/1", 1), ("/2", 2)]


def test_store_filters(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    a = make(1, body=b'{"type": "message.sent", "data": {"messageId": "m1", '
                     b'"externalReference": "r"}}')
    b = make(2, body=b'{"type": "message.delivery", "data": {"messageId": "m2", '
                     b'"externalReference": "r"}}')
    for e in (a, b):
        store.add(e)
    assert store.by_message_id("m1") == [a]
    assert store.by_external_reference("r") == [a, b]
    assert store.filter(event_type="message.delivery", since=2.0) == [b]
    assert store.filter(verified=False) == []
    assert store.get(b.id) is b


def test_clearing_the_store_keeps_the_journal(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    store.add(make(1))
    store.clear()
    assert len(store) == 0
    assert len(list(store.history())) == 1


def test_store_needs_room_for_one_event():
    with pytest.raises(ValueError):
        WebhookStore(capacity=0)


def failed(n: int, body: bytes = b"{}") -> WebhookEvent:
    from desktop.core.webhooks.verification import Reason, Verification

    bad = Verification(ok=False, scheme="redcloud", reason=Reason.NO_SIGNATURE_HEADER,
                       message="unsigned")
    return make(n, body=body, verification=bad, status=401)


def test_unverified_events_have_their_own_room_and_never_push_verified_ones_out(
        tmp_path: Path):
    store = WebhookStore(capacity=5, journal=Journal(tmp_path), unverified_capacity=2)
    for n in range(5):
        store.add(make(n))
    for n in range(5, 50):
        store.add(failed(n))
    assert [e.path for e in store.events] == ["/0", "/1", "/2", "/3", "/4", "/48", "/49"]
    assert (len(store), store.count_total, store.spilled) == (7, 50, 43)
    assert store.get(store.events[0].id) is store.events[0]
    assert [e.path for e in store.filter(verified=False)] == ["/48", "/49"]


def test_in_memory_bodies_stay_within_a_byte_budget(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path), memory_budget=10_000,
                         unverified_memory_budget=5_000)
    for n in range(20):
        store.add(make(n, body=b"x" * 3_000))
        store.add(failed(100 + n, body=b"y" * 3_000))
    assert len([e for e in store.events if e.verified is not False]) == 2
    assert len([e for e in store.events if e.verified is False]) == 1
    assert len(list(store.history())) == 40


def test_keep_returns_once_the_event_is_on_disk_then_shows_it(tmp_path: Path):
    store = WebhookStore(journal=Journal(tmp_path))
    seen: list[int] = []
    store.added.connect(lambda e: seen.append(len(list(Journal(tmp_path).events()))))

    async def scenario() -> None:
        await store.keep(make(1))

    asyncio.run(scenario())
    assert seen == [1]  # on disk (readable by another reader) before the views heard of it


def test_views_hear_which_events_left_memory(tmp_path: Path):
    store = WebhookStore(capacity=2, journal=Journal(tmp_path))
    gone: list[str] = []
    store.evicted.connect(lambda e: gone.append(e.path))
    for n in range(4):
        store.add(make(n))
    assert gone == ["/0", "/1"]

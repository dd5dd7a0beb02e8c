"""The webhook journal: every received event, appended to JSONL files on disk.

The in-memory store keeps only the latest events; the journal keeps all
of them, so a flood never silently loses one and a later session can read
what arrived while the window was closed.

Layout: ``<data_dir>/webhooks/events-000001.jsonl``, ``events-000002.jsonl``…
one JSON object per line (``WebhookEvent.to_dict``, body base64 so it is
byte-exact, credential headers masked). A segment is closed once it
passes ``max_bytes`` and the next number starts; files are never renamed,
so the order of the numbers is the order of arrival. When more than
``max_files`` segments exist the oldest is deleted, with a warning in the log.

Writes are batched so the event loop never waits on the disk, nor on
serialising: ``append`` only queues the event; ``flush_delay`` seconds after
the first queued event (a ``call_later`` on the running loop), or once
``batch_events`` are queued, the batch is serialised and written by a
background thread (a thousand events a second cost the loop ~80 ms of CPU
a second when it did this itself). ``flush()`` and ``close()`` write
everything synchronously, after any background batch. There is no fsync:
the write lands in the OS page cache. A crash of the app can lose at most
the last ``flush_delay`` of events; a power cut what the OS had not
written yet.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from desktop.core import paths
from desktop.core.webhooks.events import WebhookEvent

log = logging.getLogger(__name__)

_SEGMENT = re.compile(r"events-(\d{6,})\.jsonl")


def default_dir() -> Path:
    return paths.data_dir() / "webhooks"


class Journal:
    """Append-only, size-rotated JSONL files of webhook events."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        max_bytes: int = 8 * 1024 * 1024,
        max_files: int | None = 16,
        flush_delay: float = 0.25,
        batch_events: int = 500,
    ) -> None:
        self.directory = directory if directory is not None else default_dir()
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.flush_delay = flush_delay
        self.error: str | None = None
        """The last write error in words (disk full, permissions), None while writes succeed."""
        self.skipped_lines = 0
        """Unreadable lines met by the last ``events()`` (e.g. a line cut by a crash)."""
        self.batch_events = batch_events
        self._pending: list[WebhookEvent] = []
        self._retry: list[WebhookEvent] = []
        """Events whose write failed (disk full...): written first by the next flush."""
        self._lock = threading.Lock()
        """Guards the segment state: the background writer and flush() both write."""
        self._writer: ThreadPoolExecutor | None = None
        self._inflight: Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._segment: int | None = None
        self._segment_size = 0

    def segments(self) -> list[Path]:
        """Journal files, oldest first."""
        if not self.directory.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in self.directory.iterdir()
                 if (m := _SEGMENT.fullmatch(p.name))]
        return [p for _, p in sorted(found)]

    def append(self, event: WebhookEvent) -> None:
        self._pending.append(event)
        if len(self._pending) >= self.batch_events:
            self._flush_in_background()
        elif self._timer is None:
            self._schedule()

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (scripts, tests): write at once
            self.flush()
            return
        self._timer = loop.call_later(self.flush_delay, self._flush_in_background)

    def _flush_in_background(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        events, self._pending = self._pending, []
        with self._lock:
            events, self._retry = self._retry + events, []
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._inflight = self._writer.submit(self._write_events, events)

    def flush(self) -> None:
        """Write every queued event now (after any batch a background thread is writing)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._inflight is not None:
            self._inflight.result()
            self._inflight = None
        events, self._pending = self._pending, []
        with self._lock:
            retry, self._retry = self._retry, []
        if retry or events:
            self._write_events(retry + events)

    def _write_events(self, events: list[WebhookEvent]) -> None:
        lines = [json.dumps(event.to_dict(mask=True), separators=(",", ":")) + "\n"
                 for event in events]
        with self._lock:
            try:
                self._write(lines)
                self.error = None
            except OSError as error:
                # Keep them: the next flush retries them first.
                self._retry = events + self._retry
                self.error = f"cannot write the webhook journal in {self.directory}: {error}"
                log.error("%s", self.error)

    def _write(self, lines: list[str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._segment is None:
            existing = self.segments()
            last = existing[-1] if existing else None
            self._segment = int(_SEGMENT.fullmatch(last.name).group(1)) if last else 1  # type: ignore[union-attr]
            self._segment_size = last.stat().st_size if last else 0
        batch: list[str] = []
        for line in lines:
            size = len(line.encode("utf-8"))
            if self._segment_size and self._segment_size + size > self.max_bytes:
                self._append_to_segment(batch)
                batch = []
                self._segment += 1
                self._segment_size = 0
                self._prune()
            batch.append(line)
            self._segment_size += size
        self._append_to_segment(batch)

    def _append_to_segment(self, batch: list[str]) -> None:
        if batch:
            path = self.directory / f"events-{self._segment:06d}.jsonl"
            with path.open("a", encoding="utf-8", newline="\n") as file:
                file.write("".join(batch))

    def _prune(self) -> None:
        if self.max_files is None:
            return
        # The segment about to be written counts too, hence the -1.
        existing = self.segments()
        for path in existing[: max(0, len(existing) - (self.max_files - 1))]:
            log.warning("webhook journal full: deleting its oldest file %s", path)
            path.unlink(missing_ok=True)

    def events(self) -> Iterator[WebhookEvent]:
        """Every journalled event, oldest first (queued lines are flushed first)."""
        self.flush()
        self.skipped_lines = 0
        for path in self.segments():
            try:
                with path.open("r", encoding="utf-8", errors="replace") as file:
                    for line in file:
                        event = self._parse(line)
                        if event is not None:
                            yield event
            except OSError as error:
                log.warning("cannot read webhook journal file %s: %s", path, error)

    def _parse(self, line: str) -> WebhookEvent | None:
        if not line.strip():
            return None
        try:
            return WebhookEvent.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            self.skipped_lines += 1
            return None

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

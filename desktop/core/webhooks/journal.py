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

Writes are batched so the event loop never waits on the disk for long:
``append`` only serialises the event and queues the line; the queue is
written in one ``write()`` when it passes ``batch_bytes``, ``flush_delay``
seconds after the first queued line (a ``call_later`` on the running
loop), on ``flush()`` and on ``close()``. There is no fsync: the write
lands in the OS page cache in microseconds. A crash of the app can lose
at most the last ``flush_delay`` of events; a power cut what the OS had
not written yet.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
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
        batch_bytes: int = 256 * 1024,
        flush_delay: float = 0.25,
    ) -> None:
        self.directory = directory if directory is not None else default_dir()
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.batch_bytes = batch_bytes
        self.flush_delay = flush_delay
        self.error: str | None = None
        """The last write error in words (disk full, permissions), None while writes succeed."""
        self.skipped_lines = 0
        """Unreadable lines met by the last ``events()`` (e.g. a line cut by a crash)."""
        self._pending: list[str] = []
        self._pending_bytes = 0
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
        line = json.dumps(event.to_dict(mask=True), separators=(",", ":")) + "\n"
        self._pending.append(line)
        self._pending_bytes += len(line)
        if self._pending_bytes >= self.batch_bytes:
            self.flush()
        elif self._timer is None:
            self._schedule()

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (scripts, tests): write at once
            self.flush()
            return
        self._timer = loop.call_later(self.flush_delay, self.flush)

    def flush(self) -> None:
        """Write every queued line now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        lines, self._pending, self._pending_bytes = self._pending, [], 0
        try:
            self._write(lines)
            self.error = None
        except OSError as error:
            # Keep the lines: the next flush retries, and the store still holds recent events.
            self._pending = lines + self._pending
            self._pending_bytes = sum(len(line) for line in self._pending)
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

"""The webhook journal: every received event, appended to JSONL files on disk.

The in-memory store keeps only the latest events; the journal keeps all
of them, so a flood never silently loses one and a later session can read
what arrived while the window was closed.

Layout: ``<data_dir>/webhooks/events-000001.jsonl``... one JSON object per
line (``record.journal_record``: body base64 so it is byte-exact, credential
headers and known secrets masked), 8 MiB per file, the 16 newest files kept.
Unverified events (a signature that failed, or a refusal) go to their own
series, ``unverified-000001.jsonl``..., with their own, smaller quota: a
flood of unsigned posts rotates only its own files and can never push a
verified event out (see ``segments``).

Durability: ``commit`` (what the receiver awaits before it answers) returns
once the event is written *and* fdatasync-ed, so a 2xx means on disk even if
the process is killed the next instant. Commits are grouped: the events that
arrive while one batch is being written go out together in the next one,
one write and one fdatasync for all, and all their answers are released
after it. Serialising and writing happen on a background thread, so the
event loop never waits on the disk. ``append`` (no waiting) queues an event
for the next batch, or ``flush_delay`` seconds later; ``flush()`` and
``close()`` write everything synchronously.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core import paths
from desktop.core.redact.redactor import MAX_LEARNED_TOKENS, TOKEN_KIND
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.record import finder, is_unverified, journal_record
from desktop.core.webhooks.segments import Segments

if TYPE_CHECKING:
    from desktop.core.redact import Redactor

log = logging.getLogger(__name__)

EVENTS, UNVERIFIED = "events", "unverified"
_RETRY_BYTES = 16 * 1024 * 1024
"""Events kept for a retry after a failed write (disk full) are bounded by their size."""
_ERROR_EVERY = 30.0

Waiter = asyncio.Future[None] | None


def default_dir() -> Path:
    return paths.data_dir() / "webhooks"


class Journal:
    """Append-only, size-rotated JSONL files of webhook events, verified ones kept apart."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        max_bytes: int = 8 * 1024 * 1024,
        max_files: int | None = 16,
        flush_delay: float = 0.25,
        batch_events: int = 500,
        unverified_max_bytes: int | None = None,
        unverified_max_files: int | None = 4,
        secrets: Mapping[str, str | bytes | None] | None = None,
    ) -> None:
        """``unverified_*`` is the quota of unverified events (default: 4 files of
        ``max_bytes``); ``secrets`` (kind -> value) are masked wherever they appear."""
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.unverified_max_bytes = unverified_max_bytes or max_bytes
        self.unverified_max_files = unverified_max_files
        self.flush_delay = flush_delay
        self.batch_events = batch_events
        self.error: str | None = None
        """The last write error in words (disk full, permissions), None while writes succeed."""
        self.skipped_lines = 0
        """Unreadable lines met by the last ``events()`` (e.g. a line cut by a crash)."""
        self._lock = threading.Lock()
        """Guards the files and the secrets: the background writer and flush() both write."""
        self._secrets: dict[str | bytes, str] = {}
        self._tokens: deque[str | bytes] = deque()
        """Known secret values and their kinds."""
        self._finder: Redactor | None = None
        self._raw: dict[str, bytes] = {}
        self._series: dict[str, Segments] = {}
        self._directory = directory if directory is not None else default_dir()
        self._queue: list[tuple[WebhookEvent, Waiter]] = []
        self._retry: list[WebhookEvent] = []
        """Events whose write failed (disk full...) and nobody waits for: written first next."""
        self._writer: ThreadPoolExecutor | None = None
        self._inflight: Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        """The delayed batch of ``append``-ed events."""
        self._error_logged_at = -_ERROR_EVERY
        for kind, value in (secrets or {}).items():
            self.add_secret(value, kind)

    # -- configuration -----------------------------------------------------------------

    @property
    def directory(self) -> Path:
        return self._directory

    @directory.setter
    def directory(self, directory: Path) -> None:
        """Write to another folder from now on (the user freed a disk or fixed a path)."""
        with self._lock:
            self._close_files()
            self._directory = directory

    def add_secret(self, value: str | bytes | None, kind: str = "webhook_secret") -> None:
        """A secret the journal must never hold: masked wherever a sender puts it."""
        if not value or (isinstance(value, str) and not value.strip()):
            return
        with self._lock:
            if value in self._secrets:
                return
            self._secrets[value] = kind  # a replaced secret stays known: old events hold it
            if kind == TOKEN_KIND:  # ...but only the newest tokens, as every redactor does
                self._tokens.append(value)
                if len(self._tokens) > MAX_LEARNED_TOKENS:
                    self._secrets.pop(self._tokens.popleft(), None)
            named = {f"{k}_{n}" if n else k: v
                     for n, (v, k) in enumerate(self._secrets.items())}
            self._finder = finder(named)
            self._raw = {k: v.encode("utf-8") if isinstance(v, str) else v
                         for k, v in named.items()}

    def record(self, event: WebhookEvent) -> dict[str, object]:
        """What the journal writes for ``event`` (known secrets masked)."""
        with self._lock:
            finder_, raw = self._finder, self._raw
        return journal_record(event, finder_, raw)

    def _segments(self, series: str) -> Segments:
        found = self._series.get(series)
        if found is None:
            if series == EVENTS:
                found = Segments(self._directory, EVENTS, max_bytes=self.max_bytes,
                                 max_files=self.max_files)
            else:
                found = Segments(self._directory, UNVERIFIED,
                                 max_bytes=self.unverified_max_bytes,
                                 max_files=self.unverified_max_files, throttle_warnings=True)
            self._series[series] = found
        return found

    def segments(self) -> list[Path]:
        """Files of verified (or unchecked) events, oldest first."""
        return self._segments(EVENTS).paths()

    def unverified_segments(self) -> list[Path]:
        """Files of unverified events (failed signatures, refusals), oldest first."""
        return self._segments(UNVERIFIED).paths()

    # -- writing -------------------------------------------------------------------------

    async def commit(self, event: WebhookEvent) -> None:
        """Journal ``event`` and return once it is on disk (written and fdatasync-ed).

        Raises ``OSError`` when it could not be written (disk full...): then it is not
        kept for a retry, since whoever awaited this tells the sender to send it again.
        """
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._queue.append((event, waiter))
        if self._inflight is None:
            self._kick(loop)  # at once; whatever arrives while it is written goes next, together
        await waiter

    def append(self, event: WebhookEvent) -> None:
        """Queue ``event`` for the next batch without waiting (written at once with no loop)."""
        self._queue.append((event, None))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (scripts, tests): write at once
            self.flush()
            return
        if len(self._queue) >= self.batch_events:
            self._kick(loop)
        elif self._timer is None and self._inflight is None:
            self._timer = loop.call_later(self.flush_delay, self._kick, loop)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _kick(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start writing the queue as one batch, unless a batch is being written."""
        self._cancel_timer()
        if self._inflight is not None or not (self._queue or self._retry):
            return
        batch, self._queue = self._queue, []
        durable = any(waiter is not None for _, waiter in batch)
        with self._lock:
            retry, self._retry = self._retry, []
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        job = self._writer.submit(self._write, [*retry, *(e for e, _ in batch)], durable)
        self._inflight = job

        def written(done: Future[None]) -> None:
            try:
                loop.call_soon_threadsafe(self._done, loop, done, retry, batch)
            except RuntimeError:  # the loop closed meanwhile: nobody is left waiting
                pass

        job.add_done_callback(written)

    def _done(self, loop: asyncio.AbstractEventLoop, job: Future[None],
              retry: list[WebhookEvent], batch: list[tuple[WebhookEvent, Waiter]]) -> None:
        if self._inflight is job:
            self._inflight = None
        error = job.exception() if not job.cancelled() else OSError("journal write cancelled")
        self._settle(retry, batch, error)
        if self._inflight is None and (self._queue or self._retry):
            if any(waiter is not None for _, waiter in self._queue):
                self._kick(loop)
            elif self._timer is None:
                self._timer = loop.call_later(self.flush_delay, self._kick, loop)

    def _settle(self, retry: list[WebhookEvent], batch: list[tuple[WebhookEvent, Waiter]],
                error: BaseException | None) -> None:
        """Release the waiters; keep unwaited-for events for a retry when the write failed."""
        if error is not None:
            self._keep_for_retry([*retry, *(e for e, w in batch if w is None)])
        for _, waiter in batch:
            if waiter is None or waiter.done():
                continue
            if _on_its_loop(waiter):
                _release(waiter, error)
            else:
                waiter.get_loop().call_soon_threadsafe(_release, waiter, error)

    def _keep_for_retry(self, events: list[WebhookEvent]) -> None:
        with self._lock:
            kept = [*events, *self._retry]
            total, cut = 0, len(kept)
            for index, event in enumerate(kept):
                total += len(event.body) + 1024
                if total > _RETRY_BYTES:
                    cut = index
                    break
            if cut < len(kept):
                log.error("webhook journal: %d unwritten event(s) dropped (no room to keep "
                          "them for a retry)", len(kept) - cut)
            self._retry = kept[:cut]

    def flush(self) -> None:
        """Write every queued event now (after any batch a background thread is writing)."""
        self._cancel_timer()
        job, self._inflight = self._inflight, None
        if job is not None:
            try:
                job.result()
            except Exception:  # its own callback settles that batch
                pass
        batch, self._queue = self._queue, []
        with self._lock:
            retry, self._retry = self._retry, []
        if not (batch or retry):
            return
        error: OSError | None = None
        try:
            self._write([*retry, *(e for e, _ in batch)],
                        any(waiter is not None for _, waiter in batch))
        except OSError as exc:
            error = exc
        self._settle(retry, batch, error)

    def _write(self, events: list[WebhookEvent], durable: bool) -> None:
        """Serialise and write ``events`` in order (then fdatasync when ``durable``)."""
        with self._lock:
            finder_, raw = self._finder, self._raw
            used: dict[str, Segments] = {}
            try:
                for event in events:
                    series = UNVERIFIED if is_unverified(event) else EVENTS
                    line = json.dumps(journal_record(event, finder_, raw),
                                      separators=(",", ":")) + "\n"
                    segments = used.get(series) or used.setdefault(series,
                                                                   self._segments(series))
                    segments.write(line.encode("utf-8", "surrogateescape"))
                for segments in used.values():
                    segments.flush(durable)
            except Exception as error:
                for segments in used.values():
                    segments.close()
                self.error = f"cannot write the webhook journal in {self._directory}: {error}"
                now = time.monotonic()
                if now - self._error_logged_at >= _ERROR_EVERY:
                    self._error_logged_at = now
                    log.error("%s", self.error, exc_info=not isinstance(error, OSError))
                if isinstance(error, OSError):
                    raise
                raise OSError(self.error) from error  # a bug: still "not stored", never 2xx
            self.error = None

    # -- reading -------------------------------------------------------------------------

    def events(self) -> Iterator[WebhookEvent]:
        """Every journalled event, verified and not, in order of arrival (queued ones are
        flushed first)."""
        self.flush()
        self.skipped_lines = 0
        streams = [self._read(self._segments(series).paths()) for series in (EVENTS, UNVERIFIED)]
        yield from heapq.merge(*streams, key=lambda event: event.received_at)

    def _read(self, files: list[Path]) -> Iterator[WebhookEvent]:
        for path in files:
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
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            self.skipped_lines += 1
            return None

    def close(self) -> None:
        """Write and fdatasync everything, then close the files and the writer thread."""
        self.flush()
        with self._lock:
            for segments in self._series.values():
                try:
                    segments.flush(durable=True)
                except OSError as error:
                    log.error("cannot sync the webhook journal: %s", error)
            self._close_files()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def _close_files(self) -> None:
        for segments in self._series.values():
            segments.close()
        self._series = {}


def _on_its_loop(waiter: asyncio.Future[None]) -> bool:
    try:
        return asyncio.get_running_loop() is waiter.get_loop()
    except RuntimeError:
        return False


def _release(waiter: asyncio.Future[None], error: BaseException | None) -> None:
    if waiter.done():
        return
    if error is None:
        waiter.set_result(None)
    else:
        waiter.set_exception(error)

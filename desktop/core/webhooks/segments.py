"""Journal segment files: one size-rotated series of JSONL files, kept within a quota.

A series is ``<directory>/<prefix>-000001.jsonl``, ``-000002``... A file is
closed once it passes ``max_bytes`` and the next number starts; files are
never renamed, so the order of the numbers is the order of arrival. Past
``max_files`` the oldest is deleted (the quota), with a warning in the log.

Journal files hold what senders posted, so they are private to the user:
created 0600 (and the folders we create 0700) by ``os.open`` with that mode,
never chmod-ed after the fact, so there is no moment when another user could
open one. An older file found with looser permissions is tightened.

The current file stays open (one descriptor for the series, so running out
of descriptors under a connection flood cannot stop the journal), and
``sync`` makes what was written durable (fdatasync), which is what lets the
receiver answer 2xx only for events that are on disk. A file whose last line
was cut by a crash gets a line break before anything is appended to it, so
the cut line stays one unreadable line instead of spoiling the next event.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)
_WARN_EVERY = 60.0


def make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and any missing parents, each 0700 (existing ones are left be)."""
    missing = []
    for folder in (directory, *directory.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise


def durable_sync(fd: int) -> None:
    """Data on stable storage: fdatasync, or F_FULLFSYNC on macOS (its fsync stops at the
    drive's cache)."""
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass
    getattr(os, "fdatasync", os.fsync)(fd)


class Segments:
    """One series of segment files; not thread-safe (the journal holds a lock around it)."""

    def __init__(self, directory: Path, prefix: str, *, max_bytes: int,
                 max_files: int | None, throttle_warnings: bool = False) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.deleted = 0
        """Files this series deleted to stay within its quota."""
        self._pattern = re.compile(re.escape(prefix) + r"-(\d{6,})\.jsonl")
        self._throttle = throttle_warnings
        self._warned_at = -_WARN_EVERY
        self._fd: int | None = None
        self._number = 0
        self._size = 0
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._unsynced = False

    def paths(self) -> list[Path]:
        """The series' files, oldest first."""
        if not self.directory.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in self.directory.iterdir()
                 if (m := self._pattern.fullmatch(p.name))]
        return [p for _, p in sorted(found)]

    def write(self, line: bytes) -> None:
        """Append one line (ending in a line break); written out by ``flush``."""
        if self._fd is None:
            self._open_last()
        if self._size and self._size + len(line) > self.max_bytes:
            self._rotate()
        self._buffer.append(line)
        self._buffered += len(line)
        self._size += len(line)
        if self._buffered >= 256 * 1024:
            self._write_out()

    def flush(self, durable: bool) -> None:
        """Hand the buffered lines to the OS; with ``durable``, to the disk too."""
        self._write_out()
        if durable and self._unsynced and self._fd is not None:
            durable_sync(self._fd)
            self._unsynced = False

    def close(self) -> None:
        """Close the open file (buffered lines are dropped: call ``flush`` first)."""
        self._buffer, self._buffered = [], 0
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    # -- files ---------------------------------------------------------------------------

    def _open_last(self) -> None:
        make_private_dirs(self.directory)
        existing = self.paths()
        if existing:
            self._number = int(self._pattern.fullmatch(existing[-1].name).group(1))  # type: ignore[union-attr]
        else:
            self._number = 1
        self._open(self._number, new=not existing)

    def _open(self, number: int, *, new: bool) -> None:
        path = self.directory / f"{self.prefix}-{number:06d}.jsonl"
        fd = os.open(path, _FLAGS, FILE_MODE)
        try:
            info = os.fstat(fd)
            if info.st_mode & 0o077 and hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)  # a file from before journals were private
            size = info.st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                os.write(fd, b"\n")  # end the line a crash cut short
                size += 1
            if new:
                self._sync_directory()
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._size = fd, size

    def _rotate(self) -> None:
        self._write_out()
        if self._fd is not None:
            if self._unsynced:
                durable_sync(self._fd)  # the batch may span two files: the first one too
                self._unsynced = False
            os.close(self._fd)
            self._fd = None
        self._number += 1
        self._prune()
        self._open(self._number, new=True)

    def _write_out(self) -> None:
        if not self._buffer:
            return
        data = b"".join(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        self._buffer, self._buffered = [], 0
        assert self._fd is not None
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError:
            self.close()  # reopened (and its cut line ended) by the next write
            raise
        self._unsynced = True

    def _sync_directory(self) -> None:
        """The new file's name on disk too (a power cut must not lose a whole file)."""
        if not hasattr(os, "O_DIRECTORY"):
            return
        try:
            fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _prune(self) -> None:
        if self.max_files is None:
            return
        existing = self.paths()  # the file about to be started counts too, hence the -1
        doomed = existing[: max(0, len(existing) - (self.max_files - 1))]
        for path in doomed:
            path.unlink(missing_ok=True)
            self.deleted += 1
        if not doomed:
            return
        now = time.monotonic()
        if not self._throttle or now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning("webhook journal full (%s files): deleting its oldest file %s "
                        "(%d deleted so far)", self.prefix, doomed[-1], self.deleted)

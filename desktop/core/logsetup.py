"""The app's log: a rotating file in the platformdirs log dir, passed through the redactor.

Nothing is printed to the terminal by default (a clean stderr is part of a
clean shutdown); ``SWITCHBOARD_LOG_STDERR=1`` mirrors the log there. Every
handler installed here redacts: from the first record on, with the
shape-based rules (JWTs, bearer tokens, ``password=``…) until the caller
adds the profile-aware filter (``add_log_filter``), so no handler ever
writes a line that did not pass through the redactor.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.core.paths import log_dir

LOG_FILE_NAME = "switchboard.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_HANDLER_MARK = "_switchboard_handler"


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


class _ShapeRedaction(logging.Filter):
    """The redactor's rules that need no profile, loaded at the first record (its import
    is not free, and the window installs its log before the redactor is needed)."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: logging.Filter | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._inner is None:
            from desktop.core.redact.logfilter import redacting_log_filter

            self._inner = redacting_log_filter(lambda: None)
        return self._inner.filter(record)


def _install(root: logging.Logger, handler: logging.Handler,
             log_filter: logging.Filter | None) -> None:
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(_ShapeRedaction())
    if log_filter is not None:
        handler.addFilter(log_filter)
    root.addHandler(handler)


def configure_logging(
    *, level: int = logging.INFO, log_filter: logging.Filter | None = None
) -> Path:
    """Install the rotating file handler once; returns the log file path."""
    root = logging.getLogger()
    path = log_file()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    _install(root, logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True), log_filter)
    if os.environ.get("SWITCHBOARD_LOG_STDERR"):
        _install(root, logging.StreamHandler(), log_filter)
    root.setLevel(level)
    logging.captureWarnings(True)
    return path


def add_log_filter(log_filter: logging.Filter) -> None:
    """Attach a filter to our handlers after start-up (the redactor loads after first paint)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _HANDLER_MARK, False):
            handler.addFilter(log_filter)


@contextmanager
def command_logging(log_filter: logging.Filter, *,
                    level: int = logging.INFO) -> Iterator[Path | None]:
    """A headless command's log, for as long as it runs: the window's rotating file, and
    warnings on stderr in place of Python's last-resort handler (which filters nothing),
    every handler through ``log_filter``. Removed again when the command ends."""
    root = logging.getLogger()
    before, old_level = list(root.handlers), root.level
    try:
        path: Path | None = log_file()
    except OSError:  # no log folder (a read-only home): stderr still gets the warnings
        path = None
    if path is not None:
        _install(root, logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True), log_filter)
    stream = logging.StreamHandler(sys.stderr)
    if not os.environ.get("SWITCHBOARD_LOG_STDERR"):
        stream.setLevel(logging.WARNING)
    _install(root, stream, log_filter)
    root.setLevel(min(level, old_level) if old_level else level)
    try:
        yield path
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(old_level)

"""The app's log: a rotating file in the platformdirs log dir, passed through the redactor.

Nothing is printed to the terminal by default (a clean stderr is part of a
clean shutdown); ``SWITCHBOARD_LOG_STDERR=1`` mirrors the log there.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from desktop.core.paths import log_dir

LOG_FILE_NAME = "switchboard.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_HANDLER_MARK = "_switchboard_handler"


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


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
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, _HANDLER_MARK, True)
    if log_filter is not None:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    if os.environ.get("SWITCHBOARD_LOG_STDERR"):
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(FORMAT))
        setattr(stream, _HANDLER_MARK, True)
        if log_filter is not None:
            stream.addFilter(log_filter)
        root.addHandler(stream)
    root.setLevel(level)
    logging.captureWarnings(True)
    return path


def add_log_filter(log_filter: logging.Filter) -> None:
    """Attach a filter to our handlers after start-up (the redactor loads after first paint)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _HANDLER_MARK, False):
            handler.addFilter(log_filter)

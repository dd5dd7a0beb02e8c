"""Where Switchboard keeps its files: platformdirs, overridable for tests.

Config holds profiles and user provider files; data holds the webhook
journal and history; logs hold the rotating log. Secrets live in none of
them: they go to the OS keychain (see ``desktop.core.secrets``).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from platformdirs import PlatformDirs

from desktop import APP_ID

log = logging.getLogger(__name__)

_DIRS = PlatformDirs(APP_ID, appauthor=False)
HOME_ENV = "SWITCHBOARD_HOME"
"""When set, every directory lives under this one folder (tests, portable installs)."""


def _base(kind: str, default: str) -> Path:
    home = os.environ.get(HOME_ENV)
    path = Path(home) / kind if home else Path(default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _base("config", _DIRS.user_config_dir)


def data_dir() -> Path:
    return _base("data", _DIRS.user_data_dir)


def cache_dir() -> Path:
    return _base("cache", _DIRS.user_cache_dir)


def log_dir() -> Path:
    return _base("logs", _DIRS.user_log_dir)


def user_providers_dir() -> Path:
    path = config_dir() / "providers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def all_dirs() -> list[Path]:
    return [config_dir(), data_dir(), cache_dir(), log_dir()]


# -- leftovers of interrupted atomic writes -------------------------------------------------------

ORPHAN_AGE = 3600.0
"""A temporary file of ours older than this (seconds) is a leftover, whoever wrote it."""
_ORPHAN = re.compile(r"\.(?P<target>.+?)\.(?:(?P<pid>\d{1,10})\.)?[a-z0-9_]{8}\.(?:tmp|part)")
"""``.<target>.<pid>.<8 random>.tmp|.part``: what ``temp_prefix`` and mkstemp produce (files
from before the pid was recorded have no pid)."""
_SCAN_LIMIT = 10_000
"""Entries looked at per folder: a folder of millions must not stall the start."""


def temp_prefix(target: Path) -> str:
    """The mkstemp prefix for a temporary copy of ``target``: names the writer's pid, so a
    later start can tell a dead writer's leftover from a write still under way."""
    return f".{target.name}.{os.getpid()}."


def atomic_write_text(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write through a temp file in the same folder, then rename over: all or nothing.
    ``newline="\\n"`` keeps line ends the same on every platform (files meant for git)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # os.kill(pid, 0) is not a probe on Windows: rely on the age alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or not a pid we can ask about: keep
    return True


def clean_orphans(folder: Path, *, only: str | None = None,
                  max_age: float = ORPHAN_AGE) -> list[Path]:
    """Remove our leftover temporary files in ``folder`` (not below it); returns them.

    Only names our writers make are touched (with ``only``, only those of that target:
    a folder the user chose is not ours), only regular files, and only when their writer
    is gone (its pid is dead) or they are older than ``max_age``. Anything else, and any
    error, leaves the folder as it is: cleaning up must never cost a start or a write.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for count, entry in enumerate(entries):
            if count >= _SCAN_LIMIT:
                break
            match = _ORPHAN.fullmatch(entry.name)
            if match is None or (only is not None and not entry.name.startswith(f".{only}.")):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                age = now - entry.stat(follow_symlinks=False).st_mtime
                pid = match["pid"]
                dead = pid is not None and not _pid_alive(int(pid))
                if not dead and age <= max_age:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            log.info("removed %s, left by an interrupted write", entry.path)
            removed.append(Path(entry.path))
    return removed

"""Where Switchboard keeps its files: platformdirs, overridable for tests.

Config holds profiles and user provider files; data holds the webhook
journal and history; logs hold the rotating log. Secrets live in none of
them: they go to the OS keychain (see ``desktop.core.secrets``).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

from desktop import APP_ID

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

"""Window geometry, splitter and last tab, restored on the next start (QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from desktop.core.paths import config_dir


def settings() -> QSettings:
    """An INI file in our config dir (so SWITCHBOARD_HOME isolates it in tests)."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


def read_bytes(store: QSettings, key: str) -> QByteArray | None:
    value = store.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_int(store: QSettings, key: str, default: int) -> int:
    try:
        return int(store.value(key, default))
    except (TypeError, ValueError):
        return default

"""Window geometry, splitter and last tab, restored on the next start (QSettings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from desktop.core.paths import config_dir

if TYPE_CHECKING:
    from desktop.ui.mainwindow import MainWindow


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


def restore(window: MainWindow) -> None:
    """Geometry, splitter and tab as they were when the window last closed."""
    store = settings()
    geometry = read_bytes(store, "window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    splitter = read_bytes(store, "window/splitter")
    if splitter is not None:
        window.splitter.restoreState(splitter)
    tab = read_int(store, "window/tab", 0)
    if 0 <= tab < window.tabs.count():
        window.tabs.setCurrentIndex(tab)


def save(window: MainWindow) -> None:
    store = settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/splitter", window.splitter.saveState())
    store.setValue("window/tab", window.tabs.currentIndex())
    store.sync()

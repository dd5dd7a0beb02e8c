"""The chart as a PNG and the samples as CSV, for tickets and bundles.

``render_chart_png`` draws a series without any page on screen (the bundle
calls it). ``CsvExport`` writes ``RateLimitSeries.to_csv`` on a worker
thread: a day of samples takes a second or two, which must not freeze the
window. The file appears complete or not at all (written beside, then
renamed), and the rows written so far are reported as progress.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication

from desktop.core.ratelimit import RateLimitSeries

if TYPE_CHECKING:
    from typing import TextIO

    from desktop.ui.ratelimits.chart import RateLimitChart

_POLL_MS = 50


def png_bytes(pixmap: QPixmap) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buffer, "PNG"):
        raise OSError("the chart could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


_offscreen: RateLimitChart | None = None
"""The one chart bundles are drawn with. A chart made and deleted per bundle left its
pyqtgraph context menus behind (top-level QMenus without a parent): 16 widgets and about
3 MiB a bundle, for the whole session."""


def _offscreen_chart() -> RateLimitChart:
    global _offscreen
    from shiboken6 import isValid

    from desktop.ui.ratelimits.chart import RateLimitChart

    if _offscreen is None or not isValid(_offscreen):
        _offscreen = RateLimitChart()
        _offscreen.setObjectName("offscreenRateLimitChart")
        _offscreen.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    return _offscreen


def render_chart_png(series: RateLimitSeries, width: int = 1200, height: int = 500) -> bytes:
    """Every sample of ``series`` charted at ``width`` × ``height``, as PNG bytes.

    Needs a ``QApplication`` (any platform, ``offscreen`` included); the chart
    is laid out off screen and never shown. Imports pyqtgraph on first use.
    """
    if QApplication.instance() is None:
        raise RuntimeError("render_chart_png needs a QApplication; without a display, "
                           "set QT_QPA_PLATFORM=offscreen before creating it")
    chart = _offscreen_chart()
    try:
        chart.resize(width, height)
        chart.set_span(None)
        chart.set_series(series)
        chart.show()  # lays the plot out at the asked size; never mapped on screen
        chart.set_span(None)  # the layout changed the view's width: follow again, redraw
        chart.redraw()
        return png_bytes(chart.grab_plot())
    finally:
        chart.hide()
        chart.set_series(None)  # holds no profile's samples between bundles


class _CancelledError(Exception):
    """The user cancelled the export: stop writing at the next row."""


class _CountingFile:
    """A text file that counts the rows written through it (``to_csv`` writes one per call)."""

    def __init__(self, handle: TextIO, cancelled: threading.Event) -> None:
        self._handle = handle
        self._cancelled = cancelled
        self.rows = 0

    def write(self, text: str) -> int:
        if self._cancelled.is_set():
            raise _CancelledError
        self.rows += text.count("\n")
        return self._handle.write(text)


class CsvExport(QObject):
    """One CSV export running on a worker thread; progress and the end come as signals."""

    progress = Signal(int, int)
    """(rows written, rows to write), a few times a second."""
    finished = Signal(object)
    """None on success, else the error message (the partial file is removed)."""

    def __init__(self, series: RateLimitSeries, path: str | os.PathLike[str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.total = len(series)
        self.rows = 0
        self.error: str | None = None
        self.done = False
        self._series = series
        self._cancelled = threading.Event()
        self._file: _CountingFile | None = None
        self._thread = threading.Thread(target=self._write, name="csv-export", daemon=True)
        self._timer = QTimer(self)
        self._timer.setInterval(_POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> CsvExport:
        self._thread.start()
        self._timer.start()
        return self

    def cancel(self) -> None:
        self._cancelled.set()

    def _write(self) -> None:
        partial = self.path.with_name(self.path.name + ".part")
        try:
            with open(partial, "w", newline="", encoding="utf-8") as handle:
                self._file = _CountingFile(handle, self._cancelled)
                self._series.to_csv(self._file)  # type: ignore[arg-type]
            os.replace(partial, self.path)
        except _CancelledError:
            self.error = "cancelled"
        except OSError as why:
            self.error = f"{why.strerror or why}: {why.filename or self.path}"
        except Exception as why:  # reported in the window, never a crash of the thread
            self.error = f"{type(why).__name__}: {why}"
        if self.error is not None:
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass

    def _poll(self) -> None:
        if self._file is not None:
            self.rows = max(0, self._file.rows - 1)  # the header row is not a sample
            self.progress.emit(self.rows, self.total)
        if self._thread.is_alive():
            return
        self._timer.stop()
        self.done = True
        self.finished.emit(self.error)

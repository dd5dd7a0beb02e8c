"""The rate-limit chart: one profile's remaining quota over time, drawn with pyqtgraph.

Remaining (a step line) against the limit, window resets, every 429 with
its Retry-After wait shaded, and the request rate on a second y-axis at the
right (``layers``); the time axis reads in local clock time. The view
follows the last 5 min / hour / all samples until the user zooms or pans
with the mouse; hovering snaps a crosshair to the nearest real sample.

A day of samples (100,000+) stays smooth because the chart never draws the
series itself: for the visible range (plus a margin either side, so a pan
shows no gap before the redraw) it asks ``RateLimitSeries.decimate`` for at
most ``point_budget`` points, and recomputes shortly after the range stops
changing. The series keeps every sample; only the drawing is reduced.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.core.palette import Colours
from desktop.core.ratelimit import RateLimitSeries
from desktop.ui.pyside_workaround import protect_singletons
from desktop.ui.ratelimits.details import SampleLookup
from desktop.ui.ratelimits.hover import HoverReadout
from desktop.ui.ratelimits.layers import ChartLayers, legend_html
from desktop.ui.ratelimits.ranges import all_range, nearest_index, span_range
from desktop.ui.ratelimits.readout import readout_lines
from desktop.ui.theme import bind

REDRAW_DELAY_MS = 60
"""Debounce: wheel zoom and drags emit many range changes; decimate once they settle."""
_MARGIN = 0.25
"""Fraction of the visible span decimated beyond each edge."""


class RateLimitChart(QWidget):
    """Remaining vs time for one ``RateLimitSeries``; see the module docstring."""

    span_changed = Signal(object)
    """The followed span in seconds, None for all samples, or "custom" after a mouse zoom/pan."""
    redrawn = Signal()
    """The visible data was recomputed (tests wait on it)."""

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        protect_singletons()  # PySide6 6.12.0 loses references per call: see that module
        self.setObjectName("rateLimitChart")
        self._clock = clock
        self.series: RateLimitSeries | None = None
        self.lookup: SampleLookup | None = None
        self._span: float | None = 300.0
        self.following = True
        self._drawn_length = -1

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # The legend is a label above the plot: it wraps when the page is narrow, where a
        # pyqtgraph legend would widen the scene beyond the view and clip the plot.
        self.legend = QLabel()
        self.legend.setObjectName("rateLimitLegend")
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.legend)
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setObjectName("rateLimitPlot")
        self.plot.setAccessibleName("Rate-limit chart")
        self.plot.setAccessibleDescription(
            "Remaining quota over time with the limit, window resets, 429s and the request "
            "rate. The numbers are also in the strip above; Alt+1, Alt+2 and Alt+3 choose the "
            "span.")
        layout.addWidget(self.plot, 1)
        self.item = self.plot.addPlot(row=0, col=0, axisItems={
            "bottom": pg.DateAxisItem(orientation="bottom")})
        self.view = self.item.getViewBox()
        self.layers = layers = ChartLayers(self.item)
        self.remaining_curve, self.limit_curve = layers.remaining_curve, layers.limit_curve
        self.reset_lines, self.rate_curve = layers.reset_lines, layers.rate_curve
        self.refusal_markers, self.unread_markers = layers.refusal_markers, layers.unread_markers
        self.hover = HoverReadout(self)
        bind(self, self.recolour)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_DELAY_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self.view.sigXRangeChanged.connect(lambda *_: self._redraw_timer.start())
        self.view.sigRangeChangedManually.connect(self._on_manual_range)

    def recolour(self, c: Colours) -> None:
        """The chart in a scheme's colours: background, axes, every line, the legend."""
        self.plot.setBackground(c.chart_background)
        self.layers.recolour(c)
        self.hover.recolour(c)
        self.legend.setText(legend_html(c))

    # -- what is shown ------------------------------------------------------------------------

    def set_series(self, series: RateLimitSeries | None,
                   lookup: SampleLookup | None = None) -> None:
        """Chart another profile's series (None: nothing), following the chosen span."""
        self.series = series
        self.lookup = lookup
        self._drawn_length = -1
        self.hover.hide()
        self.following = True
        self._follow()
        self.redraw()

    def set_span(self, span: float | None) -> None:
        """Follow the last ``span`` seconds (None: every sample), as the selector says."""
        self._span = span
        self.following = True
        self._follow()
        self.span_changed.emit(span)

    @property
    def span(self) -> float | None:
        return self._span

    def refresh(self) -> None:
        """New samples or a new moment: move a followed range and redraw what changed."""
        if self.series is None:
            return
        grew = len(self.series) != self._drawn_length
        if self.following and (grew or self._moved_a_pixel()):
            self._follow()
        if grew:
            self._redraw_timer.start()

    def visible_range(self) -> tuple[float, float]:
        t0, t1 = self.view.viewRange()[0]
        return float(t0), float(t1)

    @property
    def point_budget(self) -> int:
        """At most this many points per line: ~3 per horizontal pixel of the visible span."""
        width = max(1.0, self.view.width())
        return int(max(400, min(6000, 3 * width * (1 + 2 * _MARGIN))))

    @property
    def marker_budget(self) -> int:
        """At most this many markers (429s, resets) per item: one per ~3 pixels."""
        width = max(1.0, self.view.width())
        return int(max(50, width / 3 * (1 + 2 * _MARGIN)))

    @property
    def retry_windows(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of each shaded Retry-After wait, as drawn."""
        return self.layers.retry_windows

    # -- following the clock ------------------------------------------------------------------

    def _follow_range(self) -> tuple[float, float]:
        now = self._clock()
        if self._span is None:
            return all_range(self.series, now)
        return span_range(self.series, now, self._span)

    def _follow(self) -> None:
        t0, t1 = self._follow_range()
        self.view.setXRange(t0, t1, padding=0)

    def _moved_a_pixel(self) -> bool:
        """Whether following the clock would move the view by a pixel or more yet."""
        if self._span is None:
            return False
        t0, t1 = self.visible_range()
        pixel = (t1 - t0) / max(1.0, self.view.width())
        return abs(self._follow_range()[1] - t1) >= pixel

    def _on_manual_range(self, *_: object) -> None:
        if self.following:
            self.following = False
            self.span_changed.emit("custom")

    # -- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Recompute every item for the visible range (decimated to ``point_budget``)."""
        self._redraw_timer.stop()
        series = self.series
        if series is None or len(series) == 0:
            self.layers.clear()
            self._drawn_length = 0 if series is not None else -1
        else:
            self._drawn_length = len(series)
            t0, t1 = self.visible_range()
            span = max(t1 - t0, 1e-3)
            self.layers.draw(series, t0 - span * _MARGIN, t1 + span * _MARGIN,
                             pixel=span / max(1.0, self.view.width()),
                             point_budget=self.point_budget, marker_budget=self.marker_budget)
            self.hover.refresh()
        self.redrawn.emit()

    # -- hover --------------------------------------------------------------------------------

    def nearest_index(self, t: float) -> int | None:
        """The series index of the sample observed closest to ``t``."""
        return nearest_index(self.series, t)

    def describe(self, index: int) -> list[str]:
        """The hover read-out lines of sample ``index``."""
        assert self.series is not None
        sample = None
        if self.lookup is not None:
            sample = self.lookup.find(index, float(self.series.times[index]))
        return readout_lines(self.series, index, sample)

    def hover_at(self, t: float) -> list[str]:
        """Show the crosshair on the sample nearest ``t`` and return its read-out."""
        index = self.nearest_index(t)
        if index is None:
            self.hover.hide()
            return []
        return self.hover.show_index(index)

    def hover_at_scene(self, pos: QPointF) -> None:
        if not self.view.sceneBoundingRect().contains(pos):
            self.hover.hide()
            return
        self.hover_at(self.view.mapSceneToView(pos).x())

    # -- export -------------------------------------------------------------------------------

    def grab_plot(self) -> QPixmap:
        """The chart as it looks, legend included (without the hover crosshair)."""
        hidden = self.hover.hide_temporarily()
        try:
            return self.grab()
        finally:
            hidden()

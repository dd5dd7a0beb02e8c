"""The rate-limit chart: one profile's remaining quota over time, drawn with pyqtgraph.

Remaining (a step line) against the limit (dashed step), a dotted vertical
line at each window reset, every 429 as a red cross with its Retry-After
wait shaded, and the request rate on a second y-axis at the right. The time
axis reads in local clock time.

A day of samples (100,000+) stays smooth because the chart never draws the
series itself: for the visible range (plus a margin either side, so a pan
shows no gap before the redraw) it asks ``RateLimitSeries.decimate`` for at
most ``point_budget`` points, and recomputes shortly after the range stops
changing. The series keeps every sample; only the drawing is reduced.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.ratelimit import RateLimitSeries
from desktop.ui.ratelimits.details import SampleLookup
from desktop.ui.ratelimits.hover import HoverReadout
from desktop.ui.ratelimits.readout import readout_lines

REDRAW_DELAY_MS = 60
"""Debounce: wheel zoom and drags emit many range changes; decimate once they settle."""
_MARGIN = 0.25
"""Fraction of the visible span decimated beyond each edge."""
_NICE_BUCKETS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

BLUE, ORANGE, RED, GREY, GREEN = "#1f6fd1", "#e07b00", "#d32f2f", "#7a8597", "#2e9e5b"


def _bucket_seconds(span: float) -> float:
    """A round rate bucket giving ~120 bars across ``span`` (at least one second)."""
    wanted = span / 120
    return float(next((b for b in _NICE_BUCKETS if b >= wanted), _NICE_BUCKETS[-1]))


def _thin(times: np.ndarray, t0: float, t1: float, budget: int) -> np.ndarray:
    """Indices keeping at most one point per ``budget``-th of [t0, t1] (markers, not lines)."""
    if len(times) <= budget or t1 <= t0:
        return np.arange(len(times))
    cells = ((times - t0) / (t1 - t0) * budget).astype(np.int64)
    return np.unique(cells, return_index=True)[1]


def _union(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping intervals merged: a 429 storm is one shaded stretch, not a stack of them."""
    if len(start) < 2:
        return start, end
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    fresh = np.concatenate([[True], start[1:] > reach[:-1]])
    groups = np.cumsum(fresh) - 1
    merged_end = np.zeros(int(groups[-1]) + 1)
    np.maximum.at(merged_end, groups, end)
    return start[fresh], merged_end


class RateLimitChart(QWidget):
    """Remaining vs time for one ``RateLimitSeries``; see the module docstring."""

    span_changed = Signal(object)
    """The followed span in seconds, None for all samples, or "custom" after a mouse zoom/pan."""
    redrawn = Signal()
    """The visible data was recomputed (tests wait on it)."""

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("rateLimitChart")
        self._clock = clock
        self.series: RateLimitSeries | None = None
        self.lookup: SampleLookup | None = None
        self._span: float | None = 300.0
        self.following = True
        self._drawn_length = -1
        self._top = 10.0

        self.plot = pg.GraphicsLayoutWidget(background="w")
        self.plot.setObjectName("rateLimitPlot")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        # The legend sits in its own row above the plot, never over the data.
        self.legend = pg.LegendItem(colCount=7, labelTextColor="#3b4252", horSpacing=14)
        self.plot.addItem(self.legend, row=0, col=0)
        self.item = self.plot.addPlot(row=1, col=0, axisItems={
            "bottom": pg.DateAxisItem(orientation="bottom")})
        self.view = self.item.getViewBox()
        self._build_axes()
        self._build_items()
        self.hover = HoverReadout(self)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_DELAY_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self.view.sigXRangeChanged.connect(lambda *_: self._redraw_timer.start())
        self.view.sigRangeChangedManually.connect(self._on_manual_range)

    # -- building -----------------------------------------------------------------------------

    def _build_axes(self) -> None:
        item = self.item
        item.showGrid(x=True, y=True, alpha=0.12)
        item.setMenuEnabled(False)
        item.hideButtons()
        self.view.setMouseEnabled(x=True, y=False)  # zoom and pan along time; y follows the limit
        self.view.disableAutoRange()
        item.showAxis("right")
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#9aa3b2"))
            axis.setTextPen(pg.mkPen("#3b4252"))
        item.setLabel("left", "remaining", color=BLUE)
        item.setLabel("right", "requests / s", color=GREEN)
        # The request rate lives in its own ViewBox, x-linked, drawn behind the main one
        # so the main ViewBox keeps the mouse (zoom, pan, hover).
        self.rate_view = pg.ViewBox(enableMouse=False)
        self.rate_view.setZValue(-100)
        item.scene().addItem(self.rate_view)
        item.getAxis("right").linkToView(self.rate_view)
        self.rate_view.setXLink(self.view)
        self.view.sigResized.connect(self._sync_rate_view)

    def _sync_rate_view(self) -> None:
        self.rate_view.setGeometry(self.view.sceneBoundingRect())
        self.rate_view.linkedViewChanged(self.view, self.rate_view.XAxis)

    def _build_items(self) -> None:
        shade = QColor(RED)
        shade.setAlpha(40)
        self.retry_shading = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], pen=pg.mkPen(None),
                                             brush=pg.mkBrush(shade), name="Retry-After wait")
        self.retry_shading.setZValue(-10)
        self.reset_lines = pg.PlotDataItem(
            [], [], connect="pairs", name="window reset",
            pen=pg.mkPen(GREY, width=1, style=Qt.PenStyle.DotLine))
        self.limit_curve = pg.PlotDataItem(
            [], [], stepMode="right", name="limit",
            pen=pg.mkPen(ORANGE, width=2, style=Qt.PenStyle.DashLine))
        self.remaining_curve = pg.PlotDataItem([], [], stepMode="right", name="remaining",
                                               pen=pg.mkPen(BLUE, width=2))
        self.refusal_markers = pg.ScatterPlotItem(
            [], [], symbol="x", size=13, pen=pg.mkPen(RED, width=2.5), brush=pg.mkBrush(RED),
            name="429 refused")
        self.unread_markers = pg.ScatterPlotItem(
            [], [], symbol="t1", size=8, pen=pg.mkPen(GREY), brush=pg.mkBrush(GREY),
            name="no readable remaining")
        for thing in (self.retry_shading, self.reset_lines, self.limit_curve,
                      self.remaining_curve, self.refusal_markers, self.unread_markers):
            self.item.addItem(thing)
            self.legend.addItem(thing, thing.name())
        rate_fill = QColor(GREEN)
        rate_fill.setAlpha(45)
        self.rate_curve = pg.PlotDataItem([], [], stepMode="center", fillLevel=0,
                                          brush=pg.mkBrush(rate_fill),
                                          pen=pg.mkPen(GREEN, width=1), name="requests / s")
        self.rate_view.addItem(self.rate_curve)
        self.legend.addItem(self.rate_curve, "requests / s")

    # -- what is shown ------------------------------------------------------------------------

    def set_series(self, series: RateLimitSeries | None, lookup: SampleLookup | None = None,
                   ) -> None:
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
        if self.following and (grew or self._span is not None):
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

    def _follow_range(self) -> tuple[float, float]:
        now = self._clock()
        series = self.series
        if self._span is not None:
            return now - self._span, now + self._span * 0.02
        if series is None or len(series) == 0:
            return now - 300.0, now
        times = series.times
        first, last = float(np.nanmin(times)), float(np.nanmax(times))
        retry = series.retry_after
        ends = times + retry
        if np.any(~np.isnan(ends)):
            last = max(last, float(np.nanmax(ends)))
        span = max(last - first, 10.0)
        return first - span * 0.02, last + span * 0.04

    def _follow(self) -> None:
        t0, t1 = self._follow_range()
        self.view.setXRange(t0, t1, padding=0)

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
            for curve in (self.remaining_curve, self.limit_curve, self.reset_lines,
                          self.rate_curve):
                curve.setData([], [])
            for markers in (self.refusal_markers, self.unread_markers):
                markers.setData([], [])
            self._shade(np.empty(0), np.empty(0))
            self._drawn_length = 0 if series is not None else -1
            self.redrawn.emit()
            return
        self._drawn_length = len(series)
        t0, t1 = self.visible_range()
        span = max(t1 - t0, 1e-3)
        lo, hi = t0 - span * _MARGIN, t1 + span * _MARGIN
        budget = self.point_budget

        rt, rv = series.decimate(lo, hi, budget, "remaining")
        lt, lv = series.decimate(lo, hi, budget, "limit")
        known = np.concatenate([rv, lv])
        self._top = max(float(known.max()) if len(known) else 0.0, 1.0) * 1.12
        self.remaining_curve.setData(rt, rv)
        self.remaining_curve.setSymbol("o" if len(rt) <= 150 else None)
        self.remaining_curve.setSymbolSize(5)
        self.remaining_curve.setSymbolBrush(BLUE)
        self.remaining_curve.setSymbolPen(None)
        self.limit_curve.setData(lt, lv)

        resets = series.reset_instants(lo - 3600)
        resets = resets[(resets >= lo) & (resets <= hi)]
        resets = resets[_thin(resets, lo, hi, budget // 2)]
        self.reset_lines.setData(np.repeat(resets, 2),
                                 np.tile([0.0, self._top], len(resets)))

        window = series.window(lo)
        inside = window.times <= hi
        refused = inside & (window.status == 429)
        times = window.times[refused]
        keep = _thin(times, lo, hi, budget)
        self.refusal_markers.setData(times[keep], np.nan_to_num(window.remaining[refused][keep]))
        unread = inside & (window.status != 429) & np.isnan(window.remaining)
        times = window.times[unread]
        keep = _thin(times, lo, hi, budget)
        self.unread_markers.setData(times[keep], np.zeros(len(keep)))

        refusals = series.refusals(lo - 3600)
        waiting = ~np.isnan(refusals.retry_until) & (refusals.retry_until >= lo) & \
            (refusals.times <= hi)
        self._shade(*_union(refusals.times[waiting], refusals.retry_until[waiting]))

        bucket = _bucket_seconds(span)
        starts, rate = series.request_rate(bucket, lo, hi)
        if len(starts):
            self.rate_curve.setData(np.append(starts, starts[-1] + bucket), rate)
            self.rate_view.setYRange(0, max(float(rate.max()), 1.0) * 1.6, padding=0)
        else:
            self.rate_curve.setData([], [])
        # a little room below 0 so markers drawn at 0 are not cut in half
        self.view.setYRange(-self._top * 0.04, self._top, padding=0)
        self.hover.refresh()
        self.redrawn.emit()

    def _shade(self, start: np.ndarray, end: np.ndarray) -> None:
        """Retry-After waits as rectangles from the 429 to the moment it allows a retry."""
        self.retry_shading.setOpts(x0=start, x1=end, y0=np.zeros(len(start)),
                                   y1=np.full(len(start), self._top))
        self.retry_shading.setVisible(len(start) > 0)

    @property
    def retry_windows(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of each shaded Retry-After wait, as drawn."""
        opts = self.retry_shading.opts
        return np.asarray(opts["x0"], dtype=float), np.asarray(opts["x1"], dtype=float)

    # -- hover --------------------------------------------------------------------------------

    def nearest_index(self, t: float) -> int | None:
        """The series index of the sample observed closest to ``t``."""
        series = self.series
        if series is None or len(series) == 0 or not math.isfinite(t):
            return None
        times = series.times
        i = int(np.searchsorted(times, t))
        if len(times) > 1 and np.any(times[1:] < times[:-1]):  # unsorted: rare, exact anyway
            return int(np.argmin(np.abs(times - t)))
        candidates = [j for j in (i - 1, i) if 0 <= j < len(times)]
        return min(candidates, key=lambda j: abs(float(times[j]) - t))

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
        """The chart as it looks (without the hover crosshair)."""
        hidden = self.hover.hide_temporarily()
        try:
            return self.plot.grab()
        finally:
            hidden()

"""What the chart draws, item by item, for one visible range of a series.

One pyqtgraph item per thing the user reads: remaining (step line), the
limit (dashed step), window resets (vertical lines, or ticks along the top
when they would be pixels apart), 429s (red crosses), their Retry-After
waits (shaded), responses without a readable remaining (grey triangles at
0) and the request rate in a second ViewBox on the right axis. Lines are
decimated to ``point_budget`` points; markers thinned to ``marker_budget``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.core.ratelimit import RateLimitSeries
from desktop.ui.ratelimits.ranges import bucket_seconds, thin, union

BLUE, ORANGE, RED, GREY, GREEN = "#1f6fd1", "#e07b00", "#d32f2f", "#7a8597", "#2e9e5b"
RESET_GREY = "#a9b1bf"
BELOW_ZERO = 0.04
"""Room below 0 (a fraction of the axis) so markers drawn at 0 are not cut in half; both
y-axes use it so their zeros line up."""
_LOOKBACK = 3600.0
"""Resets and Retry-After waits announced up to an hour before the range can fall in it."""


def _key(colour: str, glyph: str, text: str) -> str:
    return f'<span style="color:{colour}">{glyph}</span>&nbsp;{text}'


LEGEND_HTML = "&nbsp;&nbsp;&nbsp; ".join([
    _key(BLUE, "━━", "remaining"),
    _key(ORANGE, "╍╍", "limit"),
    _key(RESET_GREY, "│", "window reset"),
    _key(RED, "✖", "429 refused"),
    _key("#f0b4b4", "█", "Retry-After wait"),
    _key(GREY, "▲", "no readable remaining"),
    _key("#9fd8b5", "█", "requests / s (right axis)"),
])


class ChartLayers:
    """The items on ``plot`` (and its right-hand rate ViewBox) and the data each shows."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.view = plot.getViewBox()
        self.top = 10.0
        self._style_axes()
        self._add_items()

    def _style_axes(self) -> None:
        plot = self.plot
        # No grid: pyqtgraph draws it through the axes, which tripled the cost of a repaint
        # (~40 ms of ~55 ms at 1200 px); the limit and reset lines give the bearings.
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view.setMouseEnabled(x=True, y=False)  # zoom and pan along time; y follows the limit
        self.view.disableAutoRange()
        plot.showAxis("right")
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen("#9aa3b2"))
            axis.setTextPen(pg.mkPen("#3b4252"))
        plot.setLabel("left", "remaining", color=BLUE)
        plot.setLabel("right", "requests / s", color=GREEN)
        # The request rate lives in its own ViewBox, x-linked, drawn behind the main one
        # so the main ViewBox keeps the mouse (zoom, pan, hover).
        self.rate_view = pg.ViewBox(enableMouse=False)
        self.rate_view.setZValue(-100)
        plot.scene().addItem(self.rate_view)
        plot.getAxis("right").linkToView(self.rate_view)
        self.rate_view.setXLink(self.view)
        self.view.sigResized.connect(self._sync_rate_view)

    def _sync_rate_view(self) -> None:
        self.rate_view.setGeometry(self.view.sceneBoundingRect())
        self.rate_view.linkedViewChanged(self.view, self.rate_view.XAxis)

    def _add_items(self) -> None:
        shade = QColor(RED)
        shade.setAlpha(40)
        self.retry_shading = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], pen=pg.mkPen(None),
                                             brush=pg.mkBrush(shade))
        self.retry_shading.setZValue(-10)
        self.reset_lines = pg.PlotDataItem(
            [], [], connect="pairs",
            pen=pg.mkPen(RESET_GREY, width=1))  # solid: a dotted pen costs ~10× to draw
        self.limit_curve = pg.PlotDataItem(
            [], [], stepMode="right", pen=pg.mkPen(ORANGE, width=2, style=Qt.PenStyle.DashLine))
        self.remaining_curve = pg.PlotDataItem([], [], stepMode="right",
                                               pen=pg.mkPen(BLUE, width=2))
        self.refusal_markers = pg.ScatterPlotItem(
            [], [], symbol="x", size=13, pen=pg.mkPen(RED, width=2.5), brush=pg.mkBrush(RED))
        self.unread_markers = pg.ScatterPlotItem(
            [], [], symbol="t1", size=8, pen=pg.mkPen(GREY), brush=pg.mkBrush(GREY))
        for item in (self.retry_shading, self.reset_lines, self.limit_curve,
                     self.remaining_curve, self.refusal_markers, self.unread_markers):
            self.plot.addItem(item)
        rate_fill = QColor(GREEN)
        rate_fill.setAlpha(30)
        self.rate_curve = pg.PlotDataItem([], [], stepMode="center", fillLevel=0,
                                          brush=pg.mkBrush(rate_fill),
                                          pen=pg.mkPen(GREEN, width=1))
        self.rate_view.addItem(self.rate_curve)

    # -- data ---------------------------------------------------------------------------------

    def clear(self) -> None:
        for curve in (self.remaining_curve, self.limit_curve, self.reset_lines, self.rate_curve):
            curve.setData([], [])
        for markers in (self.refusal_markers, self.unread_markers):
            markers.setData([], [])
        self._shade(np.empty(0), np.empty(0))

    def draw(self, series: RateLimitSeries, lo: float, hi: float, *, pixel: float,
             point_budget: int, marker_budget: int) -> None:
        """Everything for [lo, hi] (the visible range and its margins); ``pixel`` in seconds."""
        rt, rv = series.decimate(lo, hi, point_budget, "remaining")
        lt, lv = series.decimate(lo, hi, point_budget, "limit")
        known = np.concatenate([rv, lv])
        self.top = top = max(float(known.max()) if len(known) else 0.0, 1.0) * 1.12
        self.remaining_curve.setData(rt, rv)
        few = len(rt) <= 150
        self.remaining_curve.setSymbol("o" if few else None)
        if few:
            self.remaining_curve.setSymbolSize(5)
            self.remaining_curve.setSymbolBrush(BLUE)
            self.remaining_curve.setSymbolPen(None)
        self.limit_curve.setData(lt, lv)

        resets = series.reset_instants(lo - _LOOKBACK)
        resets = resets[(resets >= lo) & (resets <= hi)]
        resets = resets[thin(resets, lo, hi, marker_budget)]
        # Full-height lines while they are a few pixels apart; closer than that (a day of
        # one-minute windows) they would grey the chart out, so they shrink to ticks on top.
        bottom = 0.0 if len(resets) <= marker_budget / 4 else top * 0.95
        self.reset_lines.setData(np.repeat(resets, 2), np.tile([bottom, top], len(resets)))

        window = series.window(lo)
        inside = window.times <= hi
        refused = inside & (window.status == 429)
        times = window.times[refused]
        keep = thin(times, lo, hi, marker_budget)
        self.refusal_markers.setData(times[keep], np.nan_to_num(window.remaining[refused][keep]))
        unread = inside & (window.status != 429) & np.isnan(window.remaining)
        times = window.times[unread]
        keep = thin(times, lo, hi, marker_budget)
        self.unread_markers.setData(times[keep], np.zeros(len(keep)))

        refusals = series.refusals(lo - _LOOKBACK)
        waiting = (~np.isnan(refusals.retry_until) & (refusals.retry_until >= lo)
                   & (refusals.times <= hi))
        self._shade(*union(refusals.times[waiting], refusals.retry_until[waiting], gap=pixel))

        bucket = bucket_seconds((hi - lo) / 1.5)
        starts, rate = series.request_rate(bucket, lo, hi)
        if len(starts):
            self.rate_curve.setData(np.append(starts, starts[-1] + bucket), rate)
            rate_top = max(float(rate.max()), 1.0) * 2.5  # the bars stay in the lower part
            self.rate_view.setYRange(-rate_top * BELOW_ZERO, rate_top, padding=0)
        else:
            self.rate_curve.setData([], [])
        self.view.setYRange(-top * BELOW_ZERO, top, padding=0)

    def _shade(self, start: np.ndarray, end: np.ndarray) -> None:
        """Retry-After waits as rectangles from the 429 to the moment it allows a retry."""
        self.retry_shading.setOpts(x0=start, x1=end, y0=np.zeros(len(start)),
                                   y1=np.full(len(start), self.top))
        self.retry_shading.setVisible(len(start) > 0)

    @property
    def retry_windows(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of each shaded Retry-After wait, as drawn."""
        opts = self.retry_shading.opts
        return np.asarray(opts["x0"], dtype=float), np.asarray(opts["x1"], dtype=float)

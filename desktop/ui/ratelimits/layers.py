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

from desktop.core.palette import LIGHT, Colours
from desktop.core.ratelimit import RateLimitSeries
from desktop.ui.ratelimits.ranges import bucket_seconds, thin, union

BELOW_ZERO = 0.04
"""Room below 0 (a fraction of the axis) so markers drawn at 0 are not cut in half; both
y-axes use it so their zeros line up."""
_LOOKBACK = 3600.0
"""Resets and Retry-After waits announced up to an hour before the range can fall in it."""


def _key(colour: str, glyph: str, text: str) -> str:
    """One legend item; it wraps as a whole, never between its words."""
    return f'<span style="color:{colour}">{glyph}</span>&nbsp;{text.replace(" ", "&nbsp;")}'


def legend_html(c: Colours) -> str:
    """The legend: each item's glyph in its colour, and its name (never colour alone)."""
    return "&nbsp;&nbsp;&nbsp; ".join([
        _key(c.chart_remaining, "━━", "remaining"),
        _key(c.chart_limit, "╍╍", "limit"),
        _key(c.chart_reset, "│", "window reset"),
        _key(c.chart_refused, "✖", "429 refused"),
        _key(c.chart_refused, "░", "Retry-After wait"),
        _key(c.chart_unread, "▲", "no readable remaining"),
        _key(c.chart_rate, "█", "requests / s (right axis)"),
    ])


LEGEND_HTML = legend_html(LIGHT)


class ChartLayers:
    """The items on ``plot`` (and its right-hand rate ViewBox) and the data each shows."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.view = plot.getViewBox()
        self.top = 10.0
        self._style_axes()
        self._add_items()
        self.recolour(LIGHT)

    def _style_axes(self) -> None:
        plot = self.plot
        # No grid: pyqtgraph draws it through the axes, which tripled the cost of a repaint
        # (~40 ms of ~55 ms at 1200 px); the limit and reset lines give the bearings.
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view.setMouseEnabled(x=True, y=False)  # zoom and pan along time; y follows the limit
        self.view.disableAutoRange()
        plot.showAxis("right")
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
        self.retry_shading = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], pen=pg.mkPen(None))
        self.retry_shading.setZValue(-10)
        self.reset_lines = pg.PlotDataItem([], [], connect="pairs")
        self.limit_curve = pg.PlotDataItem([], [], stepMode="right")
        self.remaining_curve = pg.PlotDataItem([], [], stepMode="right")
        self.refusal_markers = pg.ScatterPlotItem([], [], symbol="x", size=13)
        self.unread_markers = pg.ScatterPlotItem([], [], symbol="t1", size=8)
        for item in (self.retry_shading, self.reset_lines, self.limit_curve,
                     self.remaining_curve, self.refusal_markers, self.unread_markers):
            self.plot.addItem(item)
        self.rate_curve = pg.PlotDataItem([], [], stepMode="center", fillLevel=0)
        self.rate_view.addItem(self.rate_curve)

    def recolour(self, c: Colours) -> None:
        """Pens and brushes of every item in a scheme's chart colours (live: dark mode)."""
        self.colours = c
        plot = self.plot
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(c.chart_axis))
            axis.setTextPen(pg.mkPen(c.chart_text))
        plot.setLabel("left", "remaining", color=c.chart_remaining)
        plot.setLabel("right", "requests / s", color=c.chart_rate)
        shade = QColor(c.chart_refused)
        shade.setAlpha(40 if not c.dark else 60)
        self.retry_shading.setOpts(brush=pg.mkBrush(shade))
        # solid: a dotted pen costs ~10× to draw
        self.reset_lines.setPen(pg.mkPen(c.chart_reset, width=1))
        self.limit_curve.setPen(pg.mkPen(c.chart_limit, width=2,
                                         style=Qt.PenStyle.DashLine))
        self.remaining_curve.setPen(pg.mkPen(c.chart_remaining, width=2))
        self.remaining_curve.setSymbolBrush(c.chart_remaining)
        self.refusal_markers.setPen(pg.mkPen(c.chart_refused, width=2.5))
        self.refusal_markers.setBrush(pg.mkBrush(c.chart_refused))
        self.unread_markers.setPen(pg.mkPen(c.chart_unread))
        self.unread_markers.setBrush(pg.mkBrush(c.chart_unread))
        fill = QColor(c.chart_rate)
        fill.setAlpha(30 if not c.dark else 55)
        self.rate_curve.setPen(pg.mkPen(c.chart_rate, width=1))
        self.rate_curve.setBrush(pg.mkBrush(fill))

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
            self.remaining_curve.setSymbolBrush(self.colours.chart_remaining)
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

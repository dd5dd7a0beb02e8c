"""The chart's crosshair and read-out: snapped to the nearest real sample, not the cursor.

The read-out names what the server said for that response (time, remaining
and limit, family, when and how Reset was read, Retry-After, malformed
fields), so it reads the full series, never the decimated drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.core.palette import LIGHT, Colours
from desktop.ui.ratelimits.readout import readout_html

if TYPE_CHECKING:
    from desktop.ui.ratelimits.chart import RateLimitChart

_MOUSE_RATE = 30
"""Read-outs per second at most while the mouse moves."""


class HoverReadout:
    def __init__(self, chart: RateLimitChart) -> None:
        self.chart = chart
        self.vline = pg.InfiniteLine(angle=90, movable=False)
        self.hline = pg.InfiniteLine(angle=0, movable=False)
        self.label = pg.TextItem(anchor=(0, 1))
        self.colours = LIGHT
        for item in (self.vline, self.hline, self.label):
            item.setZValue(50)
            chart.item.addItem(item, ignoreBounds=True)
        self.index: int | None = None
        self.lines: list[str] = []
        self.hide()
        self._proxy = pg.SignalProxy(chart.item.scene().sigMouseMoved, rateLimit=_MOUSE_RATE,
                                     slot=lambda event: chart.hover_at_scene(event[0]))

    def recolour(self, c: Colours) -> None:
        self.colours = c
        pen = pg.mkPen(c.chart_text, width=1, style=Qt.PenStyle.DashLine)
        self.vline.setPen(pen)
        self.hline.setPen(pen)
        fill = QColor(c.chart_background)
        fill.setAlpha(235)
        self.label.fill = pg.mkBrush(fill)
        self.label.border = pg.mkPen(c.chart_axis)
        self.label.update()
        if self.index is not None:
            self.refresh()

    @property
    def visible(self) -> bool:
        return self.vline.isVisible()

    def hide(self) -> None:
        self.index = None
        self.lines = []
        for item in (self.vline, self.hline, self.label):
            item.hide()

    def hide_temporarily(self) -> Callable[[], None]:
        """Hide for a moment (an export); returns the function that shows it again."""
        shown = [item for item in (self.vline, self.hline, self.label) if item.isVisible()]
        for item in shown:
            item.hide()

        def show_again() -> None:
            for item in shown:
                item.show()

        return show_again

    def show_index(self, index: int) -> list[str]:
        series = self.chart.series
        assert series is not None
        self.index = index
        self.lines = self.chart.describe(index)
        at = float(series.times[index])
        remaining = float(series.remaining[index])
        self.vline.setPos(at)
        self.vline.show()
        if math.isnan(remaining):
            self.hline.hide()
        else:
            self.hline.setPos(remaining)
            self.hline.show()
        self.label.setHtml(readout_html(self.lines, self.colours))
        self._place(at, remaining)
        self.label.show()
        return self.lines

    def refresh(self) -> None:
        """Keep the read-out in place after a redraw (the sample may have new neighbours)."""
        if self.index is not None and self.chart.series is not None \
                and self.index < len(self.chart.series):
            self.show_index(self.index)

    def _place(self, at: float, remaining: float) -> None:
        """Beside the crosshair, flipped to the left in the right half so it stays in view."""
        (t0, t1), (y0, y1) = self.chart.view.viewRange()
        y = remaining if not math.isnan(remaining) else y0
        right_half = at > (t0 + t1) / 2
        upper_half = y > (y0 + y1) / 2
        self.label.setAnchor((1.0 if right_half else 0.0, 0.0 if upper_half else 1.0))
        self.label.setPos(at, y)

"""Figure 7: the rate-limit chart with 100,000 samples: a pan or zoom, to the repaint.

The widget is the Rate limits page's ``RateLimitChart`` (desktop/ui/ratelimits/chart.py)
over a ``RateLimitSeries`` of a day of samples (a response every ~0.9 s, windows
resetting every minute, a 429 with Retry-After now and then). One pan/zoom is:
move the visible range (``setXRange``, as a drag or wheel does), ``redraw()``
(what the chart's debounce timer calls once the range settles: decimation of
every line), then ``repaint()`` the plot. Floor: the same steps on a chart of
1,000 samples, so the ratio shows what the data size costs.
"""

from __future__ import annotations

import time

from tests.benchmarks.measure import Budget, Figure, percentile

DAY = 86_400.0
START = 1_700_000_000.0


def _series(count: int):
    from desktop.core.ratelimit import RateLimitSample, RateLimitSeries

    series = RateLimitSeries("bench", initial_capacity=count)
    step = DAY / count
    for i in range(count):
        at = START + i * step
        window = int(at // 60)
        used = int((at - window * 60) / 60 * 120)
        limited = i % 200 == 199
        series.append(RateLimitSample(
            at=at, status=429 if limited else 200, family="ietf", limit=100,
            remaining=max(0, 100 - used), reset_at=(window + 1) * 60.0,
            reset_after=(window + 1) * 60.0 - at, reset_unit="delta-seconds",
            retry_after=5.0 if limited else None))
    return series


def _chart(count: int):
    from desktop.ui.ratelimits.chart import RateLimitChart

    chart = RateLimitChart(clock=lambda: START + DAY)
    chart.resize(1200, 520)
    chart.show()
    chart.set_series(_series(count))
    chart.set_span(None)
    chart.redraw()
    return chart


def _moves() -> list[tuple[float, float]]:
    """Visible ranges a user goes through: all, an hour, pans, ten minutes, back out."""
    hour, ten = 3600.0, 600.0
    mid = START + DAY / 2
    ranges = [(START, START + DAY), (mid, mid + hour)]
    ranges += [(mid + k * hour / 2, mid + k * hour / 2 + hour) for k in range(1, 5)]
    ranges += [(mid + 2 * hour, mid + 2 * hour + ten), (mid + 2 * hour + ten, mid + 2 * hour
                                                          + 2 * ten)]
    ranges += [(mid - 3 * hour, mid + 3 * hour), (START, START + DAY)]
    return ranges


def _move(chart, app, t0: float, t1: float) -> float:
    started = time.perf_counter()
    chart.view.setXRange(t0, t1, padding=0)
    chart.redraw()
    chart.plot.viewport().repaint()  # a QGraphicsView paints through its viewport
    elapsed = (time.perf_counter() - started) * 1000
    app.processEvents()  # let the debounce timer's own redraw run outside the clock
    return elapsed


def measure(runs: int, quick: bool) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    count = 5_000 if quick else 100_000
    built = time.perf_counter()
    big = _chart(count)
    build_seconds = time.perf_counter() - built
    small = _chart(1_000)
    app.processEvents()
    values: list[float] = []
    floors: list[float] = []
    for t0, t1 in _moves():  # warm-up: first paints, caches
        _move(small, app, t0, t1)
        _move(big, app, t0, t1)
    for _ in range(runs):
        for t0, t1 in _moves():
            floors.append(_move(small, app, t0, t1))
            values.append(_move(big, app, t0, t1))
    big.close()
    small.close()
    return [Figure(
        "chart.pan_zoom_repaint", f"Rate-limit chart pan/zoom to repaint ({count:,} samples)",
        "ms", Budget("max", 50.0), values=values, floor=floors,
        floor_title="the same moves on a chart of 1,000 samples",
        notes=[f"RateLimitChart: setXRange + redraw (decimate) + viewport repaint; p95 "
               f"{percentile(values, 95):.1f} ms, max {max(values):.1f} ms; series + first "
               f"draw {build_seconds:.2f} s"])]

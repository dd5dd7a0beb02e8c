"""What the chart's hover label says about one sample, in lines of plain words.

Kept apart from the chart (no pyqtgraph here) so the wording is tested
directly: the time, remaining/limit, the header family, when the window
resets and *how the Reset value was read*, Retry-After, and every
malformed field with its raw value.
"""

from __future__ import annotations

import math
from datetime import datetime

from desktop.core.palette import LIGHT, Colours
from desktop.core.ratelimit import RateLimitSample, RateLimitSeries
from desktop.core.richtext import escape


def clock_text(epoch: float, *, millis: bool = False) -> str:
    """Local clock time: ``14:05:09`` (``14:05:09.123`` with ``millis``)."""
    try:
        when = datetime.fromtimestamp(epoch)
    except (OverflowError, ValueError, OSError):
        return "?"
    return when.strftime("%H:%M:%S.%f")[:-3] if millis else when.strftime("%H:%M:%S")


def _count(value: float) -> str:
    return "?" if math.isnan(value) else f"{value:.0f}" if value == int(value) else f"{value:g}"


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if float(value).is_integer() else f"{value:.1f} s"


def readout_lines(series: RateLimitSeries, index: int,
                  sample: RateLimitSample | None = None) -> list[str]:
    """The hover read-out of the series' ``index``-th sample (``sample``: its full record)."""
    at = float(series.times[index])
    status = int(series.status[index])
    remaining = float(series.remaining[index])
    limit = float(series.limit[index])
    reset_at = float(series.reset_at[index])
    retry_after = float(series.retry_after[index])
    family = series.family(index)

    head = clock_text(at, millis=True)
    if status >= 0:
        head += f" · HTTP {status}" + (" (refused)" if status == 429 else "")
    lines = [head]
    if math.isnan(remaining) and math.isnan(limit):
        lines.append("no readable remaining/limit")
    else:
        lines.append(f"remaining {_count(remaining)} / {_count(limit)}")
    source = f"family {family}" if family else "no header family"
    if sample is not None and sample.policy:
        source += f', policy "{sample.policy}"'
    lines.append(source)
    if not math.isnan(reset_at):
        text = f"resets {clock_text(reset_at)} ({_seconds(max(0.0, reset_at - at))} after)"
        unit = sample.reset_unit if sample is not None else None
        if unit:
            text += f"; Reset read as {unit}"
        lines.append(text)
    if not math.isnan(retry_after):
        where = " (body)" if sample is not None and sample.retry_after_source == "body" else ""
        lines.append(f"Retry-After{where} {_seconds(retry_after)} → "
                     f"{clock_text(at + retry_after)}")
    if sample is not None:
        for name, raw in sample.unparseable:
            lines.append(f"unparseable {name}: {raw!r} (ignored)")
    return lines


def readout_html(lines: list[str], colours: Colours = LIGHT) -> str:
    """The lines as the label's rich text; malformed fields in the warning colour."""
    parts = []
    for number, line in enumerate(lines):
        text = escape(line)
        if number == 0:
            text = f"<b>{text}</b>"
        elif line.startswith("unparseable"):
            text = f'<span style="color:{colours.warn}">⚠ {text}</span>'
        parts.append(text)
    return f'<div style="color:{colours.text}">' + "<br>".join(parts) + "</div>"

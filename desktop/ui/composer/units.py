"""Sizes and durations as people read them: ``1.2 KB``, ``114 ms``, ``2.3 s``."""

from __future__ import annotations


def human_size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes" if count != 1 else "1 byte"
    value = float(count)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
    return f"{value:.1f} GB"


def human_ms(ms: float | None) -> str:
    if ms is None:
        return "—"
    if ms < 1:
        return "<1 ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.2f} s"

"""Time since the process started, for ``--smoke`` and the start-up benchmark.

On Linux the kernel records the start in /proc/self/stat (clock ticks since
boot), which includes interpreter start-up; elsewhere we fall back to the
moment this package was first imported.
"""

from __future__ import annotations

import os
import sys
import time

_IMPORTED_AT = time.perf_counter()

HEAVY_MODULES = ("pyqtgraph", "aiohttp", "phonenumbers", "pygments")
"""Modules the window must not import before its first paint (the start-up budget)."""
UNUSED_WHEN_IDLE = ("html.entities", "hashlib", "secrets", "uuid", "platform", "encodings.idna")
"""Standard modules the idle window does without: each costs 0.1-0.9 MiB of idle RSS
(tests/benchmarks) and is imported by whatever first needs it (a webhook signature, a
saved collection's export, the About box)."""


def seconds_since_process_start() -> float:
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 overall: starttime
        ticks = os.sysconf("SC_CLK_TCK")
        boot_clock = time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))
        return boot_clock - start_ticks / ticks
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED_AT


def heavy_modules_loaded() -> list[str]:
    """Which of ``HEAVY_MODULES`` are imported already (for ``SWITCHBOARD_IMPORT_REPORT``)."""
    return [name for name in HEAVY_MODULES if name in sys.modules]


def unused_modules_loaded() -> list[str]:
    """Which of ``UNUSED_WHEN_IDLE`` are imported already (``--smoke`` reports them)."""
    return [name for name in UNUSED_WHEN_IDLE if name in sys.modules]


def freeze_startup_objects() -> None:
    """Take what start-up built (modules, widgets, providers) out of the cyclic GC's sight.

    Those objects live as long as the app; left in the oldest generation, every
    full collection walks them all again, and under load (500 requests and
    1,000 webhooks a second) one such pause held the event loop for up to
    240 ms (tests/benchmarks, responsiveness). Frozen, a full collection took
    40-70 ms. Called once, after the first paint and the services' start.
    """
    import gc

    gc.collect()
    gc.freeze()

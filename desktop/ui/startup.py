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


def pin_singletons() -> None:
    """Keep None, True and False alive on CPython 3.11 under PySide6 6.12.

    PySide6 6.12.0's wheels return these singletons from void (and some other)
    methods without taking a reference, as is correct only where they are
    immortal (CPython 3.12+, PEP 683). On 3.11 every ``QWidget.update()``,
    ``QLabel.setText()`` or ``processEvents()`` drops one reference to None,
    and after a few thousand calls the process aborts with "none_dealloc:
    deallocating None" (found by tests/benchmarks; reproducer in its README).
    Giving them a huge count is what 3.12 does for every immortal object.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40

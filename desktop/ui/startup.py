"""Time since the process started, for ``--smoke`` and the start-up benchmark.

On Linux the kernel records the start in /proc/self/stat (clock ticks since
boot), which includes interpreter start-up; elsewhere we fall back to the
moment this package was first imported.
"""

from __future__ import annotations

import os
import time

_IMPORTED_AT = time.perf_counter()


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

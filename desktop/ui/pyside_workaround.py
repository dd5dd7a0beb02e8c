"""Work around a PySide6 6.12.0 bug that aborts the app: calls steal references from None/True.

With PySide6 6.12.0 on CPython 3.11, every call of a C++ method returning
``void`` gives Python ``None`` without taking a reference for it, and every
``SignalInstance.emit()`` does the same with ``True``. Each call leaves the
singleton one reference short; when a count reaches 0 the interpreter
aborts ("none_dealloc: deallocating None", "bool_dealloc"). pyqtgraph makes
hundreds of such calls per redraw, so a live chart gets there in minutes
(and every other page does, more slowly).

``None``, ``True`` and ``False`` are static objects that are never freed, so
an over-large count is harmless: when the bug is detected, each affected
count is raised once by 2**50, which lasts 35 years at a million lost
references a second (the chart loses about a thousand). CPython 3.12+ makes these objects immortal
(lost references are ignored) and a fixed PySide6 fails the probe: both are
left alone. The app should call ``protect_singletons()`` once at start-up;
the chart calls it too, since it is the heaviest caller. pyproject.toml also excludes
6.12.0, so this only matters where that version is installed anyway.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal

_HEADROOM = 2**50
_PROBES = 16
_done = False


class _Probe(QObject):
    ping = Signal()


def leaking_singletons() -> list[object]:
    """Which of None/True/False lose a reference per PySide6 call here (empty: no bug)."""
    probe = _Probe()
    timer = QTimer()
    singletons = (None, True, False)
    before = [sys.getrefcount(obj) for obj in singletons]
    for _ in range(_PROBES):
        probe.ping.emit()  # returns True
        timer.stop()  # returns void → None
    after = [sys.getrefcount(obj) for obj in singletons]
    return [obj for obj, b, a in zip(singletons, before, after, strict=True)
            if a <= b - _PROBES]


def protect_singletons() -> list[object]:
    """Give leaking singletons enough references to outlive the leak (once per process).

    Returns the singletons that were topped up (empty when there is nothing to do).
    """
    global _done
    if _done:
        return []
    _done = True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return []
    leaking = leaking_singletons()
    if leaking:
        import ctypes  # only where the bug is: ctypes costs a quarter MiB of idle memory
    for obj in leaking:
        # ob_refcnt is the first field of every object in a release build of CPython 3.11
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    return leaking

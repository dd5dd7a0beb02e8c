"""Figures 1 and 2: cold start to first paint, heavy imports before it, idle memory.

Subject: ``switchboard --smoke`` (offscreen, a fresh SWITCHBOARD_HOME each
run). Floor: ``floors/bare_window.py``, a bare PySide6 QMainWindow. Both
print ``first paint: ...`` once their first paint has been processed; the
clock runs in this process from spawn to that line. Then each stays idle
(``SWITCHBOARD_SMOKE_HOLD`` / ``--hold``) while we read its RSS with psutil:
the app one second after its sandbox is listening, the floor one second
after its paint. ``floors/loop_window.py`` (the bare window on the qasync
loop, so with asyncio and OpenSSL loaded) is measured the same way as a
reference: the idle figure's notes say how much of the app's RSS is the loop.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import psutil

from tests.benchmarks.measure import PYTHON, Budget, Figure, qt_env, spawn, switchboard_argv

FLOOR_SCRIPT = Path(__file__).resolve().parent / "floors" / "bare_window.py"
LOOP_SCRIPT = FLOOR_SCRIPT.with_name("loop_window.py")
IDLE_SECONDS = 1.0
HOLD_SECONDS = IDLE_SECONDS + 1.5


def _rss(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss)


class _Runs:
    def __init__(self) -> None:
        self.paint: list[float] = []
        self.paint_floor: list[float] = []
        self.rss: list[float] = []
        self.rss_floor: list[float] = []
        self.rss_loop: list[float] = []
        self.heavy: list[str] = []
        self.heavy_idle: list[str] = []
        self.child_reported: list[float] = []

    def floor(self) -> None:
        self.paint_floor.append(self._idle(FLOOR_SCRIPT, self.rss_floor))

    def loop_reference(self) -> None:
        self._idle(LOOP_SCRIPT, self.rss_loop)

    def _idle(self, script: Path, rss: list[float]) -> float:
        child = spawn([PYTHON, str(script), "--hold", str(HOLD_SECONDS)], env=qt_env())
        try:
            seconds, _line = child.wait_for("first paint:")
            time.sleep(IDLE_SECONDS)  # let the floor's loop go idle as the app's does
            rss.append(_rss(child.process.pid))
        finally:
            child.finish()
        return seconds

    def subject(self) -> None:
        with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
            env = qt_env(SWITCHBOARD_HOME=home, SWITCHBOARD_IMPORT_REPORT="1",
                         SWITCHBOARD_SMOKE_HOLD=str(HOLD_SECONDS))
            child = spawn(switchboard_argv("--smoke"), env=env)
            try:
                seconds, line = child.wait_for("first paint:")
                self.paint.append(seconds)
                self.child_reported.append(float(line.split(":")[1].split()[0]))
                _at, report = child.wait_for("heavy imports at first paint:")
                self.heavy.append(report.split(":", 1)[1].strip())
                child.wait_for("sandbox:")
                _at, idle_report = child.wait_for("heavy imports when idle:")
                self.heavy_idle.append(idle_report.split(":", 1)[1].strip())
                time.sleep(IDLE_SECONDS)  # "idle ~1 s after the sandbox has started"
                self.rss.append(_rss(child.process.pid))
            finally:
                code = child.finish()
            if code != 0:
                raise RuntimeError(f"switchboard --smoke exited {code}")


def measure(runs: int, quick: bool) -> list[Figure]:
    warmup = _Runs()  # one unrecorded round: page cache, .pyc files
    warmup.floor()
    warmup.subject()
    record = _Runs()
    for _ in range(runs):
        record.floor()
        record.loop_reference()
        record.subject()
    floor_rss, loop_rss = statistics.median(record.rss_floor), statistics.median(record.rss_loop)
    heavy_seen = sorted({name for report in record.heavy if report != "none"
                         for name in report.split(", ")})
    return [
        Figure("startup.first_paint", "Cold start to first paint", "s", Budget("ratio", 1.2),
               values=record.paint, floor=record.paint_floor,
               floor_title="bare PySide6 QMainWindow",
               details={"child_reported_s": record.child_reported}),
        Figure("startup.heavy_imports", "Heavy modules imported at first paint", "count",
               Budget("max", 0), values=[float(len(r.split(", "))) if r != "none" else 0.0
                                         for r in record.heavy],
               notes=[f"imported: {', '.join(heavy_seen) or 'none'} "
                      "(of pyqtgraph, aiohttp, phonenumbers, pygments)"],
               details={"reports": record.heavy}),
        Figure("startup.idle_rss", "Idle RSS after start-up", "B", Budget("ratio", 1.3),
               values=record.rss, floor=record.rss_floor,
               floor_title="bare PySide6 QMainWindow",
               notes=["heavy modules imported when idle (the sandbox listens; aiohttp loads "
                      f"for its first client): {', '.join(sorted(set(record.heavy_idle)))}",
                      f"reference: the bare window on the qasync loop (asyncio, OpenSSL) idles "
                      f"at {loop_rss / 2**20:.1f} MiB, {loop_rss / floor_rss:.2f}x the floor"],
               details={"heavy_when_idle": record.heavy_idle,
                        "loop_window_rss": record.rss_loop}),
    ]

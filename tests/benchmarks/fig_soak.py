"""Figure group ``soak``: a working day, compressed, with the real window.

Switchboard is meant to stay open all day beside the editor, so this drives
the real MainWindow over the Sandbox profile (the in-process sandbox, as a
user has it) for ``SOAK_SECONDS`` (600 s; 24 s with ``--quick``):

- the checklist every 5 s (token, whoami, numbers, send and the webhook wait);
- a Composer-style request every 2 s through the profile's client;
- a steady stream of signed webhooks, about 50 a second in lifecycles of three
  (``load_webhooks.py --lifecycle``, its own process);
- the History filter changed every 10 s, the pages switched every 3 s;
- a diagnostic bundle exported every 60 s through the window's own Export
  (preview, Save, the preview closes), the first after 30 s (so that every
  activity has run once before the app counts as warm: the first bundle draws
  the chart off screen and loads the bundle writer, a one-time 20 MiB that is
  not growth).

Every 5 s it samples RSS, Python's allocated blocks, the C heap (glibc's
bytes in use and free: what Qt and RE2 hold, which tracemalloc cannot see),
Qt objects (top-level widgets, the window's widgets and QTimers), open file
descriptors and threads; a 5 ms precise timer measures event-loop lag for the whole run.
After the first minute (a quarter of a quick run) the app is warm: the
budget compares the end with that moment. Once, at that moment and at the
end, it counts live objects by type (``gc``) to name what grew; with
``SOAK_TRACEMALLOC=1`` it also names the source lines whose allocations grew
(tracemalloc from the warm mark).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks.fig_responsiveness import LagProbe
from tests.benchmarks.measure import PYTHON, ROOT, Budget, Figure, percentile

FULL_SECONDS = 600.0
QUICK_SECONDS = 24.0
SAMPLE_EVERY = 5.0
WEBHOOK_RATE = 50.0
FILTERS = ("", "4xx", "status:200", "method:post", "numbers", "whoami token", "")
PAGES = ("Checklist", "Composer", "History", "Webhooks", "Rate limits")
ACTIVITIES = ("webhooks", "checklist", "compose", "filter", "pages", "bundle")
"""``SOAK_ACTIVITIES`` (comma-separated) runs a subset, to find which one makes memory grow."""


def _activities() -> set[str]:
    chosen = {name.strip() for name in os.environ.get("SOAK_ACTIVITIES", "").split(",")
              if name.strip()}
    unknown = chosen - set(ACTIVITIES)
    if unknown:
        raise SystemExit(f"SOAK_ACTIVITIES: unknown {', '.join(sorted(unknown))} "
                         f"(choose from {', '.join(ACTIVITIES)})")
    return chosen or set(ACTIVITIES)


@dataclass(slots=True)
class Sample:
    at: float
    rss: int
    blocks: int
    top_levels: int
    qobjects: int
    timers: int
    fds: int
    threads: int
    c_heap_used: int
    c_heap_free: int


@dataclass(slots=True)
class Activity:
    checklists: int = 0
    requests: int = 0
    filters: int = 0
    bundles: int = 0
    page_switches: int = 0
    errors: list[str] = field(default_factory=list)


def _fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        import psutil

        return psutil.Process().num_fds() if hasattr(psutil.Process(), "num_fds") else 0


def _sample(started: float, window: Any) -> Sample:
    import sys

    import psutil
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    # Widgets and timers, not every QObject: a QObject walk gives each child a Python
    # wrapper, and PySide keeps the wrapper of one Qt deletes by itself (a QTextDocument's
    # frames at each setHtml), so counting every QObject made the count grow.
    return Sample(
        at=time.perf_counter() - started,
        rss=psutil.Process().memory_info().rss,
        blocks=sys.getallocatedblocks(),
        top_levels=len(QApplication.topLevelWidgets()),
        qobjects=len(window.findChildren(QWidget)),
        timers=len(window.findChildren(QTimer)),
        fds=_fds(),
        threads=threading.active_count(),
        **_c_heap(),
    )


def _c_heap() -> dict[str, int]:
    """glibc's count: the C heap's bytes in use (Qt's, RE2's, Python's large blocks) and
    free inside it. Growth in the first is what tracemalloc cannot see; in the second,
    fragmentation. Zero where the allocator cannot say."""
    from desktop.core.memory import c_heap

    used, free = c_heap() or (0, 0)
    return {"c_heap_used": used, "c_heap_free": free}


def _types(window: Any) -> Counter[str]:
    """Live objects by type: Python's (gc) and Qt's (top-level widgets, the window's widgets)."""
    from PySide6.QtWidgets import QApplication, QWidget

    counts = Counter(type(o).__qualname__ for o in gc.get_objects())
    counts.update(f"top-level {type(w).__name__}" for w in QApplication.topLevelWidgets())
    counts.update(f"Qt {o.metaObject().className()}" for o in window.findChildren(QWidget))
    return counts


class HeapGrowth:
    """``SOAK_TRACEMALLOC=1``: tracemalloc from the warm mark, and the source lines whose
    allocations grew most by the end. Off by default: tracing slows every allocation and
    its own bookkeeping adds to the RSS the budget is about."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._warm: Any = None

    def warm(self) -> None:
        if self.enabled:
            import tracemalloc

            tracemalloc.start(1)
            self._warm = tracemalloc.take_snapshot()

    def growers(self, top: int = 8) -> list[str]:
        if self._warm is None:
            return []
        import tracemalloc

        end = tracemalloc.take_snapshot()
        tracemalloc.stop()
        ours = (tracemalloc.Filter(False, tracemalloc.__file__),)
        diff = end.filter_traces(ours).compare_to(self._warm.filter_traces(ours), "lineno")
        return [f"{stat.traceback[0].filename.rsplit('/', 2)[-1]}:{stat.traceback[0].lineno} "
                f"{stat.size_diff / (1 << 20):+.1f} MiB" for stat in diff[:top]
                if stat.size_diff > 0]


async def _every(seconds: float, until: float, action, activity: Activity) -> None:
    """Call ``action`` every ``seconds`` until ``until`` (perf_counter); count its errors."""
    while time.perf_counter() < until:
        try:
            result = action()
            if asyncio.iscoroutine(result):
                await result
        except Exception as exc:  # the soak reports failures, it does not stop on them
            activity.errors.append(f"{type(exc).__name__}: {exc}")
        # Never past the end: the last sample is taken when the working day stops, not
        # up to a minute later, after the last export's memory has been handed back.
        await asyncio.sleep(max(0.0, min(seconds, until - time.perf_counter())))


async def _until(predicate, what: str) -> None:
    """Wait (at most two minutes) for ``predicate()``; the soak records a timeout as an error."""
    try:
        async with asyncio.timeout(120):
            while not predicate():  # noqa: ASYNC110 - an arbitrary predicate, not an event
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise TimeoutError(f"{what}: not within 120 s") from None


async def _poster(url: str, seconds: float, secret: str) -> subprocess.Popen[str]:
    env = dict(os.environ, BENCH_WEBHOOK_SECRET=secret)
    process = subprocess.Popen(  # noqa: ASYNC220 (the pipe is read in a thread below)
        [PYTHON, "-m", "tests.benchmarks.load_webhooks", url, "--rate", str(WEBHOOK_RATE),
         "--seconds", str(seconds), "--lifecycle"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
        None, process.stdout.readline), 60)
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError("the webhook load generator did not start")
    return process


async def _soak(seconds: float) -> dict[str, Any]:
    from desktop.core.client.spec import RequestSpec
    from desktop.core.workspace import Workspace
    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow
    from desktop.ui.services import Services
    from desktop.ui.startup import freeze_startup_objects

    workspace = Workspace()
    workspace.ensure_sandbox_profile()
    ctx = AppContext(workspace)
    window = MainWindow(ctx)
    window.show()
    window.finish_startup()
    services = Services(ctx)
    await services.start()
    profile = workspace.sandbox_profiles()[0]
    ctx.set_active_profile(profile)
    session = ctx.session(profile)
    assert session is not None
    assert ctx.sandbox is not None
    # A day's traffic stays inside the sandbox's rate limit (the chart still gets samples).
    ctx.sandbox.configure(ratelimit_limit=600, ratelimit_window=60)
    receiver = await session.start_receiver()
    assert receiver.url is not None
    client = session.client
    numbers = RequestSpec("GET", client.url_for("/api/core/numbers"))
    await client.send(numbers)
    freeze_startup_objects()
    activity = Activity()
    samples: list[Sample] = []
    warm_at = 60.0 if seconds >= FULL_SECONDS else seconds / 4
    types: dict[str, Counter[str]] = {}
    heap = HeapGrowth(enabled=os.environ.get("SOAK_TRACEMALLOC") == "1")
    started = time.perf_counter()
    until = started + seconds
    probe = LagProbe()
    chosen = _activities()
    poster = None
    if "webhooks" in chosen:
        poster = await _poster(receiver.url.rstrip("/") + "/webhooks", seconds,
                               ctx.sandbox.config.webhook_secret)
        assert poster.stdin is not None
        poster.stdin.write("go\n")
        poster.stdin.flush()
    probe.start()
    checklist = window.page("Checklist")
    history = window.page("History")
    pages = itertools.cycle(PAGES)
    filters = itertools.cycle(FILTERS)
    folder = Path(tempfile.mkdtemp(prefix="soak-bundles-"))

    def run_checklist() -> None:
        task = getattr(checklist, "_task", None)
        if task is not None and not task.done():
            return  # the last run is still waiting for its webhook
        checklist.run()
        activity.checklists += 1

    async def compose() -> None:
        await client.send(numbers)
        activity.requests += 1

    def filter_history() -> None:
        history.filter.setText(next(filters))
        history.apply_filter()
        activity.filters += 1

    def switch_page() -> None:
        window.show_page(next(pages))
        activity.page_switches += 1

    async def export_bundle() -> None:
        """As a user does it: File › Export, wait for the preview, Save, the preview closes."""
        target = folder / f"bundle-{activity.bundles}.zip"
        dialog = window.export_bundle()
        if dialog is None:
            raise RuntimeError("Export diagnostic bundle: nothing to export")
        await _until(lambda: dialog.plan is not None, "the bundle preview")
        dialog.save_to(target)
        await _until(lambda: dialog.saved_to is not None, "the bundle saved")
        target.unlink(missing_ok=True)
        activity.bundles += 1

    def sample() -> None:
        samples.append(_sample(started, window))
        if "warm" not in types and samples[-1].at >= warm_at:
            types["warm"] = _types(window)
            heap.warm()
        probe.restart_clock()  # the harness's own walk over every object is not lag

    schedule = ((SAMPLE_EVERY, sample, "always"), (5.0, run_checklist, "checklist"),
                (2.0, compose, "compose"), (10.0, filter_history, "filter"),
                (3.0, switch_page, "pages"))
    tasks = [asyncio.ensure_future(_every(every, until, action, activity))
             for every, action, name in schedule if name == "always" or name in chosen]
    if "bundle" in chosen:
        await asyncio.sleep(min(30.0, seconds / 4))  # the first bundle before the warm mark
        tasks.append(asyncio.ensure_future(_every(
            60.0 if seconds >= FULL_SECONDS else seconds / 3, until, export_bundle, activity)))
    await asyncio.gather(*tasks)
    lags = probe.stop()
    long_ticks = probe.long_ticks
    samples.append(_sample(started, window))
    types["end"] = _types(window)
    growers = heap.growers()
    out = ""
    if poster is not None:
        out, _ = await asyncio.get_running_loop().run_in_executor(None, poster.communicate)
    received = session.webhook_store.count_total
    history_rows = len(workspace.history)
    window.close()
    await services.stop()
    return {"samples": samples, "lags": lags, "long_ticks": long_ticks, "activity": activity,
            "warm_at": warm_at,
            "types": types, "growers": growers,
            "webhooks": out.strip().splitlines()[-1] if out else "",
            "received": received, "history": history_rows}


def _slope_mib_per_min(samples: list[Sample], since: float) -> float:
    points = [(s.at / 60, s.rss / (1 << 20)) for s in samples if s.at >= since]
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def measure(runs: int, quick: bool) -> list[Figure]:
    """One long run whatever ``runs`` says: the soak is its own repetition."""
    import qasync
    from PySide6.QtWidgets import QApplication

    seconds = float(os.environ.get("SOAK_SECONDS") or (QUICK_SECONDS if quick else FULL_SECONDS))
    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop ends when the soak says, not the window
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(_soak(seconds))
    samples: list[Sample] = result["samples"]
    warm = next(s for s in samples if s.at >= result["warm_at"])
    end = samples[-1]
    activity: Activity = result["activity"]
    grown = result["types"]["end"] - result["types"]["warm"]
    grew = grown.most_common(8)
    qt_grew = [(name, count) for name, count in grown.most_common()
               if name.startswith(("top-level ", "Qt "))][:8]
    lag_p99 = percentile(result["lags"], 99)
    notes = [
        f"{seconds:.0f} s: {activity.checklists} checklist runs, {activity.requests} requests, "
        f"{result['received']:,} webhooks received, {activity.bundles} bundles, "
        f"{activity.filters} filters, {activity.page_switches} page switches; "
        f"{result['history']:,} Exchanges in History",
        f"RSS {samples[0].rss / (1 << 20):.1f} MiB at start, {warm.rss / (1 << 20):.1f} MiB "
        f"after {result['warm_at']:.0f} s, {end.rss / (1 << 20):.1f} MiB at the end",
        f"C heap in use {warm.c_heap_used / (1 << 20):.1f} -> {end.c_heap_used / (1 << 20):.1f}"
        f" MiB, free inside it {warm.c_heap_free / (1 << 20):.1f} -> "
        f"{end.c_heap_free / (1 << 20):.1f} MiB (warm -> end)",
        "grew most (objects by type, warm to end): "
        + (", ".join(f"{name} +{count:,}" for name, count in grew) or "nothing"),
        "Qt objects that grew: "
        + (", ".join(f"{name} +{count:,}" for name, count in qt_grew) or "none"),
    ]
    if result["growers"]:
        notes.append("tracemalloc, top growers warm to end (SOAK_TRACEMALLOC=1; the RSS "
                     "figures include tracing's own cost): " + ", ".join(result["growers"]))
    if activity.errors:
        notes.append(f"{len(activity.errors)} activity errors, first: {activity.errors[0]}")
    details = {"samples": [vars(s) if hasattr(s, "__dict__") else {
        name: getattr(s, name) for name in Sample.__slots__} for s in samples],
        "webhooks": result["webhooks"], "grew": grew, "errors": activity.errors[:20]}

    def growth(name: str) -> float:
        return float(getattr(end, name) - getattr(warm, name))

    return [
        Figure("soak.rss_end_over_warm", "RSS at the end / RSS after the first minute", "x",
               Budget("max", 1.25), values=[end.rss / warm.rss], notes=notes, details=details),
        Figure("soak.rss_slope", "RSS slope after the first minute", "MiB/min",
               Budget("info"), values=[_slope_mib_per_min(samples, result["warm_at"])]),
        Figure("soak.lag_p99", "Event-loop lag p99 over the whole run (5 ms timer)", "ms",
               Budget("max", 16.0), values=[lag_p99],
               notes=[f"worst tick {max(result['lags'], default=0):.0f} ms late; ticks over "
                      f"{LagProbe.LONG_MS:.0f} ms late (at s: ms): "
                      + (", ".join(f"{at:.0f}: {lag:.0f}" for at, lag in result["long_ticks"])
                         or "none")],
               details={"long_ticks": result["long_ticks"]}),
        Figure("soak.python_blocks_growth", "Python allocated blocks, end / warm", "x",
               Budget("info"), values=[end.blocks / max(1, warm.blocks)]),
        Figure("soak.qt_objects_growth", "Qt widgets under the window, end minus warm",
               "count", Budget("max", 50), values=[growth("qobjects")],
               notes=[f"top-level widgets {warm.top_levels} -> {end.top_levels}, timers "
                      f"{warm.timers} -> {end.timers}"]),
        Figure("soak.fds_growth", "Open file descriptors, end minus warm", "count",
               Budget("max", 4), values=[growth("fds")]),
        Figure("soak.threads_growth", "Threads, end minus warm", "count", Budget("max", 2),
               values=[growth("threads")]),
    ]

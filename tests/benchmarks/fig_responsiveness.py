"""Figure 6: event-loop lag under load, with the main window up on the qasync loop.

The app side is this process: QApplication, a qasync loop, the real
MainWindow over a fresh Workspace, the sandbox profile pointed at a
sandbox in its own process (a remote provider), its session's
ProfileClient (every Exchange lands in the History), and its
WebhookReceiver. A 5 ms precise QTimer measures lag: how late each tick
comes. Floor: the same window idle. Subject: waves of 500 concurrent
requests through the ProfileClient for the whole window while another
process (load_webhooks.py) POSTs 1,000 signed webhook events a second to
the receiver. The figure is each window's p99 lag.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time

from tests.benchmarks.measure import PYTHON, ROOT, Budget, Figure, SandboxProcess, percentile

INTERVAL_MS = 5
CONCURRENT = 500
WEBHOOK_RATE = 1000.0


class LagProbe:
    """A 5 ms precise timer; each tick records how much later than 5 ms it came.

    ``long_ticks`` keeps when each tick over ``LONG_MS`` late came (seconds since
    ``start``), so a report can say what the loop was doing then. Work the harness
    itself does on the loop (walking every object to count them) is left out by
    calling ``restart_clock()`` after it: the next tick is timed from there.
    """

    LONG_MS = 100.0

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self.lags: list[float] = []
        self.long_ticks: list[tuple[float, float]] = []
        self._started = self._last = 0.0

    def start(self) -> None:
        self.lags, self.long_ticks = [], []
        self._started = self._last = time.perf_counter()
        self.timer.start()

    def restart_clock(self) -> None:
        self._last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        lag = max(0.0, (now - self._last) * 1000 - INTERVAL_MS)
        self.lags.append(lag)
        if lag > self.LONG_MS:
            self.long_ticks.append((now - self._started, lag))
        self._last = now

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.lags


async def _poster(url: str, seconds: float, secret: str) -> subprocess.Popen[str]:
    """Start the load generator; return once it is connected (our receiver answered it)."""
    env = dict(os.environ, BENCH_WEBHOOK_SECRET=secret)
    # Popen returns at once and the pipe is read in a thread below; qasync's loop has no
    # subprocess support of its own.
    process = subprocess.Popen(  # noqa: ASYNC220
        [PYTHON, "-m", "tests.benchmarks.load_webhooks", url, "--rate", str(WEBHOOK_RATE),
         "--seconds", str(seconds)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
    assert process.stdout is not None
    # Read in a thread: its first POST needs our loop (the receiver) to be running.
    line = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
        None, process.stdout.readline), 60)
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError("the webhook load generator did not start")
    return process


async def _window(app_side, seconds: float, loaded: bool):  # -> (lags, facts)
    probe, client, spec, receiver_url, secret = app_side
    facts: dict[str, float] = {}
    poster = await _poster(receiver_url, seconds, secret) if loaded else None
    if poster is not None:
        assert poster.stdin is not None
        poster.stdin.write("go\n")
        poster.stdin.flush()
    probe.start()
    started = time.perf_counter()
    if loaded:
        done = 0
        statuses: dict[int, int] = {}
        while time.perf_counter() - started < seconds:
            exchanges = await asyncio.gather(*(client.send(spec) for _ in range(CONCURRENT)))
            done += len(exchanges)
            for exchange in exchanges:
                statuses[exchange.status or 0] = statuses.get(exchange.status or 0, 0) + 1
        facts["requests"] = done
        facts["requests_per_s"] = done / (time.perf_counter() - started)
        facts["statuses"] = statuses  # type: ignore[assignment]
    else:
        await asyncio.sleep(seconds)
    lags = probe.stop()
    if poster is not None:
        out, _ = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
            None, poster.communicate), 60)
        facts["webhooks"] = json.loads(out.strip().splitlines()[-1])  # type: ignore[assignment]
    return lags, facts


async def _measure(sandbox_url: str, runs: int, seconds: float):
    from desktop.core.client.spec import RequestSpec
    from desktop.core.secrets import SecretKind
    from desktop.core.workspace import Workspace
    from desktop.sandbox.config import DEMO_CLIENT_SECRET, DEMO_WEBHOOK_SECRET
    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow

    workspace = Workspace()
    profile = workspace.ensure_sandbox_profile()
    assert profile is not None
    workspace.point_sandbox_profiles_at(sandbox_url)
    for sandboxed in workspace.sandbox_profiles():
        workspace.secrets.provide(sandboxed.id, SecretKind.CLIENT_SECRET, DEMO_CLIENT_SECRET)
        workspace.secrets.provide(sandboxed.id, SecretKind.WEBHOOK_SECRET, DEMO_WEBHOOK_SECRET)
    ctx = AppContext(workspace)
    window = MainWindow(ctx)
    window.show()
    profile = workspace.sandbox_profiles()[0]
    ctx.set_active_profile(profile)
    session = ctx.session(profile)
    assert session is not None
    receiver = await session.start_receiver()
    assert receiver.url is not None
    client = session.client
    spec = RequestSpec("GET", client.url_for("/api/core/numbers"))
    await client.send(spec)  # token, first connection
    from desktop.ui import startup

    if hasattr(startup, "freeze_startup_objects"):
        startup.freeze_startup_objects()  # what app.py does once start-up is over
    probe = LagProbe()
    app_side = (probe, client, spec, receiver.url.rstrip("/") + "/webhooks", DEMO_WEBHOOK_SECRET)
    await _window(app_side, min(seconds, 1.0), loaded=True)  # warm-up, not recorded
    values: list[float] = []
    floors: list[float] = []
    maxima: list[float] = []
    facts: list[dict[str, float]] = []
    try:
        for _ in range(runs):
            idle, _ = await _window(app_side, seconds, loaded=False)
            floors.append(percentile(idle, 99))
            busy, fact = await _window(app_side, seconds, loaded=True)
            values.append(percentile(busy, 99))
            maxima.append(max(busy, default=0.0))
            facts.append(fact)
        received = session.webhook_store.count_total
    finally:
        await ctx.sessions.aclose()
        window.close()
    return values, floors, maxima, facts, received, len(workspace.history)


def measure(runs: int, quick: bool) -> list[Figure]:
    import qasync
    from PySide6.QtWidgets import QApplication

    seconds = 1.5 if quick else 4.0
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with SandboxProcess() as sandbox, loop:
        values, floors, maxima, facts, received, history = loop.run_until_complete(
            _measure(sandbox.url, runs, seconds))
    rates = [f["webhooks"]["rate"] for f in facts]  # type: ignore[index]
    requests = [f["requests_per_s"] for f in facts]
    return [Figure(
        "responsiveness.lag_p99", "Event-loop lag p99 under load (5 ms timer)", "ms",
        Budget("max", 30.0), values=values, floor=floors, floor_title="the same window idle",
        notes=[f"{CONCURRENT} concurrent requests in waves: {min(requests):.0f}-"
               f"{max(requests):.0f} requests/s; webhooks achieved {min(rates):.0f}-"
               f"{max(rates):.0f}/s of {WEBHOOK_RATE:.0f}/s; {received:,} events received, "
               f"{history:,} Exchanges in History",
               "worst single tick late per run: " + ", ".join(f"{m:.0f} ms" for m in maxima)],
        details={"facts": facts, "max_lag_ms": maxima, "window_seconds": seconds})]

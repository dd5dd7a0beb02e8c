"""What every benchmark group shares: figures, budgets, interleaved runs, child processes.

A figure is a list of per-run values (seconds, bytes, ...) and, usually, the
same measurement of its *floor* (a bare PySide6 window, plain httpx, an idle
loop) taken in the same process run, interleaved A B A B, so a noisy shared
machine slows both alike and their ratio holds.
"""

from __future__ import annotations

import os
import selectors
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

BudgetKind = Literal["ratio", "max", "min", "info"]


@dataclass(frozen=True, slots=True)
class Budget:
    """``ratio``: median / floor median <= value; ``max``/``min``: the median itself; ``info``."""

    kind: BudgetKind
    value: float = 0.0

    def describe(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"<= {self.value:g}x"
        if self.kind == "max":
            return f"<= {format_value(self.value, unit)}"
        if self.kind == "min":
            return f">= {format_value(self.value, unit)}"
        return "-"


@dataclass(slots=True)
class Figure:
    name: str
    """``group.figure``, e.g. ``startup.first_paint``."""
    title: str
    unit: str
    """``s``, ``ms``, ``B``, ``MB/s``, ``count``."""
    budget: Budget
    values: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_title: str = ""
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        median, floor = self.median, self.floor_median
        if median is None or not floor:
            return None
        return median / floor

    @property
    def passed(self) -> bool | None:
        """None when there is nothing to judge (no values, or an ``info`` figure)."""
        median = self.median
        if median is None or self.budget.kind == "info":
            return None
        if self.budget.kind == "ratio":
            ratio = self.ratio
            return None if ratio is None else ratio <= self.budget.value
        if self.budget.kind == "max":
            return median <= self.budget.value
        return median >= self.budget.value

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["budget"] = {"kind": self.budget.kind, "value": self.budget.value,
                          "text": self.budget.describe(self.unit)}
        data.update(
            median=self.median,
            min=min(self.values) if self.values else None,
            max=max(self.values) if self.values else None,
            floor_median=self.floor_median,
            floor_min=min(self.floor) if self.floor else None,
            floor_max=max(self.floor) if self.floor else None,
            ratio=self.ratio,
            passed=self.passed,
        )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        budget = data["budget"]
        return cls(name=data["name"], title=data["title"], unit=data["unit"],
                   budget=Budget(budget["kind"], budget["value"]), values=list(data["values"]),
                   floor=list(data["floor"]), floor_title=data.get("floor_title", ""),
                   notes=list(data.get("notes", [])), details=dict(data.get("details", {})))


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "B":
        if abs(value) >= 1 << 20:
            return f"{value / (1 << 20):.1f} MiB"
        if abs(value) >= 1 << 10:
            return f"{value / (1 << 10):.2f} KiB"
        return f"{value:.0f} B"
    if unit == "MB/s":
        return f"{value:.1f} MB/s"
    if unit == "count":
        return f"{value:g}"
    return f"{value:g} {unit}"


def interleave(runs: int, subject: Callable[[], float], floor: Callable[[], float] | None,
               *, warmup: bool = False) -> tuple[list[float], list[float]]:
    """Run floor and subject alternately ``runs`` times each (floor first: A B A B ...).

    With ``warmup`` one unrecorded round of each goes first (file caches, JIT-less
    Python's first-import costs), so run 1 is not an outlier by construction.
    """
    if warmup:
        if floor is not None:
            floor()
        subject()
    values: list[float] = []
    floors: list[float] = []
    for _ in range(runs):
        if floor is not None:
            floors.append(floor())
        values.append(subject())
    return values, floors


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100), by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- child processes ---------------------------------------------------------------------------


def qt_env(**extra: str) -> dict[str, str]:
    """The environment for a Qt child: offscreen, unbuffered, the repository importable."""
    env = dict(os.environ)
    # An installed app starts from .pyc files (the warm-up round writes them). With
    # PYTHONDONTWRITEBYTECODE set, every run compiled ~120 modules from source and the
    # start-up figures measured the compiler, not Switchboard (the floor is one file).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@dataclass(slots=True)
class Spawned:
    """A child process and the moment (``perf_counter``) each awaited line appeared."""

    process: subprocess.Popen[bytes]
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)

    def wait_for(self, prefix: str, timeout: float = 60.0) -> tuple[float, str]:
        """Block until a stdout line starts with ``prefix``; (seconds since spawn, line)."""
        for at, line in self.lines:
            if line.startswith(prefix):
                return at - self.started, line
        assert self.process.stdout is not None
        deadline = time.perf_counter() + timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"no line starting {prefix!r} within {timeout:g} s")
                if not selector.select(left):
                    continue
                chunk = os.read(self.process.stdout.fileno(), 65536)
                now = time.perf_counter()
                if not chunk:
                    raise RuntimeError(
                        f"the child exited ({self.process.wait()}) before printing {prefix!r}; "
                        f"its output: {[line for _, line in self.lines]}")
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    self.lines.append((now, line))
                    if line.startswith(prefix):
                        # Later lines in this chunk are kept for the next wait_for.
                        for rest in buffer.split(b"\n")[:-1]:
                            self.lines.append((now, rest.decode("utf-8", "replace")))
                        buffer = b""
                        return now - self.started, line

    def finish(self, timeout: float = 30.0) -> int:
        """Wait for the child to exit (killing it after ``timeout``); its exit code."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()


def spawn(argv: Sequence[str], env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Spawned:
    """Start ``argv`` with stdout piped (stderr discarded); the clock starts just before."""
    started = time.perf_counter()
    process = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, env=env, cwd=cwd or ROOT)
    return Spawned(process, started)


def switchboard_argv(*args: str) -> list[str]:
    """The installed ``switchboard`` command when there is one (what users run), else -m."""
    script = Path(PYTHON).with_name("switchboard")
    if script.exists():
        return [str(script), *args]
    return [PYTHON, "-m", "desktop", *args]


class SandboxProcess:
    """``switchboard sandbox`` in its own process: a server that does not share our CPU time
    slice with the client under test, like a real provider (rate limit raised out of the way)."""

    def __init__(self, *extra: str) -> None:
        import tempfile

        # Open for the sandbox's whole life (closed in close()): its output must not fill a pipe.
        self._log = tempfile.NamedTemporaryFile(prefix="bench-sandbox-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "desktop", "sandbox", "--ratelimit-limit", "1000000000",
             "--ratelimit-window", "1", *extra],
            stdout=self._log, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=qt_env(), cwd=ROOT)
        self.url = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = Path(self._log.name).read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                if line.startswith("Sandbox running at "):
                    return line.removeprefix("Sandbox running at ").strip()
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox exited: {text}")
            time.sleep(0.05)  # polling a child's log, not synchronising our own code
        raise TimeoutError("the sandbox did not start")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Run the performance budget: ``.venv/bin/python -m tests.benchmarks [options]``.

    --quick        fewer runs, smaller data sets (a smoke test of the harness, not a verdict)
    --only NAME    one group (repeatable or comma-separated): startup, checklist, history,
                   bundle, responsiveness, chart, receiver
    --runs N       measured runs per figure (default 5; 1 with --quick)
    --json PATH    where to write the results (default: bench-results.json at the repo root)

Each group runs in its own child process (``--child GROUP``), so Qt, tracemalloc
and the memory of one group never colour another. Prints a table and writes JSON;
exits 1 when a figure misses its budget, 2 when a group could not be measured.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python tests/benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.measure import PYTHON, ROOT, Figure, format_value, qt_env

GROUPS: dict[str, str] = {
    "startup": "tests.benchmarks.fig_startup",
    "checklist": "tests.benchmarks.fig_checklist",
    "history": "tests.benchmarks.fig_history",
    "bundle": "tests.benchmarks.fig_bundle",
    "responsiveness": "tests.benchmarks.fig_responsiveness",
    "chart": "tests.benchmarks.fig_chart",
    "receiver": "tests.benchmarks.fig_receiver",
    "soak": "tests.benchmarks.fig_soak",
}
ALIASES = {"memory": "startup", "start": "startup", "lag": "responsiveness",
           "ratelimits": "chart", "webhooks": "receiver", "flood": "receiver"}
DEFAULT_RUNS = 5
GROUP_TIMEOUT = 900.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks",
                                     description="Switchboard's performance budget.")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs and smaller data sets (checks the harness)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help=f"run only these groups: {', '.join(GROUPS)}")
    parser.add_argument("--runs", type=int, metavar="N",
                        help=f"measured runs per figure (default {DEFAULT_RUNS}, 1 with --quick)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json", metavar="PATH",
                        help="results file (default: bench-results.json at the repository root)")
    parser.add_argument("--child", metavar="GROUP", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def selected_groups(only: list[str]) -> list[str]:
    if not only:
        return list(GROUPS)
    names: list[str] = []
    for item in only:
        for name in filter(None, (part.strip() for part in item.split(","))):
            name = ALIASES.get(name, name)
            if name not in GROUPS:
                raise SystemExit(f"unknown group {name!r}; groups: {', '.join(GROUPS)}")
            if name not in names:
                names.append(name)
    return names


def run_child(group: str, runs: int, quick: bool, out: Path) -> int:
    """Measure one group in this process and write its figures to ``out``."""
    from desktop.ui.pyside_workaround import protect_singletons

    protect_singletons()  # as the app does (PySide6 6.12.0 on CPython 3.11 drops references)
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        os.environ["SWITCHBOARD_HOME"] = home  # never the user's own profiles and history
        module = importlib.import_module(GROUPS[group])
        figures: list[Figure] = module.measure(runs, quick)
    out.write_text(json.dumps([f.to_json() for f in figures]), encoding="utf-8")
    return 0


def run_group(group: str, runs: int, quick: bool) -> tuple[list[Figure], str | None]:
    """Spawn the group's child; its figures, or an error message."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        out = Path(folder) / "figures.json"
        argv = [PYTHON, "-m", "tests.benchmarks.run", "--child", group, "--runs", str(runs),
                "--out", str(out)] + (["--quick"] if quick else [])
        try:
            done = subprocess.run(argv, env=qt_env(), cwd=ROOT, timeout=GROUP_TIMEOUT,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            return [], f"timed out after {GROUP_TIMEOUT:g} s"
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-12:]
            return [], f"exit {done.returncode}: " + " | ".join(tail)
        return [Figure.from_json(item) for item in json.loads(out.read_text("utf-8"))], None


def table(figures: list[Figure], errors: dict[str, str]) -> str:
    header = ("figure", "median", "min", "max", "floor", "ratio", "budget", "result")
    rows = [header]
    for f in figures:
        verdict = {True: "pass", False: "FAIL", None: "info"}[f.passed]
        rows.append((
            f.name,
            format_value(f.median, f.unit),
            format_value(min(f.values), f.unit) if f.values else "-",
            format_value(max(f.values), f.unit) if f.values else "-",
            format_value(f.floor_median, f.unit),
            f"{f.ratio:.2f}x" if f.ratio is not None else "-",
            f.budget.describe(f.unit),
            verdict,
        ))
    for group in errors:
        rows.append((f"{group}.*", "-", "-", "-", "-", "-", "-", "ERROR"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {note}" for f in figures for note in f.notes]
    notes += [f"  {f.name}: floor = {f.floor_title}" for f in figures if f.floor_title]
    notes += [f"  {group}: ERROR {message}" for group, message in errors.items()]
    if notes:
        lines += ["", "notes:", *notes]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count()}
    try:
        info["load_average"] = os.getloadavg()
    except OSError:
        pass
    try:
        from PySide6 import __version__ as pyside

        info["pyside6"] = pyside
    except ImportError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs = args.runs or (1 if args.quick else DEFAULT_RUNS)
    if runs < 1:
        raise SystemExit("--runs must be at least 1")
    if args.child:
        return run_child(args.child, runs, args.quick, args.out)
    groups = selected_groups(args.only)
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    started = datetime.now(UTC)
    for group in groups:
        print(f"measuring {group} ({runs} run{'s' if runs > 1 else ''}"
              f"{', quick' if args.quick else ''}) ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        found, error = run_group(group, runs, args.quick)
        figures += found
        if error is not None:
            errors[group] = error
        print(f"  {group}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    info = machine()
    load = info.get("load_average")
    print(f"{info['cpus']} CPUs, Python {info['python']}, PySide6 {info.get('pyside6', '?')}"
          + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else ""))
    print(table(figures, errors))
    result = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join(["python -m tests.benchmarks", *(argv if argv is not None
                                                               else sys.argv[1:])]),
        "quick": args.quick,
        "runs": runs,
        "machine": info,
        "figures": [f.to_json() for f in figures],
        "errors": errors,
        "passed": not errors and all(f.passed is not False for f in figures),
    }
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}", file=sys.stderr)
    if errors:
        return 2
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

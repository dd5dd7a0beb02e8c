"""The benchmark harness runs: its quick mode measures one cheap figure and writes valid JSON.

Timings are not asserted (they belong to ``python -m tests.benchmarks``, not to the
test-suite); this only proves the harness, its child process and its output work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_mode_measures_the_chart_and_writes_a_judged_figure_as_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--only", "chart", "--json",
         str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode in (0, 1), done.stderr  # 2 would mean the group could not run
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["quick"] is True
    assert result["errors"] == {}
    [figure] = result["figures"]
    assert figure["name"] == "chart.pan_zoom_repaint"
    assert figure["unit"] == "ms"
    assert figure["values"]
    assert all(v >= 0 for v in figure["values"])
    assert figure["floor"]
    assert figure["floor_median"] is not None
    assert figure["budget"] == {"kind": "max", "value": 50.0, "text": "<= 50.0 ms"}
    assert figure["passed"] is (figure["median"] <= 50.0)
    assert "chart.pan_zoom_repaint" in done.stdout  # the table


def test_the_soak_drives_the_window_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SOAK_SECONDS": "8"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--only", "soak", "--json",
         str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode in (0, 1), done.stderr + done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == {}
    names = {figure["name"] for figure in result["figures"]}
    assert names == {"soak.rss_end_over_warm", "soak.rss_slope", "soak.lag_p99",
                     "soak.python_blocks_growth", "soak.qt_objects_growth", "soak.fds_growth",
                     "soak.threads_growth"}
    notes = " ".join(result["figures"][0]["notes"])
    assert "checklist runs" in notes
    assert "webhooks received" in notes
    assert "0 webhooks received" not in notes
    assert " 0 bundles" not in notes  # exported through the window's preview and Save
    assert "activity errors" not in notes


def test_the_readme_tables_are_generated_from_the_results(tmp_path: Path) -> None:
    from tests.benchmarks.readme import END, START, markdown, replace_between

    result = {"command": "python -m tests.benchmarks --only chart", "started": "2026-12-04",
              "quick": False, "machine": {"cpus": 2, "python": "3.11", "load_average": [1, 1, 1]},
              "figures": [{"name": "chart.pan_zoom_repaint", "title": "t", "unit": "ms",
                           "budget": {"kind": "max", "value": 50.0}, "values": [20.0, 30.0],
                           "floor": [10.0], "floor_title": "", "notes": [], "details": {}}]}
    block = markdown([result])
    assert "| chart.pan_zoom_repaint | 25.0 ms | 20.0 ms | 30.0 ms | 10.0 ms | 2.50x |" in block
    assert "`python -m tests.benchmarks --only chart`" in block
    page = f"before\n{START}\nold table\n{END}\nafter\n"
    assert replace_between(page, block) == f"before\n{START}\n{block}\n{END}\nafter\n"


def test_the_floor_windows_paint_and_exit(tmp_path: Path) -> None:
    """Both floors print the line the start-up figure waits for, then exit by themselves."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for script in ("bare_window.py", "loop_window.py"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "benchmarks" / "floors" / script),
             "--hold", "0.1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("first paint: "), script

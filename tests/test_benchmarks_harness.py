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

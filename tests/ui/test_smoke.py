"""``switchboard --smoke``: the whole app starts, paints, idles light and shuts down cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_starts_paints_idles_without_heavy_modules_and_stops_cleanly(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SWITCHBOARD_HOME": str(tmp_path)}
    env.pop("SWITCHBOARD_SMOKE_HOLD", None)
    result = subprocess.run([sys.executable, "-m", "desktop", "--smoke"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"first paint: \d+\.\d{3} s", lines[0])
    assert "heavy imports at first paint: none" in lines
    assert any(re.fullmatch(r"sandbox: http://127\.0\.0\.1:\d+", line) for line in lines)
    # The sandbox listens but loads aiohttp only for its first client.
    assert lines[-1] == "heavy imports when idle: none"
    # Nor hashing, html.entities, uuid or IDNA (idle RSS), even on a first launch.
    assert lines[-2] == "unused modules loaded when idle: none"
    assert result.stderr == ""

"""Profile the window's start-up up to its first paint (a tool, not a figure).

    .venv/bin/pip install pyinstrument      # once; the [bench] extra lists it
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.profile_startup [--html F]

Runs ``switchboard --smoke`` in this process under pyinstrument, stops the
profiler the moment the first paint is reported, and prints the call tree
(or writes HTML). A fresh SWITCHBOARD_HOME is used, like a first launch.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    from pyinstrument import Profiler

    html = Path(sys.argv[sys.argv.index("--html") + 1]) if "--html" in sys.argv else None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["SWITCHBOARD_HOME"] = tempfile.mkdtemp(prefix="bench-profile-")
    os.environ["SWITCHBOARD_IMPORT_REPORT"] = "1"
    profiler = Profiler(interval=0.0005)
    profiler.start()
    import desktop.ui.app as app

    reported = app.heavy_modules_loaded

    def stop_at_first_paint() -> list[str]:
        if profiler.is_running:
            profiler.stop()
        return reported()

    app.heavy_modules_loaded = stop_at_first_paint
    code = app.run_gui(smoke=True, argv=sys.argv[:1])
    if html is not None:
        html.write_text(profiler.output_html(), encoding="utf-8")
        print(f"written to {html}")
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return code


if __name__ == "__main__":
    sys.exit(main())

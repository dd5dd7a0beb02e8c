"""Regenerate resources/screenshot.png (and screenshot-dark.png): the real window, off screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshot.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshot.py --dark

(``xvfb-run -a -s "-screen 0 1400x900x24"`` instead of the offscreen platform works too.)
It starts the app's services like a launch does (one collection saved), breaks
the sandbox with one fault (so the picture shows a diagnosis), runs the checklist and saves the
window. ``--dark`` does what the OS does when the user picks a dark scheme
(an offscreen or Xvfb session has none to pick). Nothing here is used by the
app itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAULT = "number_not_owned"


def main(argv: list[str]) -> int:
    dark = "--dark" in argv
    out = HERE / ("screenshot-dark.png" if dark else "screenshot.png")
    os.environ.setdefault("SWITCHBOARD_HOME", tempfile.mkdtemp(prefix="switchboard-shot-"))
    sys.path.insert(0, str(HERE.parent))
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.core.secrets import SecretStore
    from desktop.core.workspace import Workspace
    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow
    from desktop.ui.services import Services
    from desktop.ui.style import fusion_arguments
    from desktop.ui.theme import theme

    app = QApplication(fusion_arguments(argv[:1]))  # as the app starts itself
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def shoot() -> None:
        workspace = Workspace(secrets=SecretStore(use_keychain=False))
        workspace.ensure_sandbox_profile()
        ctx = AppContext(workspace)
        from tests.ui.collections_helpers import smoke_collection

        smoke_collection(ctx.collections)  # the sidebar shows what saved requests look like
        window = MainWindow(ctx)
        theme().set_dark(dark)
        window.resize(1280, 800)
        window.show()
        services = Services(ctx)
        await services.start()
        ctx.sandbox.faults.set(FAULT, True)
        page = window.show_page("Checklist")
        page.run()
        await asyncio.sleep(0)  # let the page create its run task
        if page._task is not None:
            await page._task
        await asyncio.sleep(0.5)  # one more paint after the last event
        window.grab().save(str(out))
        await services.stop()

    with loop:
        loop.run_until_complete(shoot())
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

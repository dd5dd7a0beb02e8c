"""Start the window on a qasync event loop: one loop for the UI, HTTP, sandbox and receivers."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop import APP_ID, APP_NAME, ORG_NAME, __version__
from desktop.ui.startup import (
    freeze_startup_objects,
    heavy_modules_loaded,
    seconds_since_process_start,
    unused_modules_loaded,
)

if TYPE_CHECKING:
    import asyncio

    from desktop.core.workspace import Workspace
    from desktop.ui.crash import CrashHandler
    from desktop.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)


def _application(argv: list[str]) -> QApplication:
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    from desktop.ui.style import apply_style, fusion_arguments, start_theme

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
        apply_style(app)
    else:
        app = QApplication(fusion_arguments(argv))
    app.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # closing the window starts an orderly async shutdown
    start_theme()  # light or dark from the platform palette, before the first paint
    return app


def run_gui(*, smoke: bool = False, argv: list[str] | None = None) -> int:
    """Open the main window and run until it is closed; returns the exit code.

    The shell window is painted before anything else is imported (asyncio,
    qasync, the core, the log): a newcomer sees the window at bare-Qt speed,
    and the profiles and the current page fill it in a moment later.
    """
    from desktop.ui.qtlog import install_qt_message_handler, uninstall_qt_message_handler

    app = _application(argv if argv is not None else sys.argv)
    install_qt_message_handler()
    from desktop.ui.mainwindow import MainWindow

    window = MainWindow()
    window.show()
    _wait_for_first_paint(window)
    if smoke:
        print(f"first paint: {seconds_since_process_start():.3f} s", flush=True)
    # Start-up budget check (tests/benchmarks): which heavy modules were loaded before the
    # first paint. None should be: they belong after it, imported by whatever needs them.
    if smoke or os.environ.get("SWITCHBOARD_IMPORT_REPORT"):
        print(f"heavy imports at first paint: {', '.join(heavy_modules_loaded()) or 'none'}",
              flush=True)

    import asyncio

    import qasync

    from desktop.core.logsetup import configure_logging
    from desktop.ui.pyside_workaround import protect_singletons

    protect_singletons()  # a few hundred calls before this are far from its limit
    from desktop.ui.qtlog import log_is_ready

    log_path = configure_logging()
    log_is_ready()
    log.info("%s %s starting", APP_NAME, __version__)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(
                _main(app, loop, window, smoke=smoke, log_path=str(log_path)))
    finally:
        asyncio.set_event_loop(None)
        uninstall_qt_message_handler()


def _wait_for_first_paint(window: MainWindow) -> None:
    """Run Qt's own loop until the window has been painted once (no asyncio needed yet)."""
    waiter = QEventLoop()
    window.first_painted.connect(waiter.quit)
    QTimer.singleShot(10_000, waiter.quit)  # a platform that never paints must not hang us
    waiter.exec()


async def _main(app: QApplication, loop: asyncio.AbstractEventLoop, window: MainWindow, *,
                smoke: bool, log_path: str) -> int:
    import asyncio

    from desktop.core.workspace import Workspace
    from desktop.ui.context import AppContext
    from desktop.ui.crash import CrashHandler
    from desktop.ui.services import Services, cancel_pending_tasks

    crash = CrashHandler(lambda: window, log_path)
    crash.install(loop)
    workspace = Workspace()
    workspace.ensure_sandbox_profile()
    ctx = AppContext(workspace)
    window.attach(ctx)
    closed = asyncio.Event()
    window.close_requested.connect(closed.set)
    if smoke:
        print(f"ready: {seconds_since_process_start():.3f} s", flush=True)
    _redact_the_log(workspace, crash)
    await asyncio.sleep(0)  # let the filled-in window paint before the slower work below
    window.finish_startup()
    from PySide6.QtGui import QIcon

    from desktop.ui.assets import window_icon_paths

    icon = QIcon()
    for path in window_icon_paths():
        icon.addFile(str(path))
    app.setWindowIcon(icon)
    window.setWindowIcon(icon)
    services = Services(ctx)
    await services.start()
    freeze_startup_objects()  # after start-up: see its docstring (GC pauses under load)
    if smoke:
        print(f"sandbox: {ctx.sandbox_url or 'not started: ' + str(ctx.sandbox_error)}",
              flush=True)
        # Idle, the sandbox waits for its first client before loading aiohttp (idle RSS).
        print(f"unused modules loaded when idle: {', '.join(unused_modules_loaded()) or 'none'}",
              flush=True)
        print(f"heavy imports when idle: {', '.join(heavy_modules_loaded()) or 'none'}",
              flush=True)
        # The memory benchmark reads the idle app's RSS: stay open this many seconds first.
        hold = float(os.environ.get("SWITCHBOARD_SMOKE_HOLD") or 0)
        QTimer.singleShot(int(hold * 1000), window.close)
    await closed.wait()

    log.info("shutting down")
    window.hide()
    await services.stop()
    await cancel_pending_tasks()
    crash.uninstall()
    window.deleteLater()
    log.info("stopped")
    return 0 if (not smoke or ctx.sandbox is not None or ctx.sandbox_error is None) else 1


def _redact_the_log(workspace: Workspace, crash: CrashHandler) -> None:
    """From here on every log line and crash report passes through the redactor.

    It learns each secret the app reads from the keychain or acquires (tokens)
    as it happens. Installed after the first paint: nothing secret is logged
    before a profile is used, and the redactor's import is not free.
    """
    from desktop.core.logsetup import add_log_filter
    from desktop.core.redact import Redactor, redacting_log_filter

    redactor = Redactor()
    workspace.secrets.known_values.connect(lambda value: redactor.add_secret(value))
    workspace.secrets.tokens_learned.connect(
        lambda token: redactor.add_secret(token, "access_token"))
    add_log_filter(redacting_log_filter(lambda: redactor))
    crash.set_redactor(redactor.redact_text)

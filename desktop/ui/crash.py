"""An unexpected exception anywhere is logged, shown, and the app keeps running.

Qt slots, qasync's @asyncSlot coroutines and tasks started with ``spawn``
all end up here: slots through ``sys.excepthook``, tasks through the
asyncio loop's exception handler or their done-callback.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("desktop.crash")


class CrashHandler(QObject):
    """Shows one dialog at a time; repeats while it is open are counted, not stacked."""

    def __init__(
        self,
        parent_window: Callable[[], QWidget | None],
        log_path: str,
        redact: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self._parent_window = parent_window
        self._redact = redact
        self._log_path = log_path
        self._dialog: QMessageBox | None = None
        self._repeats = 0
        self.reported: list[str] = []
        """One-line summaries of everything reported (tests and the status bar read it)."""
        self._previous_hook = sys.excepthook

    def set_redactor(self, redact: Callable[[str], str]) -> None:
        self._redact = redact

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_exception_handler)

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_hook

    # -- entry points ------------------------------------------------------------------------

    def excepthook(self, kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.report(exc, tb, where="an action")

    def loop_exception_handler(self, loop: asyncio.AbstractEventLoop,
                               context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = context.get("message", "asyncio error")
        if isinstance(exc, asyncio.CancelledError):
            return
        if exc is None:
            log.warning("asyncio: %s", message)
            return
        self.report(exc, exc.__traceback__, where="a background task")

    def report(self, exc: BaseException, tb: TracebackType | None, *, where: str) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        log.error("unexpected error in %s:\n%s", where, text)
        summary = self._redact(f"{type(exc).__name__}: {exc}")
        self.reported.append(summary)
        # Show it from the event loop, never from inside the failing call stack.
        QTimer.singleShot(0, lambda: self._show(summary, where, text))

    # -- the dialog ----------------------------------------------------------------------------

    def _show(self, summary: str, where: str, details: str) -> None:
        if self._dialog is not None and self._dialog.isVisible():
            self._repeats += 1
            self._dialog.setInformativeText(
                f"{self._informative(where)}\n\n{self._repeats} more error(s) since; see the log."
            )
            return
        self._repeats = 0
        dialog = QMessageBox(self._parent_window())
        dialog.setIcon(QMessageBox.Icon.Warning)
        dialog.setWindowTitle("Something went wrong")
        dialog.setText(f"Switchboard hit an unexpected error in {where}:\n{summary}")
        dialog.setInformativeText(self._informative(where))
        dialog.setDetailedText(self._redact(details))
        dialog.setStandardButtons(QMessageBox.StandardButton.Ok)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget_dialog)
        self._dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self._dialog = None

    def _informative(self, where: str) -> str:
        return (f"The details were written to the log ({self._log_path}). Nothing you recorded "
                "was lost and you can keep working.")

    @property
    def dialog(self) -> QMessageBox | None:
        return self._dialog


def spawn(coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
    """Start a task whose failure is reported like any other unexpected error."""
    task = asyncio.ensure_future(coro)
    if name:
        task.set_name(name)

    def done(finished: asyncio.Task[Any]) -> None:
        if finished.cancelled():
            return
        exc = finished.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    task.add_done_callback(done)
    return task

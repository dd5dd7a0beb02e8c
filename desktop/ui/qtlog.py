"""Route Qt's own messages into our log instead of the terminal.

The handler is installed before the first paint, when the log file is not
configured yet (that waits until after the paint): until then messages are
kept, not printed, and handed to the log once it exists.
"""

from __future__ import annotations

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_LEVELS = {
    QtMsgType.QtDebugMsg: 10,
    QtMsgType.QtInfoMsg: 20,
    QtMsgType.QtWarningMsg: 30,
    QtMsgType.QtCriticalMsg: 40,
    QtMsgType.QtFatalMsg: 50,
}
_early: list[tuple[int, str]] | None = []


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, 30)
    if _early is not None:
        _early.append((level, message))
        return
    import logging

    logging.getLogger("qt").log(level, "%s", message)


def install_qt_message_handler() -> None:
    qInstallMessageHandler(_handler)


def log_is_ready() -> None:
    """The log is configured: pass on what Qt said before, and log directly from now on."""
    global _early
    import logging

    early, _early = _early, None
    for level, message in early or ():
        logging.getLogger("qt").log(level, "%s", message)


def uninstall_qt_message_handler() -> None:
    """At exit: Qt may still talk while Python tears down; let it print on its own."""
    qInstallMessageHandler(None)

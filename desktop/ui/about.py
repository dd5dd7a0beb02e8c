"""Help › About: version, versions of what it runs on, where its files are."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME, __version__
from desktop.core.logsetup import log_file
from desktop.core.paths import config_dir


def about_text() -> str:
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>A diagnostic console for messaging (SMS/MMS/Viber) REST API integrations: "
        "checklists in each provider's debugging order, explained errors, signed-webhook "
        "inspection and redacted diagnostic bundles.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
        f"<br>{platform.system()} {platform.release()}</p>"
        f"<p>Profiles: {config_dir()}<br>Log: {log_file()}</p>"
        "<p>Secrets are kept in the OS keychain, never in these folders.</p>"
    )


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setText(about_text())
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box

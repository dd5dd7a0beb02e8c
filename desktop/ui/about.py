"""Help › About: version, versions of what it runs on, where its files and secrets are."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME, __version__
from desktop.core.logsetup import log_file
from desktop.core.paths import config_dir
from desktop.core.window_text import secrets_location
from desktop.ui.widgets.accessible import describe_buttons


def about_text(secrets: str = "") -> str:
    """``secrets``: where the secrets really are (``window_text.secrets_location``)."""
    where = f"<p>{secrets}</p>" if secrets else ""
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>A diagnostic console for messaging (SMS/MMS/Viber) REST API integrations: "
        "checklists in each provider's debugging order, explained errors, signed-webhook "
        "inspection and redacted diagnostic bundles.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
        f"<br>{platform.system()} {platform.release()}</p>"
        f"<p>Profiles: {config_dir()}<br>Log: {log_file()}</p>"
        f"{where}"
        "<p>Help › Keyboard shortcuts lists every key.</p>"
    )


def current_secrets_location(parent: QWidget) -> str:
    """Asks the window's SecretStore (the keychain probe runs now if nothing needed it yet)."""
    ctx = getattr(parent, "ctx", None)
    if ctx is None:
        return "Secrets are kept in the OS keychain when there is one, else in memory only."
    status = ctx.workspace.secrets.status
    return secrets_location(status.available, status.backend)


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setText(about_text(current_secrets_location(parent)))
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    describe_buttons(box, OK="Close the About box")
    box.open()
    return box

"""The look: Fusion with a restrained stylesheet, identical on every platform."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

STYLESHEET = """
#emptyGlyph { font-size: 40px; color: #8a94a6; }
#emptyTitle { font-size: 17px; font-weight: 600; margin-top: 6px; }
#emptyBody { color: #555d6b; font-size: 13px; margin: 4px 0 12px 0; }
#sidebarHeading { font-weight: 600; color: #555d6b; padding: 2px 4px; }
#profileTree { border: none; background: transparent; }
#statusProduction { color: white; background: #c62828; border-radius: 3px; padding: 0 6px;
                    font-weight: 600; }
#statusWarning { color: #8a5300; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(STYLESHEET)

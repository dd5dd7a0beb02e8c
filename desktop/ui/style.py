"""The look: Fusion, with a few labels given their size, weight and colour directly.

No application-wide stylesheet: with one set, Qt routes every widget through
its stylesheet engine, which cost 1.4 MiB of idle memory for a dozen rules
(tests/benchmarks, idle RSS). The few widgets that need a box (a badge, a
banner) carry their own small stylesheet.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

MUTED = "#555d6b"
FAINT = "#8a94a6"
WARNING = "#8a5300"
PRODUCTION_BADGE = ("color: white; background: #c62828; border-radius: 3px; padding: 0 6px;"
                    " font-weight: 600;")


def fusion_arguments(argv: list[str]) -> list[str]:
    """``argv`` for a new QApplication, asking for Fusion unless the user chose a style.

    Asked for this way rather than with ``QApplication.setStyle``: that returns a
    QStyle, and wrapping one makes PySide build all of QStyle's enums (0.4 MiB idle).
    """
    if any(arg == "-style" or arg.startswith("-style=") for arg in argv[1:]):
        return list(argv)
    return [*argv[:1], "-style", "Fusion", *argv[1:]]


def apply_style(app: QApplication) -> None:
    """For an application that already exists (tests, embedding)."""
    app.setStyle("Fusion")


def style_text(label: QLabel, *, pixel_size: int | None = None, bold: bool = False,
               colour: str | None = None) -> QLabel:
    """Size, weight and colour of one label's text; returns the label."""
    if pixel_size is not None or bold:
        font = label.font()
        if pixel_size is not None:
            font.setPixelSize(pixel_size)
        if bold:
            font.setWeight(QFont.Weight.DemiBold)
        label.setFont(font)
    if colour is not None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
        label.setPalette(palette)
    return label


def sidebar_heading(text: str) -> QLabel:
    heading = style_text(QLabel(text), bold=True, colour=MUTED)
    heading.setObjectName("sidebarHeading")
    heading.setContentsMargins(4, 2, 4, 2)
    return heading


def borderless(view: QFrame) -> None:
    """No frame and no background of its own: the view sits on the window's colour."""
    view.setFrameShape(QFrame.Shape.NoFrame)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)


def production_badge(widget: QWidget) -> None:
    widget.setStyleSheet(PRODUCTION_BADGE)

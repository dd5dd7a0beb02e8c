"""The look: Fusion, with a few labels given their size, weight and colour directly.

No application-wide stylesheet: with one set, Qt routes every widget through
its stylesheet engine, which cost 1.4 MiB of idle memory for a dozen rules
(tests/benchmarks, idle RSS). The few widgets that need a box (a badge, a
banner) carry their own small stylesheet. Colours are named by role
(``"muted"``, ``"warn"``) and come from the current scheme (``theme``), so
they follow the OS from light to dark and back.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

from desktop.core.palette import LIGHT, Colours
from desktop.ui.theme import bind

MUTED = LIGHT.muted
FAINT = LIGHT.faint
WARNING = LIGHT.warn
SIDEBAR_MIN_WIDTH = 168
"""The profile list stays readable however narrow the window (names, then the region)."""


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


def start_theme() -> None:
    """Before the first paint: the platform's palette says light or dark (see ``theme``)."""
    from desktop.ui.theme import theme

    theme().follow_palette()


def style_text(label: QLabel, *, pixel_size: int | None = None, bold: bool = False,
               colour: str | None = None) -> QLabel:
    """Size, weight and colour of one label's text; returns the label.

    ``colour`` is a role of ``desktop.core.palette.Colours`` (``"muted"``), followed
    from scheme to scheme; a ``#rrggbb`` value stays that colour in every scheme.
    """
    if pixel_size is not None or bold:
        font = label.font()
        if pixel_size is not None:
            font.setPixelSize(pixel_size)
        if bold:
            font.setWeight(QFont.Weight.DemiBold)
        label.setFont(font)
    if colour is not None:
        def paint(colours: Colours) -> None:
            palette = label.palette()
            value = colour if colour.startswith("#") else getattr(colours, colour)
            palette.setColor(QPalette.ColorRole.WindowText, QColor(value))
            label.setPalette(palette)

        bind(label, paint)
    return label


def sidebar_heading(text: str) -> QLabel:
    heading = style_text(QLabel(text), bold=True, colour="muted")
    heading.setObjectName("sidebarHeading")
    heading.setContentsMargins(4, 2, 4, 2)
    return heading


def borderless(view: QFrame) -> None:
    """No frame and no background of its own: the view sits on the window's colour."""
    view.setFrameShape(QFrame.Shape.NoFrame)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)


FOCUS_RING = ("QAbstractItemView:focus, QTextEdit:focus, QPlainTextEdit:focus"
              " { border: 2px solid palette(highlight); }")
"""Fusion draws no focus on lists, tables and text views: a ring shows where the keyboard is."""
_RING_PROPERTY = "focusRing"


def show_focus_rings() -> None:
    """From now on, a list, table or text view that takes the focus shows a ring.

    Given to each view the first time it gets the focus, not to the pages up front: a style
    sheet in the window at start-up costs idle memory (see the module docstring).
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication) or app.property(_RING_PROPERTY):
        return
    app.setProperty(_RING_PROPERTY, True)
    app.focusChanged.connect(_ring_on_focus)


def _ring_on_focus(_old: QWidget | None, new: QWidget | None) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTextEdit

    if isinstance(new, QAbstractItemView | QTextEdit | QPlainTextEdit) \
            and FOCUS_RING not in new.styleSheet():
        new.setStyleSheet(f"{new.styleSheet()}\n{FOCUS_RING}")


def production_badge_style(colours: Colours) -> str:
    return (f"color: {colours.solid_text}; background: {colours.solid_fail}; border-radius: 3px;"
            " padding: 0 6px; font-weight: 600;")


def production_badge(widget: QWidget) -> None:
    bind(widget, lambda colours: widget.setStyleSheet(production_badge_style(colours)))

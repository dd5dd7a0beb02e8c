"""The window follows the OS colour scheme, live: light or dark, from core's palette.

Before the first paint only the platform palette is read (is its window
colour dark?): asking for the colour scheme itself touches PySide's ``Qt``
namespace, whose first use costs ~16 ms, which the start-up budget keeps
for after the paint. ``follow_system`` then reads
``QStyleHints.colorScheme()`` and follows ``colorSchemeChanged`` (Qt 6.5+).

Every widget that paints a colour of its own (a style sheet, rich text, a
chart pen, a syntax colour) registers with ``bind``: it is called at once
with the current ``Colours`` and again on every change, for as long as the
widget lives. Item models read ``colours()`` when asked for data, and
views repaint when the application palette changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from desktop.core.palette import DARK, LIGHT, Colours, for_scheme


class Theme(QObject):
    changed = Signal(object)
    """The new ``Colours``, after the application palette was set."""

    def __init__(self) -> None:
        super().__init__()
        self.colours: Colours = LIGHT
        self.following = False

    @property
    def dark(self) -> bool:
        return self.colours.dark

    def apply(self, colours: Colours, *, set_palette: bool = True) -> None:
        """Use ``colours`` from now on (no-op when it is already in use)."""
        if colours is self.colours:
            return
        self.colours = colours
        app = QGuiApplication.instance()
        if set_palette and isinstance(app, QGuiApplication):
            QGuiApplication.setPalette(qpalette(colours))
        self.changed.emit(colours)
        _repolish_style_sheets()

    def set_dark(self, dark: bool) -> None:
        self.apply(for_scheme(dark))

    def follow_palette(self) -> None:
        """Before the first paint: dark when the platform's own palette is dark."""
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            window = app.palette().color(QPalette.ColorRole.Window)
            if window.lightness() < 128:
                self.apply(DARK)

    def follow_system(self) -> None:
        """Follow the OS colour scheme from now on (once; safe to call again)."""
        app = QGuiApplication.instance()
        if self.following or not isinstance(app, QGuiApplication):
            return
        self.following = True
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self.scheme_changed)
            self.scheme_changed(hints.colorScheme())

    def scheme_changed(self, scheme: object) -> None:
        """The OS said Light or Dark (Unknown: keep what the palette said)."""
        name = getattr(scheme, "name", str(scheme))
        if name == "Dark":
            self.apply(DARK)
        elif name == "Light":
            self.apply(LIGHT)


def _repolish_style_sheets() -> None:
    """Widgets under a style sheet keep the palette they were polished with: setting the
    sheet again polishes them with the new one (the tables, text views and buttons of
    every page would otherwise stay light in the dark)."""
    from PySide6.QtWidgets import QApplication

    if not isinstance(QApplication.instance(), QApplication):
        return
    for widget in QApplication.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


_theme: Theme | None = None


def theme() -> Theme:
    global _theme
    if _theme is None:
        _theme = Theme()
    return _theme


def colours() -> Colours:
    """The colours in use now."""
    return _theme.colours if _theme is not None else LIGHT


_qcolors: dict[tuple[bool, str], QColor] = {}


def qcolor(name: str) -> QColor:
    """A ``Colours`` field of the current scheme as a QColor (``qcolor("fail")``); cached,
    since item models ask for colours on every paint."""
    current = colours()
    key = (current.dark, name)
    found = _qcolors.get(key)
    if found is None:
        found = _qcolors[key] = QColor(getattr(current, name))
    return found


class _Binder(QObject):
    """Lives as the widget's child, so the connection ends with the widget."""

    def __init__(self, owner: QObject, apply: Callable[[Colours], object]) -> None:
        super().__init__(owner)
        self._apply = apply

    def colours_changed(self, new: Colours) -> None:
        self._apply(new)


def bind(owner: QObject, apply: Callable[[Colours], object]) -> None:
    """Call ``apply(colours)`` now and on every scheme change while ``owner`` lives."""
    apply(colours())
    binder = _Binder(owner, apply)
    theme().changed.connect(binder.colours_changed)


def qpalette(c: Colours) -> QPalette:
    """The application palette of a scheme (Fusion draws its bevels from the same roles)."""
    role = QPalette.ColorRole
    palette = QPalette()
    window, base, text = QColor(c.window), QColor(c.base), QColor(c.text)
    button = QColor(c.button)
    values = {
        role.Window: window, role.WindowText: text, role.Base: base,
        role.AlternateBase: QColor(c.alternate), role.Text: text, role.Button: button,
        role.ButtonText: text, role.BrightText: QColor(c.fail), role.ToolTipBase: base,
        role.ToolTipText: text, role.Highlight: QColor(c.highlight),
        role.HighlightedText: QColor(c.highlighted_text), role.Link: QColor(c.link),
        role.LinkVisited: QColor(c.link), role.PlaceholderText: QColor(c.faint),
        role.Light: button.lighter(130), role.Midlight: button.lighter(115),
        role.Mid: QColor(c.border), role.Dark: button.darker(160),
        role.Shadow: QColor("#000000"),
    }
    for key, colour in values.items():
        palette.setColor(key, colour)
    disabled = QPalette.ColorGroup.Disabled
    for key in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, key, QColor(c.faint))
    palette.setColor(disabled, role.Highlight, QColor(c.border))
    return palette

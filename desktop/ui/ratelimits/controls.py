"""The chart's time-window selector and the Sandbox's rate-limit settings.

The sandbox controls change what the running Sandbox says, not what we
parse: pick a header family, a limit and a window, send a few requests,
and watch the same chart read every dialect end to end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.sandbox.server import Sandbox

SPANS: tuple[tuple[str, float | None, str], ...] = (
    ("Last 5 min", 300.0, "Alt+1"),
    ("Last hour", 3600.0, "Alt+2"),
    ("All", None, "Alt+3"),
)
"""(label, seconds or None for every sample, shortcut) of the time-window selector."""


class SpanSelector(QWidget):
    """Three toggle buttons; a mouse zoom on the chart un-checks them ("custom")."""

    span_chosen = Signal(object)
    """Seconds to follow, or None for all samples."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(QLabel("Show:  "))
        self.group = QButtonGroup(self)
        self.buttons: dict[float | None, QToolButton] = {}
        self.shortcuts: list[QShortcut] = []
        for label, span, keys in SPANS:
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setToolTip(f"Follow {label.lower()} of samples ({keys})")
            button.clicked.connect(lambda _checked=False, s=span: self.choose(s))
            self.group.addButton(button)
            layout.addWidget(button)
            self.buttons[span] = button
        layout.addStretch(1)
        self.show_span(300.0)

    def add_shortcuts(self, scope: QWidget) -> None:
        """Alt+1/2/3 anywhere inside ``scope`` (the page) pick 5 min / 1 h / all."""
        for _label, span, keys in SPANS:
            shortcut = QShortcut(QKeySequence(keys), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=span: self.choose(s))
            self.shortcuts.append(shortcut)

    def choose(self, span: float | None) -> None:
        self.show_span(span)
        self.span_chosen.emit(span)

    def show_span(self, span: float | str | None) -> None:
        """Check the button for ``span``; ``"custom"`` (a mouse zoom) checks none."""
        self.group.setExclusive(False)
        for value, button in self.buttons.items():
            chosen = span != "custom" and value == span
            button.setChecked(chosen)
            font = button.font()
            font.setBold(chosen)  # the chosen span reads as chosen in any scheme, not by shade
            button.setFont(font)
        self.group.setExclusive(True)

    def checked_span(self) -> float | str | None:
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return "custom"


class SandboxControls(QGroupBox):
    """Header family, limit and window of the running Sandbox, applied as they change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sandbox rate limits", parent)
        self.setObjectName("sandboxRateLimits")
        from desktop.sandbox.ratelimit import RATELIMIT_FAMILIES  # light: no aiohttp

        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: label above
        self.family_combo = QComboBox()
        self.family_combo.addItems(list(RATELIMIT_FAMILIES))
        self.family_combo.setToolTip("Which rate-limit headers the Sandbox sends")
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(1, 1_000_000)
        self.limit_spin.setSuffix(" requests")
        self.limit_spin.setToolTip("How many requests the Sandbox allows per window")
        self.window_spin = QSpinBox()
        self.window_spin.setRange(1, 86_400)
        self.window_spin.setSuffix(" s")
        self.window_spin.setToolTip("The Sandbox's rate-limit window, in seconds")
        for spin in (self.limit_spin, self.window_spin):
            spin.setKeyboardTracking(False)  # apply on Enter/focus-out, not per keystroke
            spin.valueChanged.connect(lambda _value: self.apply())
        self.family_combo.currentTextChanged.connect(lambda _text: self.apply())
        form.addRow("Header family", self.family_combo)
        form.addRow("Limit", self.limit_spin)
        form.addRow("Window", self.window_spin)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("sandboxRateLimitsMessage")
        form.addRow(self.message)
        self.sandbox: Sandbox | None = None
        self._disconnect: Callable[[], None] | None = None
        self._syncing = False
        self.setEnabled(False)

    def bind(self, sandbox: Sandbox | None) -> None:
        """Show and edit this running Sandbox's settings (None: disabled)."""
        if self._disconnect is not None:
            self._disconnect()
            self._disconnect = None
        self.sandbox = sandbox
        self.setEnabled(sandbox is not None)
        if sandbox is None:
            self.message.setText("The Sandbox is not running.")
            return
        self.message.setText("Changes apply from the next request.")
        self._disconnect = sandbox.changed.connect(lambda _what: self.sync())
        self.sync()

    def sync(self) -> None:
        """Show the Sandbox's current settings (after a reset or a change made elsewhere)."""
        if self.sandbox is None:
            return
        config = self.sandbox.config
        self._syncing = True
        try:
            self.family_combo.setCurrentText(config.ratelimit_family)
            self.limit_spin.setValue(config.ratelimit_limit)
            self.window_spin.setValue(config.ratelimit_window)
        finally:
            self._syncing = False

    def apply(self) -> None:
        if self._syncing or self.sandbox is None:
            return
        try:
            self.sandbox.configure(ratelimit_family=self.family_combo.currentText(),
                                   ratelimit_limit=self.limit_spin.value(),
                                   ratelimit_window=self.window_spin.value())
        except ValueError as why:
            self.message.setText(str(why))
            self.sync()
            return
        self.message.setText("Changes apply from the next request.")

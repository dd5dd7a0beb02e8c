"""The status bar: a temporary message on the left that the permanent labels never cut off.

``QStatusBar`` gives a message whatever the permanent widgets leave, so on a
small screen "Checklist for Sandbox: stopped at …" lost its end to the
sandbox's and the receiver's addresses. Here the message is measured first:
it gets the room it needs (up to the whole bar but a sliver per permanent
label), and the permanent labels share the rest, the least important giving
way first, each elided with its full text in its tooltip. A message longer
than the bar is elided too, with the full text in its tooltip and in the log.
Menu status tips go the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.ui.style import production_badge, style_text

log = logging.getLogger("desktop.ui.status")

_PADDING = 8
_SLIVER = 36
"""Width a permanent label keeps at the least (a few characters and an ellipsis)."""


class StatusLabel(QLabel):
    """A one-line label that elides to the width it is given; ``text()`` is the full text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self._width: int | None = None
        self.on_change: Callable[[], None] | None = None
        """Called when the text or the visibility changes (the bar shares its width again)."""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self._show()
        if self.on_change is not None:
            self.on_change()

    def setVisible(self, visible: bool) -> None:
        changed = visible == self.isHidden()
        super().setVisible(visible)
        if changed and self.on_change is not None:
            self.on_change()

    def text(self) -> str:
        return self._full

    def setToolTip(self, tip: str) -> None:
        self._tip = tip
        self._show()

    def natural_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self._full) + _PADDING if self._full else 0

    def fit(self, width: int | None) -> None:
        """Show at most ``width`` pixels (None: the whole text). Only a maximum is set: a
        minimum would keep the window from getting narrower (see ``minimumSizeHint``)."""
        self._width = width
        self.setMaximumWidth(16_777_215 if width is None else max(0, width))
        self._show()

    def minimumSizeHint(self) -> QSize:
        """A sliver: the bar shares out the width itself, the window must stay free to shrink."""
        return QSize(min(_SLIVER, self.natural_width()), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        width = self.natural_width() if self._width is None else \
            min(self._width, self.natural_width())
        return QSize(width, super().sizeHint().height())

    @property
    def elided(self) -> bool:
        return super().text() != self._full

    def _show(self) -> None:
        shown = self._full
        if self._width is not None and self._full:
            shown = self.fontMetrics().elidedText(self._full, _elide_right(),
                                                  max(0, self._width - _PADDING))
        super().setText(shown)
        tip = self._tip or (self._full if shown != self._full else "")
        if self._tip and shown != self._full:
            tip = f"{self._full}\n{self._tip}"
        super().setToolTip(tip)


def _elide_right():
    from PySide6.QtCore import Qt

    return Qt.TextElideMode.ElideRight


class StatusBar(QStatusBar):
    """The main window's status bar; ``showMessage`` puts text in ``message``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.message = StatusLabel()
        self.message.setObjectName("statusMessage")
        self.message.setAccessibleName("Status message")
        self.addWidget(self.message, 1)
        self.production_badge = StatusLabel("PRODUCTION")
        self.production_badge.setObjectName("statusProduction")
        production_badge(self.production_badge)
        self.production_badge.hide()
        self.profile_label = StatusLabel()
        self.profile_label.setObjectName("statusProfile")
        self.sandbox_label = StatusLabel("Sandbox: starting…")
        self.sandbox_label.setObjectName("statusSandbox")
        self.receiver_label = StatusLabel("Receiver: off")
        self.receiver_label.setObjectName("statusReceiver")
        self.keychain_label = style_text(StatusLabel(), colour="warn")
        self.keychain_label.setObjectName("statusWarning")
        self.keychain_label.hide()
        # Left to right; the first to give way when room runs out comes first in ``_yield``.
        self.permanent = (self.keychain_label, self.production_badge, self.profile_label,
                          self.sandbox_label, self.receiver_label)
        self._yield = (self.receiver_label, self.sandbox_label, self.profile_label,
                       self.keychain_label, self.production_badge)
        for label in self.permanent:
            self.addPermanentWidget(label)
            label.on_change = self.fit
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)
        self._fitting = False

    # -- the temporary message -----------------------------------------------------------------

    def showMessage(self, text: str, timeout: int = 0) -> None:
        if text:
            log.info("status: %s", text)
        self.message.setText(text)
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()
        self.fit()

    def clearMessage(self) -> None:
        self._timer.stop()
        self.message.setText("")
        self.fit()

    def currentMessage(self) -> str:
        return self.message.text()

    # -- sharing the width -----------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """Give the message its room first; the permanent labels share what is left."""
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit()
        finally:
            self._fitting = False

    def _fit(self) -> None:
        shown = [label for label in self.permanent if not label.isHidden()]
        spacing = 8 * (len(shown) + 1) + 16  # the layout's gaps and the size grip
        room = max(0, self.width() - spacing)
        widths = {label: label.natural_width() for label in shown}
        need = self.message.natural_width()
        message = min(need, max(0, room - _SLIVER * len(shown)))
        left = room - message
        for label in self._yield:
            if label not in widths:
                continue
            excess = sum(widths.values()) - left
            if excess <= 0:
                break
            widths[label] = max(_SLIVER, widths[label] - excess)
        for label in self.permanent:
            width = widths.get(label)
            label.fit(width if width is not None and width < label.natural_width() else None)
        self.message.fit(message if need > message else None)
        self.message.updateGeometry()


class StatusTipRouter(QObject):
    """Menu and action status tips go through ``StatusBar.showMessage`` (QMainWindow would
    hand them to QStatusBar's own, which the permanent labels can cut off)."""

    def __init__(self, window: QWidget, bar: StatusBar) -> None:
        super().__init__(window)
        self._bar = bar
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StatusTip and isinstance(event, QStatusTipEvent):
            self._bar.showMessage(event.tip())
            return True
        return False

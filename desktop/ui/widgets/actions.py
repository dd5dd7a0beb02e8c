"""One way to make a menu, toolbar and context-menu action, and a sidebar button for one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton


def make_action(parent: QObject, text: str, slot: Callable[[], object], tip: str, *,
                icon_text: str = "", keys: Sequence[str] = ()) -> QAction:
    """An action whose status tip and tooltip say what it does (the tooltip with its first
    key), and whose slot is called without Qt's ``checked`` flag."""
    action = QAction(text, parent)
    if icon_text:
        action.setIconText(icon_text)
    if keys:
        action.setShortcuts([QKeySequence(key) for key in keys])
    action.setStatusTip(tip)
    action.setToolTip(f"{tip} ({keys[0]})" if keys else tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def text_tool_button(action: QAction) -> QToolButton:
    """A flat, text-only button for a sidebar toolbar: reachable with Tab (the platform
    default leaves tool buttons out) and described for screen readers by its status tip."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setAccessibleDescription(action.statusTip())
    return button

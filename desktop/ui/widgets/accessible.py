"""Names and descriptions for assistive technology, where Qt cannot find them itself.

Qt names a button by its text and a field by a label whose buddy it is (a
sibling label only), and describes a control by its tooltip. Everything else
needs saying: a field whose label sits in another layout, a list, a table,
a tab bar and its scroll arrows, a dialog's OK and Cancel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)


def describe(widget: QWidget, name: str, description: str) -> QWidget:
    """Set both, for a control a screen reader would otherwise read by its value or not at all."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def describe_tabs(tabs: QTabWidget | QTabBar, name: str, description: str,
                  tips: Sequence[str] = ()) -> None:
    """The tab bar (what takes the focus), each tab and the scroll arrows shown when the tabs
    do not fit. Qt reads a tab bar as its current tab: each tab's tooltip (``tips``, else
    ``description``) is what is read after the tab's name."""
    bar = tabs.tabBar() if isinstance(tabs, QTabWidget) else tabs
    if isinstance(tabs, QTabWidget):
        describe(tabs, name, description)
    describe(bar, name, f"{description} Left and Right arrows switch tabs.")
    for index in range(bar.count()):
        if not bar.tabToolTip(index):
            bar.setTabToolTip(index, tips[index] if index < len(tips) else description)
    for button in bar.findChildren(QToolButton):
        left = "Left" in button.objectName()
        describe(button, f"Scroll {name.lower()} {'left' if left else 'right'}",
                 "Shows the tabs that do not fit")


_ROLE_WORDS = {
    QDialogButtonBox.ButtonRole.AcceptRole: "{text} and close this window",
    QDialogButtonBox.ButtonRole.YesRole: "{text}: go ahead",
    QDialogButtonBox.ButtonRole.RejectRole: "Close this window without changing anything (Esc)",
    QDialogButtonBox.ButtonRole.NoRole: "{text}: do not go ahead",
    QDialogButtonBox.ButtonRole.DestructiveRole: "{text}: this cannot be undone",
    QDialogButtonBox.ButtonRole.ActionRole: "{text}",
}


def describe_buttons(dialog: QWidget, **descriptions: str) -> None:
    """Describe a dialog's standard buttons by what they do; ``descriptions`` maps a button's
    text (without ``&`` and ``…``) to words of its own, for buttons whose role says too
    little. ``dialog`` is the button box itself, or a widget it is already inside."""
    boxes = [dialog] if isinstance(dialog, QDialogButtonBox) else \
        dialog.findChildren(QDialogButtonBox)
    for box in boxes:
        for button in box.buttons():
            _describe_button(button, box.buttonRole(button), descriptions)


def _describe_button(button: QAbstractButton, role: QDialogButtonBox.ButtonRole,
                     descriptions: dict[str, str]) -> None:
    if button.toolTip() or button.accessibleDescription():
        return
    text = button.text().replace("&", "").rstrip("…").strip()
    words = descriptions.get(text) or _ROLE_WORDS.get(role, "{text}")
    button.setAccessibleDescription(words.format(text=text))

"""Copying to the clipboard, and saying "Copied" only when the clipboard really holds it.

A clipboard can refuse (no clipboard manager, a Wayland session without
focus, an empty selection): the status bar must not claim a copy that did
not happen, so each copy is read back before it is announced.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

NOT_COPIED = "Nothing was copied: the clipboard did not accept the text."


def copy_text(text: str) -> bool:
    """Put ``text`` on the clipboard; True only when there is something and it arrived."""
    if not text:
        return False
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
    return clipboard.text() == text

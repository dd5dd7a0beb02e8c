"""Every key the window binds is in Help › Keyboard shortcuts and in docs/shortcuts.md."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence, QShortcut

from desktop.ui.mainwindow import MainWindow
from desktop.ui.shortcuts import SHORTCUTS
from tests.ui.windowwalk import pages

DOC = Path(__file__).resolve().parents[2] / "docs" / "shortcuts.md"
SAME = {"Return": "Enter", "Escape": "Esc", "Del": "Delete"}


def normal(keys: str) -> str:
    return "+".join(SAME.get(part, part) for part in keys.split("+"))


def listed() -> set[str]:
    keys: set[str] = set()
    for text, _where, _what in SHORTCUTS:
        if "…" in text:
            first, last = (part.strip() for part in text.split("…"))
            prefix = first.rstrip("0123456789")
            keys |= {f"{prefix}{n}" for n in range(int(first[len(prefix):]),
                                                   int(last[len(prefix):]) + 1)}
        else:
            keys |= {normal(part.strip()) for part in text.split(",")}
    return keys


def bound(window: MainWindow) -> set[str]:
    sequences: list[QKeySequence] = []
    for action in window.findChildren(QAction):
        sequences += action.shortcuts()
    for _title, page in pages(window):
        sequences += [s.key() for s in page.findChildren(QShortcut)]
    return {normal(s.toString()) for s in sequences if not s.isEmpty()}


def test_every_bound_key_is_listed(main_window: MainWindow, running_sandbox) -> None:
    missing = bound(main_window) - listed()
    assert missing == set()


def test_the_doc_lists_every_row_and_the_dialog_shows_them(qtbot, main_window) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for keys, where, what in SHORTCUTS:
        assert f"| {keys} | {where} | {what} |" in doc
    dialog = main_window.show_shortcuts()
    assert dialog.table.rowCount() == len(SHORTCUTS)
    assert dialog.table.item(0, 0).text() == SHORTCUTS[0][0]
    dialog.close()

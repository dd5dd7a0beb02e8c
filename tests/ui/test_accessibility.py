"""What a screen reader and a keyboard user get: names, descriptions, focus, not colour alone.

The walk works out, by Qt's accessibility rules (what a screen reader reads),
each focusable control's name and description, on every page filled in and
in every dialog. A button named by a glyph (▲) or a field named by its own
value counts as unnamed.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QTabBar, QWidget

from desktop.ui.mainwindow import MainWindow
from desktop.ui.sidebar import KINDS, PROFILE_ID_ROLE
from tests.ui.windowwalk import (
    DIALOGS,
    accessibility_problems,
    accessible_name,
    opened,
    pages,
    populate,
)


@pytest.fixture
def filled(main_window: MainWindow, running_sandbox, qt_loop) -> MainWindow:
    populate(main_window, qt_loop)
    return main_window


def test_every_focusable_control_on_every_page_has_a_name_and_a_description(
        filled: MainWindow) -> None:
    problems = {title: accessibility_problems(page) for title, page in pages(filled)}
    problems["sidebar"] = accessibility_problems(filled.sidebar)
    problems["page tabs"] = [p for p in accessibility_problems(filled)
                             if "qt_tabwidget_tabbar" in p and "pages" in p]
    bar = filled.tabs.tabBar()
    assert [bar.tabToolTip(i) for i in range(bar.count())][:2] == ["Checklist (Ctrl+1)",
                                                                    "Composer (Ctrl+2)"]
    assert {title: found for title, found in problems.items() if found} == {}


def test_every_focusable_control_in_every_dialog_has_a_name_and_a_description(
        filled: MainWindow, qt_loop) -> None:
    problems = {}
    for name in DIALOGS:
        with opened(filled, name, qt_loop) as dialog:
            found = accessibility_problems(dialog)
            if found:
                problems[name] = found
    assert problems == {}


def _unreachable(root: QWidget, where: str) -> list[str]:
    """Visible buttons Tab never lands on (a line edit's clear button and a tab bar's scroll
    arrows are mouse shortcuts for keys that exist: Ctrl+A Del, the arrow keys)."""
    found = []
    for button in root.findChildren(QAbstractButton):
        if isinstance(button.parent(), QLineEdit | QTabBar):
            continue
        if button.isVisibleTo(root) and not button.focusPolicy() & Qt.FocusPolicy.TabFocus:
            found.append(f"{where}: {button.text() or button.objectName()}")
    return found


def test_every_button_can_be_reached_with_tab(filled: MainWindow, qt_loop) -> None:
    unreachable = [found for title, page in pages(filled) for found in _unreachable(page, title)]
    unreachable += _unreachable(filled.sidebar, "sidebar")
    assert unreachable == []


@pytest.mark.parametrize("finder", [
    lambda w: w.page("Checklist").run_button,
    lambda w: w.page("Checklist").faults_button,
    lambda w: w.sidebar.toolbar.findChildren(QAbstractButton)[0],
    lambda w: w.page("Composer").editor.url,
    lambda w: w.page("Composer").editor.method,
    lambda w: w.page("History").table,
], ids=["push button", "tool button", "sidebar button", "line edit", "combo box", "table"])
def test_the_focused_control_is_drawn_differently(filled: MainWindow, qt_loop, finder) -> None:
    widget: QWidget = finder(filled)
    page = widget.window()
    if widget.window() is filled:
        for title in ("Checklist", "Composer", "History"):
            if filled.pages[title].isAncestorOf(widget):
                filled.show_page(title)
    # A keyboard user's focus (Tab, or a shortcut): Qt's styles draw it only for those.
    keyboard = Qt.FocusReason.ShortcutFocusReason
    filled.page("History").filter.setFocus(keyboard)
    QApplication.processEvents()
    before = widget.grab().toImage()
    widget.setFocus(keyboard)
    QApplication.processEvents()
    assert widget.hasFocus(), page
    after = widget.grab().toImage()
    assert before != after, "no visible focus"


def test_a_profiles_kind_is_said_in_words_and_shapes_not_colour_alone(
        filled: MainWindow) -> None:
    sidebar = filled.sidebar
    legend = sidebar.legend.text()
    for glyph, _role, words in KINDS.values():
        assert glyph in legend
        assert words.split(":")[0] in legend
    index = sidebar.tree.currentIndex()
    assert index.data(PROFILE_ID_ROLE)
    assert "built-in sandbox" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "built-in sandbox" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert accessible_name(sidebar.tree) == "Profiles"

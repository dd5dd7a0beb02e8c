"""No page and no dialog opens a stray window or takes the focus from the main window.

The Composer's retry bar once built its countdown without a parent, and the
countdown showed itself: a window of its own appeared on the first visit to
the Composer, the main window lost the focus, and no shortcut worked until
the user clicked back. The window is never activated by hand here
(no ``activateWindow()``): it is active because it was shown, and must stay so.

Offscreen, closing a dialog leaves no window active (a window manager would
hand the focus back), so after the dialogs the test checks which windows
ever became active instead: only the main window and the dialogs it opened.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.ui.mainwindow import PAGE_TITLES
from desktop.ui.widgets.countdown import Countdown
from tests.ui.windowwalk import DIALOGS, opened, populate, settle, visible_top_levels


@pytest.fixture
def focus_log(qapp):
    windows: list[object] = []
    QGuiApplication.instance().focusWindowChanged.connect(windows.append)
    yield windows
    QGuiApplication.instance().focusWindowChanged.disconnect(windows.append)


def test_visiting_every_page_keeps_the_main_window_active_and_alone(
        qtbot, main_window, running_sandbox, qt_loop, focus_log) -> None:
    assert QApplication.activeWindow() is main_window  # shown, never activated by hand
    for title in PAGE_TITLES:
        main_window.show_page(title)
        settle(qt_loop)
        assert visible_top_levels() == [main_window], f"a stray window after {title}"
        assert QApplication.activeWindow() is main_window, f"focus lost on {title}"
    populate(main_window, qt_loop)  # a 429 countdown, charts, dialogs of the webhook page...
    settle(qt_loop)
    assert visible_top_levels() == [main_window]
    assert QApplication.activeWindow() is main_window
    handle = main_window.windowHandle()
    assert all(window in (handle, None) for window in focus_log), focus_log


def test_the_shortcuts_work_after_the_composer_was_visited(qtbot, main_window,
                                                          running_sandbox) -> None:
    main_window.show_page("Composer")
    main_window.show_page("Rate limits")
    QApplication.processEvents()
    QTest.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.tabs.currentWidget() is main_window.pages["Checklist"]
    QTest.keyClick(main_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert main_window.tabs.currentWidget() is main_window.pages["History"]


def test_every_dialog_is_the_only_other_window_and_takes_the_focus_only_while_open(
        qtbot, main_window, running_sandbox, qt_loop, focus_log) -> None:
    populate(main_window, qt_loop)
    allowed = {main_window.windowHandle(), None}
    for name in DIALOGS:
        with opened(main_window, name, qt_loop) as dialog:
            assert dialog.isVisible(), name
            allowed.add(dialog.windowHandle())
            others = [w for w in visible_top_levels() if w not in (main_window, dialog)]
            assert others == [], f"{name} brought along {others}"
            assert QApplication.activeWindow() in (dialog, main_window), name
        assert visible_top_levels() == [main_window], f"{name} left a window behind"
    stray = [window for window in focus_log if window not in allowed]
    assert stray == [], f"windows that took the focus: {stray}"


def test_a_countdown_without_a_parent_never_shows_itself(qtbot) -> None:
    """The cause: a widget must not show itself from its constructor unless it has a parent."""
    countdown = Countdown(keep_visible=True)
    qtbot.addWidget(countdown)
    assert not countdown.isVisible()
    countdown.start(10**10, "a reason")
    assert not countdown.isVisible()
    holder = QWidget()
    qtbot.addWidget(holder)
    countdown.setParent(holder)
    holder.show()
    countdown.start(10**10, "a reason")
    assert countdown.isVisible()
    assert isinstance(countdown, QLabel)

"""Small screens: at 1024×640 and at the 720×720 default nothing squeezes, nothing grows.

Offscreen, the screen is 800×800, so a new window opens at 90% of it
(720×720): the default on a small laptop. Every page is opened, filled in,
at each size: the window stays within the screen, the profile list keeps a
readable width, and no wrapped text is down to a word a line.
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QApplication

from desktop.ui.mainwindow import PAGE_TITLES, MainWindow
from desktop.ui.style import SIDEBAR_MIN_WIDTH
from tests.ui.windowwalk import (
    populate,
    screen_size,
    settle,
    squeezed_labels,
    squeezed_text_views,
)


@pytest.mark.parametrize("size", [(1024, 640), None], ids=["1024x640", "default-720x720"])
def test_every_page_fits_a_small_screen_without_squeezing_text(
        qtbot, main_window: MainWindow, running_sandbox, qt_loop, size) -> None:
    populate(main_window, qt_loop)
    if size is None:
        fresh = MainWindow(main_window.ctx)  # opens at its default size: 90% of the screen
        qtbot.addWidget(fresh)
        fresh.show()
        qtbot.waitExposed(fresh)
        window = fresh
        assert (window.width(), window.height()) == (720, 720)
    else:
        window = main_window
        window.resize(*size)
    # the screen: the offscreen one (800×800), or a 1024×640 one the window fills
    screen_w, screen_h = size or screen_size()
    for title in PAGE_TITLES:
        page = window.show_page(title)
        settle(qt_loop)
        grown = f"{title} grew the window to {window.width()}×{window.height()}"
        assert window.width() <= screen_w, grown
        assert window.height() <= screen_h, grown
        assert window.sidebar.width() >= SIDEBAR_MIN_WIDTH, title
        assert squeezed_labels(page) == [], title
        assert squeezed_text_views(page) == [], title
    assert squeezed_labels(window.sidebar) == []


def test_the_sidebar_cannot_be_dragged_to_nothing(main_window: MainWindow) -> None:
    main_window.resize(720, 720)
    main_window.splitter.setSizes([10, 700])
    QApplication.processEvents()
    assert main_window.sidebar.width() >= SIDEBAR_MIN_WIDTH
    main_window.toggle_sidebar_action.trigger()  # Ctrl+B still hides it altogether
    assert not main_window.sidebar.isVisible()


def test_a_status_message_is_never_cut_off_by_the_permanent_labels(
        qtbot, main_window: MainWindow, running_sandbox, caplog) -> None:
    main_window.resize(720, 720)
    main_window._show_keychain_status()
    bar = main_window.statusBar()
    message = "Checklist for Sandbox: stopped at “Send a test message”."
    with caplog.at_level(logging.INFO, logger="desktop.ui.status"):
        main_window.ctx.say(message)
    QApplication.processEvents()
    label = bar.message
    assert label.text() == message
    assert not label.elided, "the message was cut"
    assert label.width() >= label.fontMetrics().horizontalAdvance(message)
    assert any(message in r.getMessage() for r in caplog.records)
    # the permanent labels gave way, and say the rest in their tooltips
    squeezed = [p for p in bar.permanent if p.isVisible() and p.elided]
    assert squeezed, "at 720 px something had to give way"
    for permanent in squeezed:
        assert permanent.text() in permanent.toolTip()
    # a message longer than the whole bar: elided, the rest in its tooltip and in the log
    long = "A very long status message " * 12
    main_window.ctx.say(long)
    QApplication.processEvents()
    assert label.elided
    assert label.toolTip() == long


def test_the_squeeze_check_catches_a_word_a_line(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    label = QLabel("Window resets at 05:03:03 in 51 s, reset read as delta seconds")
    label.setWordWrap(True)
    layout.addWidget(label)
    holder.resize(70, 400)
    holder.show()
    QApplication.processEvents()
    assert squeezed_labels(holder)
    holder.resize(500, 400)
    QApplication.processEvents()
    assert squeezed_labels(holder) == []


def test_a_long_message_on_a_wide_window_does_not_stop_it_shrinking(
        main_window: MainWindow) -> None:
    main_window.resize(1280, 800)
    QApplication.processEvents()
    main_window.ctx.say("Bundle saved to /home/someone/support/switchboard-Sandbox-2026.zip", 0)
    QApplication.processEvents()
    main_window.resize(720, 640)
    QApplication.processEvents()
    assert (main_window.width(), main_window.height()) == (720, 640)

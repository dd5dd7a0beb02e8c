"""The window as a user first meets it: sidebar, pages, menus, errors, state."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QMessageBox, QPushButton

from desktop.ui.crash import CrashHandler, spawn
from desktop.ui.mainwindow import PAGE_TITLES, MainWindow, page_type

EXPECTED_PAGES = ["Checklist", "Composer", "History", "Webhooks", "Rate limits"]


def test_window_shows_every_page_as_a_tab(main_window: MainWindow) -> None:
    titles = [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())]
    assert titles == EXPECTED_PAGES
    assert list(PAGE_TITLES) == EXPECTED_PAGES
    assert [page_type(title).title for title in PAGE_TITLES] == EXPECTED_PAGES


def test_first_launch_shows_a_ready_sandbox_profile(main_window: MainWindow) -> None:
    profile = main_window.sidebar.selected_profile()
    assert profile is not None
    assert profile.name == "Sandbox"
    assert "Sandbox" in main_window.profile_label.text()
    assert not main_window.production_badge.isVisible()


def test_empty_pages_say_what_they_will_show(main_window: MainWindow) -> None:
    for title in PAGE_TITLES:
        page = main_window.pages[title]
        if not page.showing_empty_state:
            continue
        assert page.empty.title.text(), title
        assert len(page.empty.body.text()) > 40, title


def test_view_shortcuts_switch_pages(qtbot, main_window: MainWindow) -> None:
    actions = {a.text(): a for a in main_window.view_menu.actions()}
    assert actions["History"].shortcut().toString() == "Ctrl+3"
    actions["Webhooks"].trigger()
    assert main_window.tabs.currentWidget() is main_window.pages["Webhooks"]


def test_about_dialog_names_the_version(qtbot, main_window: MainWindow) -> None:
    from desktop import __version__
    from desktop.ui.about import show_about

    box = show_about(main_window)
    qtbot.addWidget(box)
    assert __version__ in box.text()
    box.close()


def test_tab_and_geometry_are_restored_on_the_next_start(qtbot, ctx) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    first.resize(QSize(760, 520))
    first.show_page("History")
    first.save_state()
    first.close()

    second = MainWindow(ctx)
    qtbot.addWidget(second)
    assert second.tabs.currentWidget() is second.pages["History"]
    assert second.size() == QSize(760, 520)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_shown_and_survived(qtbot, main_window, caplog) -> None:
    crash = CrashHandler(lambda: main_window, "switchboard.log")
    crash.install()
    try:
        def broken() -> None:
            raise ValueError("boom in a slot")

        button = QPushButton("break")
        qtbot.addWidget(button)
        button.clicked.connect(broken)
        button.click()
        qtbot.waitUntil(lambda: crash.dialog is not None and crash.dialog.isVisible())
        assert crash.reported == ["ValueError: boom in a slot"]
        assert "boom in a slot" in crash.dialog.text()
        assert any("boom in a slot" in r.getMessage() for r in caplog.records)
        # The app keeps working: the window still switches pages after the error.
        main_window.show_page("Composer")
        assert main_window.tabs.currentWidget() is main_window.pages["Composer"]
        button.click()
        qtbot.waitUntil(lambda: len(crash.reported) == 2)
        qtbot.wait(10)
        assert "1 more error" in crash.dialog.informativeText()
        crash.dialog.button(QMessageBox.StandardButton.Ok).click()
    finally:
        crash.uninstall()


@pytest.mark.qt_no_exception_capture
def test_a_failing_background_task_is_reported(qtbot, main_window) -> None:
    import qasync

    crash = CrashHandler(lambda: main_window, "switchboard.log")
    crash.install()
    loop = qasync.QEventLoop(already_running=False)
    try:
        async def failing() -> None:
            await asyncio.sleep(0)
            raise RuntimeError("task broke")

        async def main() -> None:
            task = spawn(failing(), name="failing")
            with pytest.raises(RuntimeError):
                await task
            await asyncio.sleep(0.01)

        loop.run_until_complete(main())
        assert crash.reported == ["RuntimeError: task broke"]
    finally:
        crash.uninstall()
        loop.close()


def test_a_sandbox_that_cannot_load_says_so_in_the_status_bar(
        main_window: MainWindow, ctx, qt_loop, monkeypatch) -> None:
    """The window's sandbox loads its server on the first request; if that fails, the status
    bar stops showing an address nobody answers on and says why, and nothing raises."""
    import httpx

    from desktop.sandbox.server import Sandbox
    from desktop.ui.services import Services

    async def broken(self, sock):
        raise RuntimeError("no aiohttp today")

    monkeypatch.setattr(Sandbox, "_serve", broken)
    services = Services(ctx)
    qt_loop.run(services.start())
    url = ctx.sandbox_url
    assert main_window.sandbox_label.text() == f"Sandbox: {url}"

    async def first_request() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            with pytest.raises(httpx.TransportError):
                await http.get("/__sandbox")

    try:
        qt_loop.run(first_request())
        assert ctx.sandbox_url is None
        assert main_window.sandbox_label.text() == "Sandbox: failed to start"
        assert main_window.sandbox_label.toolTip() == "RuntimeError: no aiohttp today"
    finally:
        qt_loop.run(services.stop())

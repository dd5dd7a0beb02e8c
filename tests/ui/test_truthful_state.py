"""State that tells the truth, and panes that show what they exist to show.

Each test is one thing a newcomer saw that was not so: a full blue bar after
a failed run, "token fresh" beside a 401, last request's answer beside a new
one, an About box promising a keychain that is not there, "1 fault on"
without its name, "Copied" when nothing was, a forecast while idle, a burst
counter disagreeing with its Send box, a bundle preview hiding its
redactions off to the right, a blank table for a filter that matches nothing.
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from desktop.core.client.spec import RequestSpec
from desktop.core.palette import LIGHT
from desktop.core.ratelimit import RateLimitSample, RateLimitSeries
from desktop.ui.mainwindow import MainWindow


@pytest.fixture
def failed_run(main_window: MainWindow, running_sandbox, qt_loop):
    running_sandbox.faults.set("number_not_owned", True)
    page = main_window.show_page("Checklist")
    page.run()
    qt_loop.until(lambda: page._task is not None and page._task.done(), message="the run")
    return page


def wait_answer(page, qt_loop) -> None:
    page.send()
    qt_loop.until(lambda: not page.sender.busy and page.shown_exchange is not None,
                  message="an answer")


# -- 2. state that tells the truth ---------------------------------------------------------------


def test_a_failed_run_shows_what_passed_failed_and_was_skipped_in_the_failure_colour(
        failed_run) -> None:
    progress = failed_run.progress
    assert progress.state == "failed"
    assert progress.text() == "Stopped at step 4 of 5: 3 passed, 1 failed, 1 skipped"
    assert LIGHT.fail in progress.label.styleSheet()
    assert progress.accessibleDescription() == progress.text()


def test_the_sandbox_button_names_the_fault_that_is_on(failed_run) -> None:
    assert failed_run.faults_button.text() == "Sandbox fault: number not owned"
    assert "number not owned" in failed_run.faults_button.toolTip()


def test_the_auth_line_never_says_fresh_next_to_a_401(main_window, running_sandbox,
                                                      qt_loop) -> None:
    page = main_window.show_page("Composer")
    running_sandbox.faults.set("expired_token", True)
    page.editor.url.setText("/api/core/whoami")
    wait_answer(page, qt_loop)
    assert page.response.status.text() == "401 Unauthorized"
    auth = page.editor.auth_label.text()
    assert "fresh" not in auth
    assert "refused with 401 at" in auth


def test_the_auth_line_says_when_credentials_will_not_go_to_the_host(
        main_window, running_sandbox, qt_loop) -> None:
    page = main_window.show_page("Composer")
    page.editor.url.setText("https://elsewhere.example.test/api/core/whoami")
    page.lint_now()
    auth = page.editor.auth_label.text()
    assert auth.startswith("Not sent to elsewhere.example.test")
    page.editor.attach_auth.setChecked(False)
    page.lint_now()
    assert page.editor.auth_label.text().startswith("Not attached")


def test_a_new_or_imported_request_clears_the_previous_answer(main_window, running_sandbox,
                                                              qt_loop) -> None:
    page = main_window.show_page("Composer")
    page.editor.url.setText("/api/core/whoami")
    wait_answer(page, qt_loop)
    assert page.response.status.text() == "200 OK"
    page.use_template(page.provider.endpoints[0])
    assert page.response.status.text() == "No response yet"
    assert page.shown_exchange is None
    page.new_request(RequestSpec("GET", "/api/core/whoami"))
    wait_answer(page, qt_loop)
    assert page.response.status.text() == "200 OK"
    dialog = page.curl.import_dialog("curl https://api.example.test/v1/other")
    dialog.accept()
    assert page.response.status.text() == "No response yet"
    assert page.editor.url.text() == "https://api.example.test/v1/other"


def test_the_about_box_says_secrets_are_in_memory_when_there_is_no_keychain(
        main_window) -> None:
    from desktop.ui.about import show_about

    box = show_about(main_window)
    text = box.text()
    box.close()
    assert "in memory for this session only" in text
    assert "Secrets are kept in the OS keychain" not in text


def test_copied_is_said_only_when_something_was_copied(main_window, running_sandbox,
                                                       monkeypatch) -> None:
    bar = main_window.statusBar()
    composer = main_window.show_page("Composer")
    composer.curl.copy(with_secrets=False)  # nothing typed yet
    assert bar.currentMessage() == "Nothing to copy: type a URL or pick a template first."
    hooks = main_window.show_page("Webhooks")
    hooks.receiver_panel.copy_url()  # not listening: no URL
    assert bar.currentMessage() == "Nothing to copy: the receiver is not listening."
    # a clipboard that refuses the text
    clipboard = QGuiApplication.clipboard()
    monkeypatch.setattr(type(clipboard), "text", lambda self, *a: "")
    composer.editor.url.setText("/api/core/whoami")
    composer.curl.copy(with_secrets=False)
    assert bar.currentMessage() == "Nothing was copied: the clipboard did not accept the text."
    main_window.page("Checklist").escalation.copy()
    assert not bar.currentMessage().startswith("Copied")


# -- 3. rate limits ----------------------------------------------------------------------------


def test_the_burst_counter_totals_what_the_send_box_says(qtbot, ctx) -> None:
    from desktop.ui.ratelimits.burst import BurstPanel

    panel = BurstPanel()
    qtbot.addWidget(panel)
    count = panel.count_spin.value()
    assert panel.progress.maximum() == count
    assert panel.progress.text() == f"0 of {count} answered"
    panel.count_spin.setValue(25)
    assert panel.progress.text() == "0 of 25 answered"


def test_no_forecast_is_shown_while_idle(qtbot) -> None:
    from desktop.ui.ratelimits.header import HeaderStrip

    strip = HeaderStrip()
    qtbot.addWidget(strip)
    series = RateLimitSeries()
    t0 = 1_700_000_000.0
    for at, remaining in ((0.0, 59), (0.01, 58), (0.02, 57)):
        series.append(RateLimitSample(at=t0 + at, status=200, limit=60, remaining=remaining,
                                      reset_at=t0 + 60))
    strip.update_from(series, None, t0 + 30)
    assert strip.remaining_label.text() == "57 / 60"
    assert strip.forecast_label.isHidden()


# -- 4. panes that show what they exist to show --------------------------------------------------


@pytest.fixture
def preview(failed_run, main_window, qt_loop):
    dialog = main_window.export_bundle()
    qt_loop.until(lambda: dialog.plan is not None, message="the bundle plan")
    yield dialog
    dialog.reject()


def choose(dialog, name: str) -> None:
    item = next(dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
                if dialog.tree.topLevelItem(i).text(0) == name)
    dialog.tree.setCurrentItem(item)
    QApplication.processEvents()


def test_the_bundle_preview_indents_har_and_wraps_so_every_redaction_is_on_screen(
        preview) -> None:
    choose(preview, "har.json")
    text = preview.text.toPlainText()
    assert text.startswith("{\n  \"log\": {")
    assert preview.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    markers = preview.plan.file("har.json").markers()
    assert len(preview.text.extraSelections()) == len(markers) > 0
    assert all(s.cursor.selectedText().startswith(("[REDACTED", "%5BREDACTED", "+", "*"))
               for s in preview.text.extraSelections())
    assert "compact" in preview.file_label.text()


def test_the_bundle_preview_renders_the_summary_as_markdown(preview) -> None:
    choose(preview, "summary.md")
    assert preview.stack.currentWidget() is preview.markdown
    source = preview.plan.file("summary.md").text
    shown = preview.markdown.toPlainText()
    heading = next(line for line in source.splitlines() if line.startswith("#"))
    assert heading.lstrip("# ") in shown
    assert heading not in shown  # rendered, not the '#' source
    assert len(preview.markdown.extraSelections()) == len(
        preview.plan.file("summary.md").markers())


def test_history_says_when_a_filter_matches_nothing_and_shows_a_detail(
        main_window, running_sandbox, qt_loop) -> None:
    composer = main_window.show_page("Composer")
    composer.editor.url.setText("/api/core/whoami")
    wait_answer(composer, qt_loop)
    page = main_window.show_page("History")
    assert "Select a request" in page.detail.toPlainText()
    page.filter.setText("xyz")
    page.apply_filter()
    assert page.showing_no_match
    assert page.no_match.title.text() == "No exchange matches “xyz”."
    page.filter.clear()
    page.apply_filter()
    assert not page.showing_no_match
    page.table.selectRow(0)
    detail = page.detail.toPlainText()
    exchange = page.model.exchange_at(0)
    assert f"{exchange.request.method} {exchange.request.url}" in detail
    assert "Open in the Composer" in detail
    shown = page.model.data(page.model.index(0, 0))
    assert len(shown) == len("2024-01-01 12:00:00")
    assert shown[4] == "-"


def test_empty_detail_panes_say_what_to_select(main_window, running_sandbox) -> None:
    hooks = main_window.show_page("Webhooks")
    assert "Select an event" in hooks.detail.verdict.toPlainText()
    assert hooks.detail.body.placeholderText()
    checklist = main_window.show_page("Checklist")
    checklist.detail.show_result(-1, None)
    assert "Select a step" in checklist.detail.browser.toPlainText()


def test_message_ids_are_shown_whole_where_there_is_room(main_window, running_sandbox,
                                                         qt_loop) -> None:
    from tests.ui.windowwalk import populate

    populate(main_window, qt_loop)
    hooks = main_window.show_page("Webhooks")
    qt_loop.until(lambda: hooks.lifecycle.model.rowCount() > 0, message="the lifecycles")
    assert hooks.table.textElideMode() == Qt.TextElideMode.ElideRight
    message_id = hooks.model.events[-1].message_id
    metrics = hooks.table.fontMetrics()
    column = hooks.table.horizontalHeader().sectionSize(3)
    assert column >= metrics.horizontalAdvance(message_id)
    lifecycle = hooks.lifecycle.table.horizontalHeader().sectionSize(0)
    assert lifecycle >= metrics.horizontalAdvance(message_id)


def test_the_webhooks_next_advice_is_never_inside_a_scroll_area(main_window,
                                                                running_sandbox) -> None:
    from PySide6.QtWidgets import QAbstractScrollArea

    detail = main_window.show_page("Webhooks").detail
    parent = detail.next_label.parentWidget()
    while parent is not None:
        assert not isinstance(parent, QAbstractScrollArea)
        parent = parent.parentWidget()


def test_status_messages_are_logged_in_full(main_window, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="desktop.ui.status"):
        main_window.ctx.say("Bundle saved to /a/very/long/path/that/may/not/fit/bundle.zip")
    assert any("bundle.zip" in r.getMessage() for r in caplog.records)

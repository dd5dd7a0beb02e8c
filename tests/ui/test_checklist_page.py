"""The Checklist page driven like a user: run, watch each step, break the sandbox, re-run."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.checklist.model import StepStatus


@pytest.fixture
def page(main_window, running_sandbox):
    page = main_window.show_page("Checklist")
    page.on_profile_changed(main_window.ctx.active_profile)
    return page


def run_to_end(page, qt_loop) -> None:
    page.run()
    qt_loop.until(lambda: page._task is not None and page._task.done(), message="run end")


def statuses(page) -> list[StepStatus]:
    return [r.status for r in page.model.results]


def test_the_page_lists_the_provider_steps_before_a_run(page) -> None:
    assert [r.step.id for r in page.model.results] == ["token", "whoami", "numbers", "send",
                                                      "webhook"]
    assert all(s is StepStatus.PENDING for s in statuses(page))
    assert page.run_button.text() == "Run checklist"
    assert not page.rerun_button.isEnabled()


def test_a_run_against_the_sandbox_passes_every_step(page, qt_loop) -> None:
    run_to_end(page, qt_loop)
    assert statuses(page) == [StepStatus.PASS] * 5
    assert page.progress.value() == 5
    facts = page.escalation.view.toPlainText()
    assert "POST /api/core/messages/send" in facts
    assert "msg_" in facts
    assert page.model.data(page.model.index(0, 0)) == "✓"


def test_breaking_the_sandbox_shows_the_failure_and_its_causes(page, qt_loop) -> None:
    page.faults_button.actions_by_name["bad_secret"].trigger()
    assert page.ctx.sandbox.faults.is_on("bad_secret")
    run_to_end(page, qt_loop)
    assert statuses(page) == [StepStatus.FAIL] + [StepStatus.SKIPPED] * 4
    detail = page.detail.browser.toPlainText()
    assert "client credentials were not accepted" in detail
    assert "Likely causes" in detail
    assert "Next:" in detail
    assert page.rerun_button.isEnabled()

    page.faults_button.actions_by_name["bad_secret"].trigger()
    page.rerun_from_failed()
    qt_loop.until(lambda: page._task.done(), message="re-run")
    assert statuses(page) == [StepStatus.PASS] * 5


def test_a_request_link_opens_the_exchange_in_the_composer(page, qt_loop, main_window) -> None:
    opened = []
    page.ctx.open_exchange.connect(opened.append)
    run_to_end(page, qt_loop)
    page.select_row(0)
    exchange = page.model.results[0].exchanges[0]
    page.detail.exchange_requested.emit(exchange.id)
    assert opened == [exchange]
    assert main_window.tabs.currentWidget() is main_window.pages["Composer"]


def test_copying_escalation_facts_never_includes_the_secret(page, qt_loop) -> None:
    run_to_end(page, qt_loop)
    text = page.escalation.copy()
    assert "Request id" in text
    assert QApplication.clipboard().text() == text
    assert "sandbox-secret" not in text


def test_a_production_send_asks_first_and_declining_skips_it(qtbot, main_window, ctx, qt_loop,
                                                            running_sandbox) -> None:
    from dataclasses import replace

    from desktop.core.secrets import SecretKind

    sandbox_profile = ctx.active_profile
    production = ctx.workspace.profiles.add(replace(
        sandbox_profile, name="Red Cloud prod", provider="redcloud", environment="production",
        id="prod-profile"))
    ctx.workspace.secrets.provide(production.id, SecretKind.CLIENT_SECRET, "sandbox-secret")
    ctx.set_active_profile(production)
    page = main_window.show_page("Checklist")
    page.run()
    qt_loop.until(lambda: getattr(page, "confirmation_box", None) is not None
                  and page.confirmation_box.isVisible(), message="confirmation")
    box = page.confirmation_box
    assert "+14155550123" in box.informativeText()
    assert "PRODUCTION" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    qt_loop.until(lambda: page._task.done(), message="run end")
    send = next(r for r in page.model.results if r.step.id == "send")
    assert send.status is StepStatus.SKIPPED
    assert running_sandbox.state.messages == [] or len(running_sandbox.state.messages) == 0


def test_stop_cancels_a_running_checklist(page, qt_loop) -> None:
    page.ctx.sandbox.faults.set("slow", True)
    page.run()
    qt_loop.until(lambda: any(s is StepStatus.RUNNING for s in statuses(page)),
                  message="a running step")
    assert page.run_button.text() == "Stop"
    page.stop()
    qt_loop.until(lambda: page._task.done(), message="cancelled")
    assert page.run_button.text() == "Run checklist"
    page.ctx.sandbox.faults.set("slow", False)


def test_a_run_uses_the_profile_as_it_is_now_not_as_the_page_first_saw_it(
        main_window, ctx, qt_loop) -> None:
    """The sandbox profile gets its base URL after the window opens (the sandbox starts
    after the first paint): the first run must use it."""
    from desktop.ui.services import Services

    page = main_window.show_page("Checklist")
    assert ctx.active_profile.base_url == ""  # the page saw the profile before the sandbox
    services = Services(ctx)
    qt_loop.run(services.start())
    try:
        run_to_end(page, qt_loop)
        assert statuses(page) == [StepStatus.PASS] * 5
        assert page.runs[ctx.active_profile.id].base_url == ctx.sandbox.url
    finally:
        qt_loop.run(services.stop())


def test_a_secret_a_server_echoes_into_a_finding_is_not_shown(page, qt_loop) -> None:
    """A hostile token endpoint that quotes the client secret in its error: the detail pane
    shows the finding through the profile's redactor, as the CLI prints it."""
    import dataclasses

    secret = page.ctx.sandbox.config.client_secret
    page.faults_button.actions_by_name["bad_secret"].trigger()
    run_to_end(page, qt_loop)
    result = page.model.results[0]
    assert result.status is StepStatus.FAIL
    assert result.finding is not None
    result.finding = dataclasses.replace(
        result.finding, evidence=f'401 {{"error": "invalid_client", "got": "{secret}"}}',
        causes=(f"the secret {secret.upper()} is not this client's",))
    result.summary = f"refused {secret}"
    page.select_row(0)
    shown = page.detail.browser.toPlainText()
    assert "invalid_client" in shown
    assert secret.lower() not in shown.lower()
    assert "[REDACTED:client_secret]" in shown

"""The Composer driven like a newcomer against the real sandbox over loopback.

Compose, see lint before sending, fix in one click, send, read the answer
explained; then the failures: a 401, a token that cannot be had, a cancel
in flight, a 429 with its countdown and automatic retry.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from desktop.core.exchange import ErrorKind
from desktop.core.finding import Severity

GOOD_SMS = {"sendFrom": "num_sbx_0142", "to": ["+12025550123"], "messageType": "SMS",
            "text": "Hello from the composer"}


@pytest.fixture
def page(main_window, running_sandbox, qt_loop):
    page = main_window.show_page("Composer")
    # Keyboard shortcuts go to the active window, as when a user works in it.
    main_window.activateWindow()
    qt_loop.until(lambda: page.isVisible() and main_window.isActiveWindow(),
                  message="the Composer on screen, its window active")
    return page


def compose(page, method: str, path: str, headers=(), body: object | None = None) -> None:
    editor = page.editor
    editor.method.setCurrentText(method)
    editor.url.setText(path)
    for name, value in headers:
        editor.headers.add_row(name, value)
    editor.body.edit.setPlainText("" if body is None else json.dumps(body, indent=2))


def send_and_wait(page, qt_loop) -> None:
    page.send()
    qt_loop.until(lambda: not page.sender.busy, message="the send to finish")


def findings_text(view) -> str:
    """Every label of the Findings tab, as a screenshot would show them."""
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in view.findings.findChildren(QLabel))


def lint_codes(page) -> list[str]:
    return [f.code for f in page.lint.findings]


def test_missing_idempotency_key_is_linted_fixed_in_one_click_then_sent_and_recorded(
        page, main_window, qt_loop) -> None:
    compose(page, "POST", "/api/core/messages/send", [("Content-Type", "application/json")],
            GOOD_SMS)
    # Lint runs by itself once typing pauses.
    qt_loop.until(lambda: any("idempotency" in code for code in lint_codes(page)),
                  message="the Idempotency-Key finding")
    finding = next(f for f in page.lint.findings if "idempotency" in f.code)
    assert finding.severity is Severity.ERROR
    assert page.send_button.isEnabled()
    [fix] = page.lint.fix_buttons()
    assert fix.text() == "Generate Idempotency-Key"

    fix.click()
    key = page.editor.spec().header("Idempotency-Key")
    assert key is not None
    assert len(key) == 36
    assert not any("idempotency" in code for code in lint_codes(page))

    send_and_wait(page, qt_loop)
    response = page.response
    assert response.status.text() == "202 Accepted"
    exchange = page.shown_exchange
    assert exchange.request.header("Idempotency-Key") == key
    assert exchange.request_id
    assert exchange.request_id.startswith("req_")
    assert exchange.request_id in response.request_id.text()
    response.copy_id_button.click()
    assert QGuiApplication.clipboard().text() == exchange.request_id

    history = main_window.pages["History"]
    model = history.model
    qt_loop.until(lambda: model.rowCount() >= 2, message="the history rows")
    last = model.exchange_at(model.rowCount() - 1)
    assert last is exchange
    assert model.data(model.index(model.rowCount() - 1, 4)) == "202"
    assert not history.showing_empty_state


def test_ctrl_enter_sends_and_the_auth_line_describes_the_token_not_shows_it(
        page, main_window, qt_loop) -> None:
    compose(page, "GET", "/api/core/whoami")
    QTest.keyClick(page.editor.url, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qt_loop.until(lambda: page.shown_exchange is not None and not page.sender.busy,
                  message="Ctrl+Enter to send")
    assert page.response.status.text() == "200 OK"
    auth = page.editor.auth_label.text()
    assert auth.startswith("Bearer (token fresh")
    token = page.ctx.session().client.auth.token
    assert token
    assert token not in auth


def test_a_401_is_explained_in_the_findings_panel(page, running_sandbox, qt_loop) -> None:
    running_sandbox.faults.set("expired_token", True)
    compose(page, "GET", "/api/core/whoami")
    send_and_wait(page, qt_loop)
    response = page.response
    assert response.status.text() == "401 Unauthorized"
    assert response.tabs.currentWidget() is response.findings
    [card] = response.findings.cards
    assert card.finding.title == "A CORE call was refused with 401 UNAUTHORIZED."
    text = card.body.text()
    assert "What we saw:" in text
    assert "UNAUTHORIZED" in text
    assert "<ol" in text
    assert "The token expired" in text
    assert "Next:</b> Acquire a fresh token" in text
    assert "href='https://docs.redcloud.example/core/troubleshooting'" in text
    assert card.body.openExternalLinks()


def test_a_token_failure_is_explained_in_place_and_nothing_is_sent(
        page, running_sandbox, ctx, qt_loop) -> None:
    running_sandbox.faults.set("bad_secret", True)
    compose(page, "GET", "/api/core/whoami")
    send_and_wait(page, qt_loop)
    response = page.response
    assert response.status.text() == "Not sent: no token"
    assert "was not sent" in response.message.text()
    assert "token endpoint answered 401" in response.message.text()
    titles = [card.finding.title for card in response.findings.cards]
    assert "The token request was refused: the client credentials were not accepted." in titles
    assert "Traceback" not in response.message.text()
    assert page.shown_exchange is None  # "Copy as curl" copies the request, not the token call
    paths = [exchange.request.path for exchange in ctx.workspace.history]
    assert "/api/core/whoami" not in paths
    assert paths[-1] == "/api/auth/token"


def test_a_profile_without_its_secret_says_so_in_place(page, ctx, qt_loop) -> None:
    from desktop.core.secrets import SecretKind

    ctx.workspace.secrets.provide(ctx.active_profile.id, SecretKind.CLIENT_SECRET, "")
    compose(page, "GET", "/api/core/whoami")
    send_and_wait(page, qt_loop)
    assert page.response.status.text() == "Not sent: no token"
    assert "no client secret" in page.response.message.text()


def test_cancelling_in_flight_records_a_cancelled_exchange(
        page, running_sandbox, ctx, qt_loop) -> None:
    compose(page, "GET", "/api/core/whoami")
    send_and_wait(page, qt_loop)  # the token is cached: the next request goes straight out
    running_sandbox.configure(latency=60.0)
    running_sandbox.faults.set("slow", True)
    before = len(ctx.workspace.history)
    page.send()
    assert page.sender.busy
    assert page.send_button.text() == "Cancel"
    assert page.busy.isVisibleTo(page)
    qt_loop.until(lambda: page.response.status.text() == "Sending…")
    QTest.keyClick(page.editor.url, Qt.Key.Key_Escape)
    qt_loop.until(lambda: not page.sender.busy, message="the cancel")
    assert page.response.status.text() == "Cancelled"
    assert page.send_button.text() == "Send"
    assert not page.busy.isVisibleTo(page)
    recorded = list(ctx.workspace.history)[before:]
    assert [e.error.kind for e in recorded if e.error] == [ErrorKind.CANCELLED]
    assert page.response.exchange is recorded[-1]
    assert page.shown_exchange is recorded[-1]  # the cancelled whoami itself


def test_a_429_counts_down_to_retry_after_and_retries_when_allowed(
        page, running_sandbox, qt_loop) -> None:
    running_sandbox.faults.set("rate_limit_storm", True)
    compose(page, "GET", "/api/core/whoami")
    send_and_wait(page, qt_loop)
    response = page.response
    assert response.status.text() == "429 Too Many Requests"
    exchange = page.shown_exchange
    retry_after = int(exchange.response.header("Retry-After"))
    bar = response.retry
    assert bar.isVisibleTo(response)
    assert bar.plan.retry_after == retry_after
    assert bar.plan.earliest_retry_at == pytest.approx(exchange.ratelimit.at + retry_after)

    # Stand at the moment of the 429: the countdown shows exactly Retry-After.
    now = {"t": exchange.ratelimit.at}
    bar.clock = lambda: now["t"]
    bar.set_plan(bar.plan)
    assert f"retry allowed in {retry_after} s" in bar.text()
    assert f"Retry-After: {retry_after} s" in bar.text()

    bar.button.click()
    assert bar.armed
    assert bar.button.text() == "Cancel retry"
    page.cancel()  # Esc disarms a pending retry
    assert not bar.armed
    bar.button.click()
    running_sandbox.faults.set("rate_limit_storm", False)
    now["t"] = bar.plan.earliest_retry_at + 0.1  # the moment comes
    qt_loop.until(lambda: response.status.text() == "200 OK", message="the automatic retry")
    assert page.shown_exchange is not exchange


def test_an_error_finding_asks_once_in_place_then_sends_anyway(page, ctx, qt_loop) -> None:
    compose(page, "POST", "/api/core/messages/send", [("Content-Type", "application/json")],
            GOOD_SMS)
    before = len(ctx.workspace.history)
    page.send()
    assert not page.sender.busy
    assert page.send_note.isVisibleTo(page)
    assert page.send_button.text() == "Send anyway"
    assert len(ctx.workspace.history) == before

    send_and_wait(page, qt_loop)
    assert page.response.status.text() == "400 Bad Request"
    titles = [card.finding.title for card in page.response.findings.cards]
    assert "The send was rejected: Idempotency-Key is missing." in titles
    # The same errors again: no second question.
    send_and_wait(page, qt_loop)
    assert page.response.status.text() == "400 Bad Request"
    assert not page.send_note.isVisibleTo(page)


def test_a_template_fills_the_editor_from_the_profile(page, ctx, qt_loop) -> None:
    endpoint = next(e for e in page.provider.endpoints if e.name == "Send a message")
    page.use_template(endpoint)
    spec = page.editor.spec()
    assert spec.method == "POST"
    assert spec.url == ctx.active_profile.base_url + "/api/core/messages/send"
    assert page.editor.url.text() == "/api/core/messages/send"
    assert len(spec.header("Idempotency-Key") or "") == 36
    body = json.loads(spec.body)
    assert body["to"] == [ctx.active_profile.settings["recipient"]]
    assert body["sendFrom"] == "{{numberId}}"  # no numberId yet: left for the user, and linted
    assert any("numberId" in f.title for f in page.lint.findings)


def test_reopening_a_history_row_shows_it_in_the_composer_without_credentials(
        page, main_window, ctx, qt_loop) -> None:
    compose(page, "GET", "/api/core/whoami", [("Accept", "application/json")])
    send_and_wait(page, qt_loop)
    sent = page.shown_exchange
    assert sent.request.header("Authorization").startswith("Bearer ")
    page.editor.url.setText("/something/else")

    history = main_window.show_page("History")
    model = history.model
    qt_loop.until(lambda: model.row_of(sent.id) is not None)
    index = model.index(model.row_of(sent.id), 0)
    history.table.setCurrentIndex(index)
    history.table.activated.emit(index)

    assert main_window.tabs.currentWidget() is page
    assert page.response.exchange is sent
    assert page.editor.url.text() == "/api/core/whoami"
    names = [name.lower() for name, _ in page.editor.spec().headers]
    assert names == ["accept"]
    assert page.editor.spec().attach_auth
    assert "Credentials are not shown" in page.response.message.text()


def test_a_never_ending_response_keeps_the_window_responsive_and_can_be_cancelled(
        page, qt_loop) -> None:
    from aiohttp import web

    sent = {"bytes": 0}
    chunk = b"x" * 65536

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        try:
            while True:
                await response.write(chunk)
                sent["bytes"] += len(chunk)
        except ConnectionError:  # the client hung up: the point of the test
            return response

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/stream", endless)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return runner

    runner = qt_loop.run(start())
    port = runner.addresses[0][1]
    ticks = {"n": 0}
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.__setitem__("n", ticks["n"] + 1))
    timer.start(0)
    try:
        page.editor.url.setText(f"http://127.0.0.1:{port}/stream")
        page.editor.attach_auth.setChecked(False)
        page.send()
        if page.send_bar.asking:  # lint may dislike the other origin: send anyway
            page.send()
        assert page.sender.busy
        qt_loop.until(lambda: sent["bytes"] > 60 * 1024 * 1024, message="60 MB streamed")
        assert ticks["n"] > 0  # the UI kept turning while the body poured in
        page.cancel()
        qt_loop.until(lambda: not page.sender.busy, message="the cancel")
        response = page.response.exchange.response
        assert response.truncated
        assert response.body_size > 50 * 1024 * 1024  # counted, not kept
        assert len(response.body) == 10 * 1024 * 1024
        assert "kept" in page.response.meta.text()
        assert page.response.status.text() == "Cancelled"
    finally:
        timer.stop()
        qt_loop.run(runner.cleanup())


def test_the_sending_line_shows_the_url_without_its_secret_query_value(page, qt_loop) -> None:
    """While a request is in flight the answer area names it: a screenshot then holds no
    secret either (the URL field keeps what was typed)."""
    compose(page, "GET", "/api/core/whoami?api_key=K3y-canary-77&x=1")
    page.send()
    shown = page.response.meta.text()
    qt_loop.until(lambda: not page.sender.busy, message="the send to finish")
    assert "K3y-canary-77" not in shown
    assert "api_key=[REDACTED:api_key]&x=1" in shown


@pytest.mark.parametrize(("shape", "marker"), [
    ({"access_token": "{token}", "expires_in": 3600}, "[REDACTED:access_token]"),
    ({"data": {"accessToken": "{token}"}, "status": "ok"}, "[REDACTED:access_token]"),
    ({"result": {"token": "{token}", "expiresIn": 60}}, "[REDACTED:token]"),
], ids=["oauth", "nested-camel", "plain-token"])
def test_an_answer_holding_secrets_shows_them_hidden_until_show_secrets(
        page, qt_loop, shape, marker) -> None:
    """A token endpoint's answer (in the places real APIs put it), and one that echoes the
    client secret into a header and a finding: a screenshot holds neither; "Show secrets"
    shows this answer as received, and the next answer starts hidden again."""
    from desktop.core.finding import Finding, Severity
    from tests.factories import make_exchange, make_response

    secret = page.ctx.sandbox.config.client_secret
    token = "tok-canary-" + "7" * 24
    body = json.dumps(shape).replace("{token}", token).encode()
    answer = make_exchange(
        method="POST", url="http://127.0.0.1:1/api/auth/token",
        profile=page.ctx.active_profile.name,
        response=make_response(200, "OK", (("Content-Type", "application/json"),
                                           ("X-Debug-Secret", secret)), body),
        findings=[Finding(code="echo", severity=Severity.WARN, title="The server echoed",
                          evidence=f"client_secret={secret}")])
    page.open_exchange(answer)
    viewer, view = page.response.body, page.response
    assert token not in viewer.shown_text()
    assert marker in viewer.shown_text()
    headers = [view.headers.item(row, 1).text() for row in range(view.headers.rowCount())]
    assert secret not in " ".join(headers)
    assert "client_secret=" in findings_text(view)
    assert secret not in findings_text(view)
    assert not viewer.secrets_button.isHidden()  # offered (on the Body tab)
    assert not viewer.secrets_button.isChecked()

    viewer.secrets_button.click()
    assert token in viewer.shown_text()
    assert secret in [view.headers.item(row, 1).text() for row in range(view.headers.rowCount())]
    assert secret in findings_text(view)

    page.open_exchange(make_exchange(method="GET", url="http://127.0.0.1:1/api/core/whoami",
                                     profile=page.ctx.active_profile.name))
    assert not viewer.secrets_button.isChecked()

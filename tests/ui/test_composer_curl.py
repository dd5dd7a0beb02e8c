"""curl in and out of the composer: import with errors in place, credentials never kept
silently, and exports that carry no secret unless the user insists."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from desktop.core.secrets import SecretKind
from desktop.sandbox.config import DEMO_CLIENT_SECRET

BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXN0ZWQifQ.c2lnbmF0dXJlLXBhc3RlZA"
VALID = ("curl -X POST 'https://api.example.test/api/core/messages/send?dry=1' \\\n"
         "  -H 'Content-Type: application/json' \\\n"
         "  -H 'Idempotency-Key: 6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11' \\\n"
         "  --data-raw '{\"to\": [\"+12025550123\"]}'")


def composer(main_window):
    return main_window.show_page("Composer")


def import_command(page, text: str):
    dialog = page.curl.import_dialog(text)
    dialog.parse()
    return dialog


def test_a_valid_command_fills_the_editor(main_window) -> None:
    page = composer(main_window)
    dialog = import_command(page, VALID)
    assert dialog.import_button.isEnabled()
    assert "POST" in dialog.result.text()
    dialog.import_button.click()
    spec = page.editor.spec()
    assert spec.method == "POST"
    assert spec.url == "https://api.example.test/api/core/messages/send?dry=1"
    assert page.editor.params.pairs() == [("dry", "1")]
    assert spec.header("Idempotency-Key") == "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"
    assert spec.body == b'{"to": ["+12025550123"]}'
    assert spec.attach_auth


def test_an_invalid_command_says_why_in_the_dialog_and_keeps_the_text(main_window) -> None:
    page = composer(main_window)
    page.editor.url.setText("/api/core/whoami")
    broken = "curl 'https://api.example.test/x -H 'Accept: */*"
    dialog = import_command(page, broken)
    assert not dialog.import_button.isEnabled()
    assert "cannot be imported" in dialog.result.text()
    assert dialog.result.property("kind") == "error"
    assert dialog.command.toPlainText() == broken
    dialog.accept()  # Enter in the dialog: refused, the dialog stays open
    assert dialog.isVisible()
    assert page.editor.url.text() == "/api/core/whoami"
    dialog.reject()


def test_credentials_in_a_pasted_command_are_named_and_left_out(main_window) -> None:
    page = composer(main_window)
    command = (f"curl https://api.example.test/api/core/whoami -H 'Authorization: Bearer "
               f"{BEARER}' -H 'X-Api-Key: k_live_0123456789abcdef' -H 'Accept: application/json'")
    dialog = import_command(page, command)
    assert set(dialog.credentials) == {"Authorization", "X-Api-Key"}
    assert "profile's credentials will be used instead" in dialog.result.text()
    assert dialog.keep_credentials.isVisibleTo(dialog)
    dialog.import_button.click()
    spec = page.editor.spec()
    assert [name for name, _ in spec.headers] == ["Accept"]
    assert spec.attach_auth
    assert BEARER not in str(page.editor.headers.rows())


def test_credentials_can_be_kept_explicitly_and_then_the_profile_adds_none(main_window) -> None:
    page = composer(main_window)
    dialog = import_command(page, "curl -u client:s3cret-pass https://api.example.test/x")
    assert dialog.credentials == ["Authorization"]
    dialog.keep_credentials.setChecked(True)
    dialog.import_button.click()
    spec = page.editor.spec()
    assert spec.header("Authorization", ).startswith("Basic ")
    assert not spec.attach_auth
    assert not page.editor.attach_auth.isChecked()


def test_pasting_a_curl_command_into_the_url_field_offers_the_import(main_window) -> None:
    page = composer(main_window)
    page.editor.url.setText("/api/core/whoami")
    QGuiApplication.clipboard().setText(VALID)
    QTest.keyClick(page.editor.url, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = page.curl.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.command.toPlainText() == VALID  # line breaks and all
    assert page.editor.url.text() == "/api/core/whoami"  # nothing changes until Import
    dialog.reject()
    assert page.editor.url.text() == "/api/core/whoami"


def test_the_file_menu_offers_import_and_copy_with_shortcuts(main_window) -> None:
    actions = {a.text(): a for a in main_window.file_menu.actions()}
    assert actions["&Import curl command…"].shortcut().toString() == "Ctrl+Shift+I"
    assert actions["&Copy as curl"].shortcut().toString() == "Ctrl+Shift+C"
    assert "Copy as curl (with &secrets)…" in actions
    actions["&Import curl command…"].trigger()
    page = main_window.pages["Composer"]
    assert main_window.tabs.currentWidget() is page
    assert page.curl.dialog.isVisible()
    page.curl.dialog.reject()


def test_copy_as_curl_after_a_send_carries_no_secret(main_window, running_sandbox, ctx,
                                                     qt_loop) -> None:
    page = composer(main_window)
    page.editor.url.setText("/api/core/whoami")
    page.send()
    qt_loop.until(lambda: not page.sender.busy, message="the send")
    token = ctx.session().client.auth.token
    assert token
    assert page.shown_exchange.request.header("Authorization") == f"Bearer {token}"

    copy = next(a for a in main_window.file_menu.actions() if a.text() == "&Copy as curl")
    copy.trigger()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("curl ")
    assert "/api/core/whoami" in text
    assert token not in text
    assert DEMO_CLIENT_SECRET not in text
    assert "Authorization: Bearer [REDACTED" in text
    assert "Host:" not in text  # curl writes its own


def test_the_history_context_copy_is_redacted_too(main_window, running_sandbox, ctx,
                                                  qt_loop) -> None:
    page = composer(main_window)
    page.editor.url.setText("/api/core/whoami")
    page.send()
    qt_loop.until(lambda: not page.sender.busy, message="the send")
    token = ctx.session().client.auth.token
    history = main_window.pages["History"]
    token_call = next(e for e in ctx.workspace.history if e.request.path == "/api/auth/token")
    for exchange in (page.shown_exchange, token_call):
        text = history.copy_as_curl(exchange)
        assert text == QGuiApplication.clipboard().text()
        assert token not in text
        assert DEMO_CLIENT_SECRET not in text
        secret = ctx.workspace.secrets.get(ctx.active_profile.id, SecretKind.CLIENT_SECRET)
        assert secret not in text
    history.copy_request_id(page.shown_exchange)
    assert QGuiApplication.clipboard().text() == page.shown_exchange.request_id


def test_copy_with_secrets_asks_first_and_copies_only_when_confirmed(
        main_window, running_sandbox, ctx, qt_loop) -> None:
    page = composer(main_window)
    page.editor.url.setText("/api/core/whoami")
    page.send()
    qt_loop.until(lambda: not page.sender.busy, message="the send")
    token = ctx.session().client.auth.token
    QGuiApplication.clipboard().setText("untouched")

    assert page.curl.copy(with_secrets=True) is None
    box = page.curl.confirm
    assert box.isVisible()
    assert "credentials" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert QGuiApplication.clipboard().text() == "untouched"

    page.curl.copy(with_secrets=True)
    box = page.curl.confirm
    [copy_button] = [b for b in box.buttons() if b.text() == "Copy with secrets"]
    copy_button.click()
    assert f"Authorization: Bearer {token}" in QGuiApplication.clipboard().text()


def test_a_composed_request_is_copied_as_composed(main_window) -> None:
    page = composer(main_window)
    page.editor.url.setText("https://api.example.test/api/core/numbers")
    page.editor.headers.add_row("X-Trace", "abc")
    text = page.curl.copy(with_secrets=False)
    assert text == "curl https://api.example.test/api/core/numbers \\\n  -H 'X-Trace: abc'"

"""Ctrl+S in the Composer: the Save dialog for a new request, in place for a saved one; and
never a secret in what is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.core.client.spec import RequestSpec
from tests.core.test_collections_canary import scan
from tests.ui.collections_helpers import smoke_collection

BEARER = "cnry-ui-bearer-7d1e9a3f5b"
API_KEY = "cnry-ui-apikey-2c8e4a6f0d"
JSON_PASSWORD = "cnry-ui-jsonpw-5b9d1f3a7e"
URL_PASSWORD = "cnry-ui-urlpw-8f2a6c0e4b"
CANARIES = (BEARER, API_KEY, JSON_PASSWORD, URL_PASSWORD)


@pytest.fixture
def composer(main_window):
    page = main_window.show_page("Composer")
    page.window_ = main_window
    return page


def press_save(composer, shift: bool = False) -> None:
    modifiers = Qt.KeyboardModifier.ControlModifier
    if shift:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    composer.editor.url.setFocus()
    QTest.keyClick(composer.editor.url, Qt.Key.Key_S, modifiers)


def test_ctrl_s_on_a_new_request_asks_where_then_saves_in_place(composer, isolated_home) -> None:
    composer.new_request(RequestSpec("GET", "http://127.0.0.1:1/api/core/numbers"))
    press_save(composer)
    dialog = composer.saving.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.name.text() == "GET http://127.0.0.1:1/api/core/numbers"
    dialog.name.setText("List numbers")
    dialog.new_name.setText("Ticket 4711")  # no collection yet: a new one is made
    dialog.accept()
    assert not dialog.isVisible()
    collection = composer.ctx.collections.get("Ticket 4711")
    assert collection is not None
    assert [n.name for _, n in collection.tree().requests()] == ["List numbers"]
    tree = composer.window_.collections_panel.tree
    assert tree.currentIndex().data() == "GET  List numbers"
    assert tree.currentIndex().parent().data() == "Ticket 4711"

    composer.editor.method.setCurrentText("HEAD")
    press_save(composer)  # now it came from the collection: saved in place, no dialog
    assert composer.saving.dialog is dialog
    assert collection.read("list-numbers.toml").method == "HEAD"
    assert len(collection.tree().requests()) == 1


def test_saving_in_place_keeps_the_variables_the_user_did_not_touch(
        main_window, ctx, running_sandbox) -> None:
    collection = smoke_collection(ctx.collections)
    main_window.collections_panel.refresh(select=(str(collection.root),
                                                  "messages/send-a-test-sms.toml"))
    assert main_window.collections_panel.actions.open_request()
    composer = main_window.pages["Composer"]
    composer.editor.headers.add_row("X-Trace", "ui-test")
    press_save(composer)
    saved = collection.read("messages/send-a-test-sms.toml")
    assert saved.url == "{{base_url}}/api/core/messages/send"
    assert [(h.name, h.value) for h in saved.headers] == [("Idempotency-Key", "{{uuid}}"),
                                                          ("X-Trace", "ui-test")]
    assert "{{send_from}}" in saved.body.text


def test_ctrl_shift_s_saves_a_copy_into_another_folder(main_window, ctx, running_sandbox) -> None:
    collection = smoke_collection(ctx.collections)
    main_window.collections_panel.refresh(select=(str(collection.root), "who-am-i.toml"))
    main_window.collections_panel.actions.open_request()
    composer = main_window.pages["Composer"]
    press_save(composer, shift=True)
    dialog = composer.saving.dialog
    assert dialog.name.text() == "Who am I copy"
    assert dialog.chosen_collection().root == collection.root
    dialog.folder.setCurrentIndex(dialog.folder.findData("messages"))
    dialog.accept()
    copy = collection.read("messages/who-am-i-copy.toml")
    assert copy.url == "{{base_url}}/api/core/whoami"
    assert composer.saving.origin.path == "messages/who-am-i-copy.toml"


def test_the_save_dialog_writes_no_canary_anywhere(composer, isolated_home: Path) -> None:
    body = json.dumps({"to": ["+14155550123"], "password": JSON_PASSWORD}).encode()
    composer.new_request(RequestSpec(
        "POST", f"https://user:{URL_PASSWORD}@api.test/send?api_key={API_KEY}&x=1",
        headers=(("Authorization", f"Bearer {BEARER}"), ("Content-Type", "application/json")),
        body=body))
    assert composer.editor.spec().body == body  # planted where the user would type them
    press_save(composer)
    dialog = composer.saving.dialog
    dialog.name.setText("Planted")
    dialog.accept()
    assert not dialog.isVisible(), dialog.error.text()
    collection = composer.ctx.collections.get("My requests")
    written = collection.read("planted.toml")
    assert written.header("Authorization") is None
    assert "REDACTED:password" in written.url
    assert "REDACTED:api_key" in written.url
    assert "[REDACTED:password]" in written.body.text
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert any(p.name == "planted.toml" for p in files)
    assert scan(isolated_home, CANARIES) == []

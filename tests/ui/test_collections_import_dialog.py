"""File › Import…: the preview first, then the import; a bad file is one line, never a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.collections import ImportKind

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"


def load(dialog, path: Path, qt_loop) -> None:
    dialog.load(path)
    qt_loop.until(lambda: dialog.preview is not None or dialog.problem is not None,
                  message=f"the preview of {path.name}")


@pytest.fixture
def dialog(main_window, qt_loop):
    opened = main_window.show_import()
    yield opened
    opened.close()


@pytest.mark.parametrize(("name", "requests"), [
    ("postman/nested-entities.postman_collection.json", 2),
    ("postman/sample-collection-v2.0.json", 3),
    ("insomnia/insomnia_v4.json", 13),
    ("openapi/petstore.yaml", 3),
])
def test_a_collection_file_is_previewed_then_imported_into_the_tree(
        main_window, dialog, qt_loop, name, requests) -> None:
    load(dialog, IMPORTS / name, qt_loop)
    assert dialog.problem is None
    preview = dialog.preview
    assert len(preview.requests) == requests
    text = dialog.text.toPlainText()
    assert f"will import {requests} request(s)" in text
    assert dialog.import_button.isEnabled()
    assert not main_window.ctx.collections.names()  # nothing written before Import
    dialog.import_button.click()
    assert not dialog.isVisible()
    collection = main_window.ctx.collections.get(preview.name)
    assert collection is not None
    assert len(collection.tree().requests()) == requests
    tree = main_window.collections_panel.tree
    assert tree.currentIndex().data() == preview.name


def test_the_preview_says_what_is_dropped_and_why(dialog, qt_loop) -> None:
    load(dialog, IMPORTS / "postman" / "nested-entities.postman_collection.json", qt_loop)
    text = dialog.text.toPlainText()
    assert "will drop" in text
    assert "script" in text
    assert "D+EdQ-gs$-%@2Nu7" not in text  # the OAuth1 consumer secret in the file


def test_a_har_goes_to_the_history(main_window, dialog, qt_loop) -> None:
    load(dialog, IMPORTS / "har" / "chrome.har", qt_loop)
    assert dialog.preview.kind is ImportKind.HAR
    assert not dialog.into.isVisibleTo(dialog)
    assert dialog.also_save.isVisibleTo(dialog)
    history = main_window.ctx.workspace.history
    before = len(history)
    dialog.import_button.click()
    assert len(history) == before + len(dialog.preview.exchanges) > before
    assert main_window.tabs.currentWidget() is main_window.pages["History"]
    assert not main_window.ctx.collections.names()


def test_an_environment_becomes_settings_of_the_chosen_profile(main_window, dialog,
                                                              qt_loop) -> None:
    load(dialog, IMPORTS / "postman" / "basic.postman_environment.json", qt_loop)
    assert dialog.profile.isVisibleTo(dialog)
    assert not dialog.into.isVisibleTo(dialog)
    assert dialog.profile.currentText() == main_window.ctx.active_profile.name
    dialog.import_button.click()
    profile = main_window.ctx.workspace.profiles.get(dialog.profile.currentText())
    assert profile.settings.get("foo") == "production"
    assert "bar" not in profile.settings  # disabled in the file


@pytest.mark.parametrize(("content", "reason"), [
    ("this is not json {", "not"),
    ('{"hello": "world"}', "not a Postman collection"),
    ("[" * 200 + "]" * 200, "deeper"),
])
def test_a_bad_file_is_one_line_naming_it_and_the_reason(dialog, qt_loop, tmp_path, content,
                                                        reason) -> None:
    bad = tmp_path / "customer-upload.json"
    bad.write_text(content, encoding="utf-8")
    load(dialog, bad, qt_loop)
    assert dialog.preview is None
    assert "\n" not in dialog.problem
    assert "Traceback" not in dialog.problem
    assert "customer-upload.json" in dialog.problem
    assert reason in dialog.problem
    assert "customer-upload.json" in dialog.status.text()
    assert not dialog.import_button.isEnabled()


def test_a_secret_in_the_file_is_offered_for_the_keychain_and_never_written(
        main_window, dialog, qt_loop, isolated_home) -> None:
    from desktop.core.secrets import SecretKind

    load(dialog, IMPORTS / "insomnia" / "insomnia_v4.json", qt_loop)
    offered = [box for box, offer in dialog.secret_boxes if offer.name == "apiKey"]
    assert len(offered) == 1
    assert not offered[0].isChecked()
    assert "keychain" in offered[0].text()
    value = next(o.value for _b, o in dialog.secret_boxes if o.name == "apiKey")
    offered[0].setChecked(True)
    dialog.import_button.click()
    profile = main_window.ctx.active_profile
    assert main_window.ctx.workspace.secrets.get(profile.id, SecretKind.API_KEY) == value
    written = "".join(p.read_text("utf-8", "replace") for p in isolated_home.rglob("*")
                      if p.is_file())
    assert value not in written

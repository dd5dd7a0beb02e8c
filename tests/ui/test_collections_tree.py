"""The sidebar's collections tree: what it shows, opening a request, and editing by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from desktop.ui.models.collections_model import KIND_ROLE, PATH_ROLE
from tests.ui.collections_helpers import smoke_collection


@pytest.fixture
def window(qtbot, ctx):
    from desktop.ui.mainwindow import MainWindow

    collection = smoke_collection(ctx.collections)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.smoke = collection
    return window


def rows(model, parent=None) -> list[str]:
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    out = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        out.append(index.data())
        out += ["  " + line for line in rows(model, index)]
    return out


def select(window, path: str):
    panel = window.collections_panel
    index = panel.select((str(window.smoke.root), path))
    assert index is not None, path
    panel.tree.setFocus()
    return panel.tree


def test_the_tree_shows_collections_folders_and_requests_in_order(window) -> None:
    model = window.collections_panel.model
    assert rows(model) == ["Smoke tests", "  GET  Who am I", "  Messages",
                           "    GET  List numbers", "    POST  Send a test SMS"]
    first = model.index(0, 0)
    assert first.data(KIND_ROLE) == "collection"
    assert "3 requests" in first.data(Qt.ItemDataRole.AccessibleTextRole)
    assert window.collections_panel.tree.isExpanded(first)


def test_enter_opens_a_request_in_the_composer_with_its_variables_resolved(
        window, running_sandbox) -> None:
    tree = select(window, "messages/send-a-test-sms.toml")
    QTest.keyClick(tree, Qt.Key.Key_Return)
    composer = window.tabs.currentWidget()
    assert composer is window.pages["Composer"]
    spec = composer.editor.spec()
    profile = window.ctx.active_profile
    assert spec.method == "POST"
    assert spec.url == profile.base_url.rstrip("/") + "/api/core/messages/send"
    assert b'"sendFrom": "num_sbx_0142"' in spec.body
    assert b"{{" not in spec.body
    key = dict(spec.headers)["Idempotency-Key"]
    assert key
    assert "{{" not in key
    assert composer.saving.origin.path == "messages/send-a-test-sms.toml"


def test_f2_renames_the_request_not_the_profile(window, qtbot) -> None:
    tree = select(window, "who-am-i.toml")
    QTest.keyClick(tree, Qt.Key.Key_F2)
    dialog = window.collections_panel.actions.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert window.profile_actions.dialog is None  # the window-wide F2 (edit profile) stayed off
    dialog.name.setText("Identity")
    dialog.accept()
    assert (window.smoke.root / "identity.toml").is_file()
    assert not (window.smoke.root / "who-am-i.toml").exists()
    current = window.collections_panel.tree.currentIndex()
    assert current.data() == "GET  Identity"


def test_duplicate_puts_a_copy_right_after_the_original(window) -> None:
    select(window, "messages/list-numbers.toml")
    copy = window.collections_panel.actions.duplicate()
    assert copy == "messages/list-numbers-copy.toml"
    assert rows(window.collections_panel.model)[3:6] == [
        "    GET  List numbers", "    GET  List numbers copy", "    POST  Send a test SMS"]


def test_delete_asks_then_moves_the_request_to_the_trash(window, isolated_home: Path) -> None:
    tree = select(window, "messages/list-numbers.toml")
    QTest.keyClick(tree, Qt.Key.Key_Delete)
    box = window.collections_panel.actions.message
    assert box is not None
    assert "List numbers" in box.text()
    assert "trash" in box.informativeText()
    assert (window.smoke.root / "messages" / "list-numbers.toml").exists()  # not before Yes
    box.done(QMessageBox.StandardButton.Yes)
    assert not (window.smoke.root / "messages" / "list-numbers.toml").exists()
    assert list(isolated_home.rglob("trash/**/list-numbers.toml"))
    assert "    GET  List numbers" not in rows(window.collections_panel.model)


def test_alt_down_and_alt_up_reorder_siblings_and_keep_the_selection(window) -> None:
    tree = select(window, "who-am-i.toml")
    QTest.keyClick(tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    model = window.collections_panel.model
    assert rows(model)[1:3] == ["  Messages", "    GET  List numbers"]
    assert window.smoke.tree().root.children()[-1].name == "Who am I"
    current = window.collections_panel.tree.currentIndex()
    assert current.data(PATH_ROLE) == "who-am-i.toml"
    QTest.keyClick(tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.smoke.tree().root.children()[0].name == "Who am I"


def test_new_folder_and_new_collection_appear_in_the_tree(window) -> None:
    select(window, "")
    actions = window.collections_panel.actions
    dialog = actions.new_folder()
    dialog.name.setText("Webhooks")
    dialog.accept()
    assert (window.smoke.root / "webhooks" / "folder.toml").is_file()
    dialog = actions.new_collection()
    dialog.name.setText("Smoke tests")  # taken: said in place, the dialog stays
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog)
    assert "already exists" in dialog.error.text()
    dialog.name.setText("Regression")
    dialog.accept()
    assert "Regression" in rows(window.collections_panel.model)


def test_a_folder_opened_from_a_git_checkout_is_listed(window, tmp_path: Path) -> None:
    from desktop.core.collections import CollectionLibrary

    elsewhere = CollectionLibrary(tmp_path / "other-home", tmp_path / "other.json")
    checkout = tmp_path / "checkout" / "switchboard"
    elsewhere.create("Team API", location=checkout)
    window.collections_panel.actions.open_folder(checkout)
    assert "Team API" in rows(window.collections_panel.model)
    assert window.ctx.collections.get("Team API").root == checkout


def test_the_context_menu_offers_every_action_with_distinct_access_keys(window) -> None:
    select(window, "who-am-i.toml")
    menu = window.collections_panel.context_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    enabled = {a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.isEnabled()}
    assert {"Open in Composer", "Run collection", "New collection…", "New folder…", "Rename…",
            "Duplicate", "Move up", "Move down", "Delete…", "Export as Postman v2.1…",
            "Open collection folder…"} <= enabled
    keys = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(keys) == len(set(keys)), texts
    menu.deleteLater()

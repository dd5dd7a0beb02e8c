"""Export diagnostic bundle: the preview shows what is written; nothing leaves before Save."""

from __future__ import annotations

import json
import zipfile

import pytest

CANARY = "sandbox-secret"


@pytest.fixture
def checked_window(main_window, running_sandbox, qt_loop):
    """The window after a checklist run against the sandbox (with a failure to explain)."""
    running_sandbox.faults.set("number_not_owned", True)
    page = main_window.show_page("Checklist")
    page.on_profile_changed(main_window.ctx.active_profile)
    page.run()
    qt_loop.until(lambda: page._task is not None and page._task.done(), message="checklist")
    return main_window


def open_preview(window, qt_loop):
    dialog = window.export_bundle()
    assert dialog is not None
    qt_loop.until(lambda: dialog.plan is not None, message="bundle plan")
    return dialog


def test_the_preview_lists_every_file_before_anything_is_written(checked_window, qt_loop,
                                                                  tmp_path) -> None:
    dialog = open_preview(checked_window, qt_loop)
    names = [f.name for f in dialog.plan.files]
    for name in ("har.json", "checklist.json", "summary.md", "webhooks.json",
                 "environment.json", "manifest.json"):
        assert name in names
    assert list(tmp_path.iterdir()) == []
    summary = dialog.plan.file("summary.md").text
    assert "403" in summary
    assert "req_" in summary
    assert "Redacted:" in dialog.report_label.text()
    dialog.reject()


def test_redactions_are_highlighted_in_the_file_view(checked_window, qt_loop) -> None:
    dialog = open_preview(checked_window, qt_loop)
    items = {dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i)
             for i in range(dialog.tree.topLevelItemCount())}
    dialog.tree.setCurrentItem(items["har.json"])
    assert "[REDACTED:" in dialog.text.toPlainText()
    assert dialog.text.extraSelections(), "redactions are highlighted"
    assert CANARY not in dialog.text.toPlainText()
    dialog.reject()


def test_saving_writes_exactly_the_previewed_bytes_without_the_secret(checked_window, qt_loop,
                                                                      tmp_path) -> None:
    dialog = open_preview(checked_window, qt_loop)
    planned = {f.name: f.data for f in dialog.plan.files}
    target = tmp_path / "bundle.zip"
    dialog.save_to(target)
    qt_loop.until(lambda: dialog.saved_to is not None, message="saved")
    with zipfile.ZipFile(target) as archive:
        written = {name: archive.read(name) for name in archive.namelist()}
    assert written == planned
    for data in written.values():
        assert CANARY.encode() not in data
    manifest = json.loads(written["manifest.json"])
    assert manifest["files"]


def test_leaving_a_file_out_replans_the_bundle(checked_window, qt_loop) -> None:
    from PySide6.QtCore import Qt

    dialog = open_preview(checked_window, qt_loop)
    item = next(dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
                if dialog.tree.topLevelItem(i).text(0) == "webhooks.json")
    before = dialog.plan
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qt_loop.until(lambda: dialog.plan is not before and dialog.save_button.isEnabled(),
                  message="re-plan")
    assert dialog.plan.file("webhooks.json") is None
    dialog.reject()


def test_export_with_nothing_recorded_says_what_to_do(main_window, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: shown.append(text))
    assert main_window.export_bundle() is None
    assert "run the checklist" in shown[0]

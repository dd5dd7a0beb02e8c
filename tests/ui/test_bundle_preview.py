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


def test_a_closed_preview_is_deleted_and_lets_its_rendered_bundle_go(checked_window,
                                                                     qt_loop) -> None:
    """Each export opens a new preview; a closed one stayed a hidden child of the window,
    holding its rendered bundle, for the rest of the session."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from desktop.ui.bundle.preview import BundlePreview

    for _ in range(3):
        dialog = open_preview(checked_window, qt_loop)
        dialog.reject()
        assert dialog.plan is None
        assert dialog.content is None
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert checked_window.findChildren(BundlePreview) == []


def test_memory_is_handed_back_after_qt_has_deleted_the_preview(checked_window, qt_loop,
                                                                 monkeypatch) -> None:
    """Qt frees the preview's text document when it deletes the dialog, after it closed:
    trimming at close handed back nothing of it (the soak grew ~15 MiB per export)."""
    import asyncio

    from desktop.ui.bundle import preview as preview_module
    from desktop.ui.bundle.preview import BundlePreview

    previews_left_at_trim: list[int] = []
    monkeypatch.setattr(preview_module, "release_free_memory", lambda: previews_left_at_trim
                        .append(len(checked_window.findChildren(BundlePreview))))
    dialog = open_preview(checked_window, qt_loop)
    dialog.reject()
    qt_loop.run(asyncio.sleep(0.2))
    assert previews_left_at_trim, "nothing was handed back"
    assert previews_left_at_trim[-1] == 0, "trimmed while the preview still existed"


def test_closing_the_preview_before_its_plan_is_ready_stops_planning(
        checked_window, qt_loop, caplog, monkeypatch) -> None:
    import asyncio

    from desktop.core import bundle as bundle_core
    from desktop.ui.bundle.preview import BundlePreview

    async def never_ready(*_args, **_kwargs):
        await asyncio.Event().wait()

    monkeypatch.setattr(bundle_core, "plan_bundle_async", never_ready)
    dialog = checked_window.export_bundle()
    assert dialog is not None
    qt_loop.until(lambda: dialog._task is not None, message="planning started")
    task = dialog._task
    dialog.reject()
    qt_loop.until(task.done, message="planning stopped")
    assert task.cancelled()
    dialog = checked_window.export_bundle()  # and one closed before planning has started
    dialog.reject()
    qt_loop.run(asyncio.sleep(0.3))
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert checked_window.findChildren(BundlePreview) == []


def test_a_new_plan_renders_the_shown_file_once(checked_window, qt_loop, monkeypatch) -> None:
    """Formatting a large file for the preview blocks the window for a few hundred ms: the
    first plan (nothing selected yet) and a re-plan (a file selected) each do it once."""
    from PySide6.QtCore import Qt

    from desktop.ui.bundle import preview as preview_module

    rendered: list[str] = []
    real = preview_module.preview_text
    monkeypatch.setattr(preview_module, "preview_text",
                        lambda planned, **kw: rendered.append(planned.name) or real(planned, **kw))
    dialog = open_preview(checked_window, qt_loop)
    assert rendered == ["har.json"]
    item = next(dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
                if dialog.tree.topLevelItem(i).text(0) == "webhooks.json")
    before = dialog.plan
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qt_loop.until(lambda: dialog.plan is not before, message="re-plan")
    assert rendered == ["har.json", "har.json"]
    dialog.reject()


def test_the_chart_is_drawn_once_the_preview_is_open(checked_window, qt_loop) -> None:
    """The preview appears (saying it draws the chart) before pyqtgraph's first import."""
    session = checked_window.ctx.session(checked_window.ctx.active_profile)
    assert len(session.ratelimits), "the sandbox's answers carry rate-limit headers"
    dialog = checked_window.export_bundle()
    assert dialog.content.ratelimits_png is None, "the action returns before drawing"
    qt_loop.until(lambda: dialog.plan is not None, message="bundle plan")
    assert dialog.plan.file("ratelimits.png").data.startswith(b"\x89PNG\r\n\x1a\n")
    dialog.reject()

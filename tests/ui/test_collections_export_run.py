"""Export as Postman v2.1 (valid, redacted) and Run collection (the CLI's runner, in the window)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from PySide6.QtGui import QColor, QPalette

from desktop.core.secrets import SecretKind
from desktop.ui.theme import colours
from tests.ui.collections_helpers import smoke_collection

SCHEMA = Path(__file__).resolve().parents[2] / "desktop" / "core" / "collections" / "schemas" / \
    "postman-collection-v2.1.0.json"
CANARY = "cnry-ui-export-4e8a2c6f1b"


@pytest.fixture
def smoke(main_window, ctx):
    collection = smoke_collection(ctx.collections)
    main_window.collections_panel.refresh(select=(str(collection.root), ""))
    return collection


def test_export_writes_valid_postman_v2_1_without_the_profiles_secret(
        main_window, ctx, smoke, tmp_path) -> None:
    profile = ctx.active_profile
    ctx.workspace.secrets.provide(profile.id, SecretKind.CLIENT_SECRET, CANARY)
    # A hand edit (or a merge) put the profile's secret into a file, bypassing the app.
    planted = smoke.root / "planted.toml"
    planted.write_text('schema = 1\nname = "Planted"\nseq = 9\nurl = "/x"\n[[headers]]\n'
                       f'name = "X-Note"\nvalue = "see {CANARY}"\n', encoding="utf-8")
    target = tmp_path / "smoke.postman_collection.json"
    assert main_window.collections_panel.actions.export(target) == target
    text = target.read_text(encoding="utf-8")
    doc = json.loads(text)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert doc["info"]["name"] == "Smoke tests"
    assert [item["name"] for item in doc["item"]][:2] == ["Who am I", "Messages"]
    assert CANARY not in text


def test_run_collection_sends_every_request_and_shows_each_outcome(
        main_window, ctx, smoke, running_sandbox, qt_loop) -> None:
    running_sandbox.faults.set("number_not_owned", True)
    history = ctx.workspace.history
    dialog = main_window.collections_panel.actions.run()
    assert dialog.isVisible()
    assert dialog.state == "running"
    qt_loop.until(lambda: dialog.state != "running", message="the run")
    assert dialog.state == "done"
    rows = [[dialog.results.topLevelItem(i).text(c) for c in range(5)]
            for i in range(dialog.results.topLevelItemCount())]
    assert [row[:3] for row in rows] == [["✓", "Who am I", "200"],
                                         ["✓", "Messages / List numbers", "200"],
                                         ["✗", "Messages / Send a test SMS", "403"]]
    assert rows[2][4].startswith("error:")
    assert "✗ failed: 3 sent, 1 with a failure finding" in dialog.summary.text()
    assert dialog.progress.value() == 3
    assert dialog.progress.text() == "3 of 3 · 1 failed"  # not a plain full bar
    assert dialog.progress.palette().color(QPalette.ColorRole.Highlight) == QColor(
        colours().solid_fail)
    assert any(e.request.url.endswith("/api/core/messages/send") for e in history)
    dialog.results.setCurrentItem(dialog.results.topLevelItem(2))
    dialog._open(dialog.results.topLevelItem(2))
    assert main_window.tabs.currentWidget() is main_window.pages["Composer"]
    dialog.close()


def test_a_run_can_be_stopped(main_window, ctx, smoke, running_sandbox, qt_loop) -> None:
    running_sandbox.faults.set("slow", True)
    import asyncio

    dialog = main_window.collections_panel.actions.run()
    qt_loop.run(asyncio.sleep(0.3))  # the first request is waiting on the slow sandbox
    assert dialog.state == "running"
    assert not dialog.run.outcomes
    dialog.stop()
    qt_loop.until(lambda: dialog.state != "running", message="the stop")
    assert dialog.state == "stopped"
    assert len(dialog.run.outcomes) < 3
    assert "Stopped after" in dialog.summary.text()
    dialog.close()


def test_the_run_window_shows_no_secret_a_server_echoed(
        main_window, ctx, smoke, running_sandbox, qt_loop) -> None:
    """A finding may quote an error body; one that echoed the profile's secret, or a URL
    with a password, is shown redacted in the run window."""
    from desktop.core.collections import SavedRequest
    from desktop.core.collections.runner import RequestOutcome
    from desktop.core.finding import Finding, Severity

    profile = ctx.active_profile
    ctx.workspace.secrets.provide(profile.id, SecretKind.WEBHOOK_SECRET, CANARY)
    running_sandbox.faults.set("slow", True)
    dialog = main_window.collections_panel.actions.run()
    dialog.stop()
    qt_loop.until(lambda: dialog.state != "running", message="the stop")
    echoed = Finding(code="t.echo", severity=Severity.ERROR,
                     title=f"The server said: invalid secret {CANARY}",
                     next_action=f"Check https://bob:{CANARY}@host.example/x")
    item = dialog.add(RequestOutcome((), "x.toml", SavedRequest("Echo", "GET", "/x"),
                                     findings=[echoed]))
    shown = " ".join([item.text(4), item.toolTip(4), dialog.heading.text()])
    assert CANARY not in shown
    assert "invalid secret [REDACTED" in item.text(4)
    dialog.close()

"""The Webhooks page driven like a user, against the Sandbox and real loopback sockets."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.core.checklist.model import StepStatus
from desktop.core.client.spec import RequestSpec
from desktop.core.profiles import WebhookSettings
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.query import Verdict
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.store import WebhookStore
from desktop.sandbox.config import DEMO_WEBHOOK_SECRET
from desktop.ui.webhooks.events_model import EventsModel

LIFECYCLE = ["message.queued", "message.sent", "message.delivery"]


@pytest.fixture
def page(main_window, running_sandbox):
    page = main_window.show_page("Webhooks")
    page.on_profile_changed(main_window.ctx.active_profile)
    return page


def start_listening(page, qt_loop):
    page.receiver_panel.toggle_button.click()
    qt_loop.until(lambda: page.receiver_panel.running and page.receiver_panel.task is None,
                  message="the receiver to listen")
    return page.session.receiver


async def send_message(client, reference: str = "webhooks-page-test") -> str:
    """A send through the Sandbox the way an integration would make it; returns the messageId."""
    numbers = await client.send(RequestSpec("GET", client.url_for("/api/core/numbers")))
    sender = next(n["numberId"] for n in numbers.response.json()["numbers"]
                  if n["status"] == "ACTIVE" and n["campaignRegId"] and n["smsEnabled"])
    body = json.dumps({"sendFrom": sender, "to": ["+14155550123"], "messageType": "SMS",
                       "text": "hello", "externalReference": reference}).encode()
    sent = await client.send(RequestSpec(
        "POST", client.url_for("/api/core/messages/send"),
        (("Content-Type", "application/json"), ("Idempotency-Key", str(uuid.uuid4()))), body))
    assert sent.status == 202, sent.response.text()
    return sent.response.json()["results"][0]["messageId"]


def shown(page) -> list[WebhookEvent]:
    return [page.proxy.event_at(row) for row in range(page.proxy.rowCount())]


def unchecked_event(n: int, *, message_id: str | None = None, kind: str = "message.sent",
                    sequence: int = 2) -> WebhookEvent:
    """An event put straight into the store, as if received with no scheme configured."""
    body = json.dumps({"id": f"evt_{n}", "type": kind, "sequence": sequence,
                       "data": {"messageId": message_id or f"msg_{n}"}}).encode()
    return WebhookEvent.create(received_at=time.time(), method="POST", path="/webhooks",
                               headers=tuple(sign("redcloud", "k", body).items()), body=body)


# -- receiving ------------------------------------------------------------------------------------


def test_a_checklist_run_fills_the_page_with_verified_lifecycle_events(main_window, page,
                                                                       qt_loop) -> None:
    checklist = main_window.show_page("Checklist")
    checklist.on_profile_changed(main_window.ctx.active_profile)
    checklist.run()
    qt_loop.until(lambda: checklist._task is not None and checklist._task.done(),
                  message="the checklist run")
    run = checklist.runs[main_window.ctx.active_profile.id]
    assert [r.status for r in run.results] == [StepStatus.PASS] * 5
    message_id = run.values["message_id"]

    # The checklist started the profile's receiver: the page follows it.
    qt_loop.until(lambda: page.receiver_panel.toggle_button.text() == "Stop listening",
                  message="the page to notice the receiver")
    assert page.receiver_panel.url_edit.text() == page.session.receiver.url
    assert "the Sandbox posts its webhooks here" in page.receiver_panel.facts.text()
    assert "webhook secret" in page.receiver_panel.facts.text()
    qt_loop.until(lambda: page.model.rowCount() == 3, message="three lifecycle events")
    events = shown(page)
    assert [e.event_type for e in events] == LIFECYCLE
    assert {e.message_id for e in events} == {message_id}
    assert [page.proxy.index(row, 5).data() for row in range(3)] == ["✓", "✓", "✓"]

    page.select_row(-1)
    assert page.detail.current is events[-1]
    assert "Signature valid" in page.detail.verdict.toPlainText()
    assert "X-RedCloud-Signature" in [page.detail.headers.item(r, 0).text()
                                      for r in range(page.detail.headers.rowCount())]
    assert json.loads(page.detail.body.toPlainText())["data"]["messageId"] == message_id
    qt_loop.until(lambda: page.lifecycle.model.rowCount() == 1
                  and page.lifecycle.current is not None
                  and page.lifecycle.current.state == "delivery",
                  message="the lifecycle to reach delivery")
    assert page.lifecycle.current.message_id == message_id
    timeline = page.lifecycle.timeline.toPlainText()
    assert "✓ queued" in timeline
    assert "✓ sent" in timeline
    assert "✓ delivery" in timeline
    assert "⚠" not in timeline


def test_a_bad_signature_fault_shows_failed_events_with_the_reason(page, qt_loop,
                                                                   running_sandbox) -> None:
    receiver = start_listening(page, qt_loop)
    assert running_sandbox.config.webhook_url == receiver.url + "webhooks"
    running_sandbox.faults.set("webhook_bad_signature")
    qt_loop.run(send_message(page.session.client))
    qt_loop.until(lambda: page.model.rowCount() >= 3, message="the failing deliveries")
    assert all(e.verified is False for e in shown(page))
    assert page.proxy.index(0, 5).data() == "✗"
    page.select_row(0)
    verdict = page.detail.verdict.toPlainText()
    assert "signature_mismatch" in verdict
    assert "Computed" in verdict
    assert "Received" in verdict
    # the advice sits outside any scroll area: never clipped however small the pane
    assert page.detail.next_label.text().startswith("<b>Next:</b>")
    assert page.detail.next_label.isVisibleTo(page)
    assert "Suspect" in verdict
    assert DEMO_WEBHOOK_SECRET not in verdict
    assert page.detail.current.status == 401

    page.filter_bar.set_verdict(Verdict.VERIFIED)
    assert page.proxy.rowCount() == 0
    page.filter_bar.set_verdict(Verdict.FAILED)
    assert page.proxy.rowCount() == page.model.rowCount()
    qt_loop.until(lambda: "unverified" in (page.lifecycle.model.index(0, 3).data() or ""),
                  message="the lifecycle flags")
    qt_loop.until(lambda: "⚠ queued" in page.lifecycle.timeline.toPlainText(),
                  message="the untrusted steps marked")
    assert "failed the signature check" in page.lifecycle.timeline.toPlainText()


def test_the_filter_narrows_by_type_message_id_and_text(page, qt_loop) -> None:
    store = page.session.webhook_store
    for n, kind in enumerate(["message.queued", "message.sent", "message.delivery"] * 2):
        store.add(unchecked_event(n, message_id=f"msg_{'alpha' if n < 3 else 'beta'}", kind=kind))
    qt_loop.until(lambda: page.model.rowCount() == 6, message="the events")
    assert page.filter_bar.type_combo.count() == 4  # "All types" and the three seen
    page.filter_bar.type_combo.setCurrentText("message.sent")
    assert [e.event_type for e in shown(page)] == ["message.sent"] * 2
    page.filter_bar.message_edit.setText("ALPHA")
    assert [e.message_id for e in shown(page)] == ["msg_alpha"]
    assert page.filter_bar.count_label.text() == "1 of 6 events"
    page.filter_bar.reset()
    page.filter_bar.text_edit.setText("evt_4")
    assert [e.event_id for e in shown(page)] == ["evt_4"]
    page.filter_bar.set_verdict(Verdict.UNCHECKED)
    assert [e.event_id for e in shown(page)] == ["evt_4"]
    assert page.proxy.index(0, 5).data() == "–"
    page.filter_bar.set_verdict(Verdict.VERIFIED)
    assert shown(page) == []


def test_a_lifecycle_flags_out_of_order_duplicate_and_missing_events(page, qt_loop) -> None:
    store = page.session.webhook_store
    store.add(unchecked_event(1, message_id="msg_odd", kind="message.sent", sequence=2))
    store.add(unchecked_event(2, message_id="msg_odd", kind="message.queued", sequence=1))
    store.add(unchecked_event(3, message_id="msg_odd", kind="message.sent", sequence=2))
    store.add(unchecked_event(4, message_id="msg_odd", kind="message.failed", sequence=5))
    qt_loop.until(lambda: page.model.rowCount() == 4, message="the events")
    page.select_row(0)
    qt_loop.until(lambda: page.lifecycle.current is not None, message="the lifecycle")
    flags = page.lifecycle.model.index(0, 3).data()
    assert "out of order" in flags
    assert "duplicate" in flags
    assert "gap: seq 3, 4" in flags
    timeline = page.lifecycle.timeline.toPlainText()
    assert "Arrived out of order (sequence 2, 1, 2, 5)" in timeline
    assert "Duplicate: message.sent (seq 2)" in timeline
    assert "✗ failed" in timeline

    store.add(unchecked_event(5, message_id="msg_open", kind="message.queued", sequence=1))
    qt_loop.until(lambda: page.lifecycle.model.rowCount() == 2, message="a second message")
    assert page.lifecycle.model.index(0, 0).data() == "msg_open"  # newest first
    assert "no terminal event" in page.lifecycle.model.index(0, 3).data()

    third = page.model.events[2]
    page.lifecycle.event_chosen.emit(third.id)
    assert page.detail.current is third


def test_a_flood_keeps_the_list_bounded_and_the_window_responsive(page, qt_loop) -> None:
    receiver = start_listening(page, qt_loop)
    store = page.session.webhook_store
    over_the_wire, direct = 1_000, 9_000
    seen: list[int] = []
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: seen.append(store.count_total))
    ticker.start()

    async def flood() -> None:
        import aiohttp

        body_of = [json.dumps({"id": f"evt_{n}", "type": "message.sent", "sequence": 2,
                               "data": {"messageId": f"msg_{n}"}}).encode()
                   for n in range(over_the_wire)]
        connector = aiohttp.TCPConnector(limit=32)
        async with aiohttp.ClientSession(connector=connector) as client:
            async def post(body: bytes) -> int:
                headers = sign("redcloud", DEMO_WEBHOOK_SECRET, body)
                async with client.post(receiver.url + "flood", data=body,
                                       headers=headers) as response:
                    return response.status

            statuses = await asyncio.gather(*(post(b) for b in body_of))
        assert set(statuses) == {200}
        assert store.count_total == over_the_wire
        assert all(e.verified for e in store.events)
        for start in range(0, direct, 500):
            for n in range(start, start + 500):
                store.add(unchecked_event(over_the_wire + n))
            await asyncio.sleep(0)

    qt_loop.run(flood(), timeout=120)
    qt_loop.until(lambda: page.model.pending == 0 and store.count_total == 10_000,
                  message="the last batch")
    ticker.stop()
    assert store.count_total == 10_000
    assert page.model.rowCount() == store.capacity == len(store)
    assert page.model.events == store.events
    assert page.model.batches < 10_000  # bursts were coalesced
    assert any(0 < count < 10_000 for count in seen), "the event loop never ran mid-flood"
    assert f"{store.spilled:,} older events are in the journal" in page.note.text()
    assert str(store.journal.directory) in page.note.text()


def test_the_model_coalesces_a_burst_and_keeps_no_more_than_the_store(qapp, tmp_path) -> None:
    store = WebhookStore(capacity=5, journal=Journal(tmp_path))
    model = EventsModel()
    model.set_store(store)
    for n in range(12):
        store.add(unchecked_event(n))
    assert model.rowCount() == 0  # nothing inserted until the event loop runs the zero-timer
    assert model.pending <= 2 * store.capacity
    model.flush()
    assert model.batches == 1
    assert model.events == store.events
    store.add(unchecked_event(99))
    model.flush()
    assert [e.event_id for e in model.events] == ["evt_8", "evt_9", "evt_10", "evt_11", "evt_99"]
    store.clear()
    assert model.rowCount() == 0


# -- the receiver controls -------------------------------------------------------------------------


def test_copy_receiver_url_puts_it_on_the_clipboard(page, qt_loop) -> None:
    assert not page.receiver_panel.copy_button.isEnabled()
    receiver = start_listening(page, qt_loop)
    page.receiver_panel.copy_button.click()
    assert QApplication.clipboard().text() == receiver.url
    assert receiver.url.startswith("http://127.0.0.1:")
    assert f"port {receiver.port}" in page.receiver_panel.facts.text()


def test_stop_listening_closes_the_receiver(page, qt_loop, main_window) -> None:
    start_listening(page, qt_loop)
    assert main_window.receiver_label.text() == f"Receiver: {page.session.receiver.url}"
    page.receiver_panel.toggle_button.click()
    qt_loop.until(lambda: page.session.receiver is None and page.receiver_panel.task is None,
                  message="the receiver to stop")
    assert page.receiver_panel.toggle_button.text() == "Start listening"
    assert main_window.receiver_label.text() == "Receiver: off"


def test_a_profile_open_to_other_machines_is_warned_about_before_it_listens(ctx, page,
                                                                         qt_loop) -> None:
    profile = ctx.active_profile
    ctx.workspace.profiles.update(replace(profile, webhook=WebhookSettings(
        host="0.0.0.0", allow_all_interfaces=True)))
    qt_loop.until(lambda: page.session.profile.webhook.allow_all_interfaces,
                  message="the session to take the edit")
    assert page.receiver_panel.warning.isVisibleTo(page)
    assert "will listen on 0.0.0.0" in page.receiver_panel.warning.text()


def test_a_port_already_in_use_is_explained_in_place(ctx, page, qt_loop,
                                                     loopback_receiver) -> None:
    profile = ctx.active_profile
    ctx.workspace.profiles.update(replace(profile, webhook=replace(
        profile.webhook, port=loopback_receiver.port)))
    qt_loop.until(lambda: page.session.profile.webhook.port == loopback_receiver.port,
                  message="the session to take the edit")
    page.receiver_panel.toggle_button.click()
    qt_loop.until(lambda: page.receiver_panel.task is None, message="the attempt")
    assert not page.receiver_panel.running
    error = page.receiver_panel.error_label.text()
    assert f"could not start on 127.0.0.1, {loopback_receiver.port}" in error
    assert page.receiver_panel.error_label.isVisibleTo(page)
    assert page.receiver_panel.toggle_button.text() == "Start listening"
    assert page.receiver_panel.toggle_button.isEnabled()


def test_the_public_url_is_saved_on_the_profile_and_the_port_kept(ctx, page, qt_loop) -> None:
    receiver = start_listening(page, qt_loop)
    port, url = receiver.port, receiver.url
    banner = page.tunnel
    banner.toggle.click()
    assert banner.body.isVisibleTo(page)
    assert "tunnel of your choice" in banner.text.text()
    assert url in banner.text.text()

    banner.url_edit.setText("127.0.0.1:9000")
    banner.save_button.click()
    assert "http:// or https://" in banner.status.text()
    assert ctx.active_profile.webhook.public_url == ""

    banner.url_edit.setText("https://hooks.example.test/webhooks")
    banner.save_button.click()
    saved = ctx.workspace.profiles.by_id(ctx.active_profile.id)
    assert saved.webhook.public_url == "https://hooks.example.test/webhooks"
    assert saved.webhook.port == port
    assert "hooks.example.test" in ctx.workspace.profiles.path.read_text()
    assert f"keeps port {port}" in banner.status.text()
    # The edited profile restarts the receiver: on the same port, with the public URL.
    qt_loop.until(lambda: page.session.receiver is not None and page.session.receiver.running
                  and page.session.receiver.public_url == "https://hooks.example.test/webhooks",
                  message="the receiver to restart")
    assert page.session.receiver.url == url
    assert "hooks.example.test" in banner.current.text()


# -- sending ---------------------------------------------------------------------------------------


def test_a_test_event_to_the_own_receiver_shows_verified(page, qt_loop) -> None:
    receiver = start_listening(page, qt_loop)
    dialog = page.send_test_event()
    assert dialog.url_edit.text() == receiver.url
    assert dialog.sign_check.isChecked()
    dialog.message_edit.setText("msg_test_ui")
    dialog.send_button.click()
    qt_loop.until(lambda: dialog.exchange is not None, message="the test event's answer")
    assert "200" in dialog.answer.text()
    assert "in this page's event list" in dialog.answer.text()
    qt_loop.until(lambda: page.model.rowCount() == 1, message="the test event in the list")
    event = page.model.events[0]
    assert (event.message_id, event.event_type, event.verified) == \
        ("msg_test_ui", "message.delivery", True)
    assert event.header("Authorization") is None  # the profile's credentials stay home


def test_a_test_event_to_a_bad_url_explains_and_keeps_the_input(page, qt_loop,
                                                                loopback_receiver) -> None:
    dialog = page.send_test_event()
    assert dialog.url_edit.text() == ""  # not listening: no default
    dialog.url_edit.setText("localhost:9")
    dialog.send()
    assert "http:// or https://" in dialog.answer.text()
    assert dialog.url_edit.text() == "localhost:9"

    refused = loopback_receiver.url  # a port that was open, now closed
    qt_loop.run(loopback_receiver.stop())
    dialog.url_edit.setText(refused)
    dialog.send()
    qt_loop.until(lambda: dialog.exchange is not None, message="the refusal")
    assert "No answer (connect" in dialog.answer.text()
    assert "check that the endpoint is running" in dialog.answer.text()
    assert dialog.url_edit.text() == refused
    assert dialog.send_button.isEnabled()


def test_replay_posts_the_exact_event_to_another_receiver_and_shows_its_answer(
        page, qt_loop, loopback_receiver) -> None:
    receiver = start_listening(page, qt_loop)
    page.send_test_event().send_button.click()
    qt_loop.until(lambda: page.model.rowCount() == 1, message="an event to replay")
    page.select_row(0)
    original = page.detail.current
    assert original.path == "/"
    assert original.verified

    page.detail.replay_button.click()
    dialog = page.dialog
    assert "Host" in dialog.intro.text()
    assert "Content-Length" in dialog.intro.text()
    dialog.url_edit.setText(loopback_receiver.url + "my-handler")
    dialog.send_button.click()
    qt_loop.until(lambda: dialog.exchange is not None, message="the replay's answer")
    assert "<b>200 OK</b>" in dialog.answer.text()
    assert "The receiver answered 200 when this event arrived." in dialog.answer.text()
    [copy] = loopback_receiver.store.events
    assert copy.body == original.body
    assert copy.path == "/my-handler"
    assert copy.header("X-RedCloud-Signature") == original.header("X-RedCloud-Signature")
    assert copy.header("Content-Type") == original.header("Content-Type")
    assert copy.verified is True
    assert receiver.store.count_total == 1  # nothing came back to our own receiver


def test_closing_a_dialog_mid_send_cancels_the_send_quietly(page, qt_loop) -> None:
    arrived: list[bytes] = []

    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrived.append(await reader.read(65536))
        await asyncio.sleep(3600)

    server = qt_loop.run(asyncio.start_server(never_answers, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    dialog = page.send_test_event()
    dialog.url_edit.setText(f"http://127.0.0.1:{port}/hooks")
    dialog.send()
    task = dialog.task
    assert not dialog.send_button.isEnabled()
    qt_loop.until(lambda: bool(arrived), message="the request to arrive")
    dialog.reject()
    qt_loop.until(task.done, message="the send to end")
    assert task.cancelled()
    server.close()

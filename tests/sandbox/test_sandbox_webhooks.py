"""Signed lifecycle webhooks: order, signature, retries and the two webhook faults."""

from __future__ import annotations

import hmac
import json
import re
import socket
from datetime import datetime

from desktop.sandbox.config import DEMO_WEBHOOK_SECRET, SandboxConfig
from desktop.sandbox.webhooks import RETRY_MINUTES, sign

FAST = {"event_delay": 0.0, "retry_scale": 1e-5}  # 1 minute -> 0.6 ms


def _verify(secret, received, expected_signature):
    timestamp = received.headers["X-RedCloud-Timestamp"]
    expected = expected_signature(secret, timestamp, received.body)
    return hmac.compare_digest(expected, received.headers["X-RedCloud-Signature"])


def test_accepted_send_posts_queued_sent_delivery_in_sequence_order_signed(
    sandbox_run, receiver_factory, expected_signature
):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, event_delay=0.001)
            response = await api.send()
            message_id = response.json()["results"][0]["messageId"]
            received = await receiver.wait_for(3)
        events = [json.loads(r.body) for r in received]
        assert [e["type"] for e in events] == ["message.queued", "message.sent", "message.delivery"]
        assert [e["sequence"] for e in events] == [1, 2, 3]
        assert [e["data"]["status"] for e in events] == ["queued", "sent", "delivered"]
        for event, raw in zip(events, received, strict=True):
            assert _verify(DEMO_WEBHOOK_SECRET, raw, expected_signature)
            assert re.fullmatch(r"[0-9a-f]{64}", raw.headers["X-RedCloud-Signature"])
            assert raw.headers["X-RedCloud-Timestamp"].isdigit()
            assert raw.headers["Content-Type"] == "application/json"
            assert event["id"].startswith("evt_")
            assert event["createdAt"].endswith("Z")
            assert datetime.fromisoformat(event["createdAt"]).utcoffset().total_seconds() == 0
            assert event["data"] == {
                "messageId": message_id,
                "to": "+12025550123",
                "from": "+12025550142",
                "status": event["data"]["status"],
                "externalReference": "order-42",
            }
        assert len({e["id"] for e in events}) == 3

    sandbox_run(scenario)


def test_recipient_ending_0199_gets_message_failed_with_an_error_code(
    sandbox_run, receiver_factory
):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            await api.send(
                {
                    "sendFrom": "num_sbx_0142",
                    "to": ["+12025550199"],
                    "messageType": "SMS",
                    "text": "hi",
                }
            )
            received = await receiver.wait_for(3)
        last = json.loads(received[-1].body)
        assert (last["type"], last["sequence"]) == ("message.failed", 3)
        assert last["data"]["status"] == "failed"
        assert last["data"]["errorCode"]
        assert "errorCode" not in json.loads(received[0].body)["data"]

    sandbox_run(scenario)


def test_signature_is_over_the_exact_raw_body_with_the_configured_secret(
    sandbox_run, receiver_factory, expected_signature
):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, webhook_secret="whs-custom", **FAST)
            await api.send()
            received = await receiver.wait_for(3)
        first = received[0]
        assert _verify("whs-custom", first, expected_signature)
        assert not _verify(DEMO_WEBHOOK_SECRET, first, expected_signature)
        reserialised = json.dumps(json.loads(first.body)).encode()
        assert reserialised != first.body  # so a verifier that re-serialises would fail

    sandbox_run(scenario)


def test_webhook_bad_signature_signs_with_a_wrong_secret(
    sandbox_run, receiver_factory, expected_signature
):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            api.sandbox.faults.set("webhook_bad_signature", True)
            await api.send()
            received = await receiver.wait_for(3)
        assert not any(_verify(DEMO_WEBHOOK_SECRET, r, expected_signature) for r in received)
        assert all(not d.signed_correctly for d in api.sandbox.state.deliveries)

    sandbox_run(scenario)


def test_webhook_never_sent_accepts_the_send_but_posts_nothing(sandbox_run, receiver_factory):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            response = await api.send()
            await api.sandbox.wait_webhooks_idle()
            assert response.status_code == 202
            assert receiver.received == []
        assert list(api.sandbox.state.deliveries) == []
        assert api.sandbox.state.messages[0].webhooks == "suppressed"

    sandbox_run(scenario, faults=["webhook_never_sent"])


def test_no_webhook_url_means_no_delivery_and_says_so(sandbox_run):
    async def scenario(api):
        await api.send()
        await api.sandbox.wait_webhooks_idle()
        assert api.sandbox.state.messages[0].webhooks == "not_configured"
        assert list(api.sandbox.state.deliveries) == []

    sandbox_run(scenario)


def test_non_2xx_answers_are_retried_and_every_attempt_is_recorded(sandbox_run, receiver_factory):
    async def scenario(api):
        async with receiver_factory({1: [401, 500]}) as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            await api.send()
            await receiver.wait_for(5)
            await api.sandbox.wait_webhooks_idle()
        queued = [d for d in api.sandbox.state.deliveries if d.event_type == "message.queued"]
        assert [(d.attempt, d.status) for d in queued] == [(1, 401), (2, 500), (3, 200)]
        assert queued[0].next_retry_in == RETRY_MINUTES[0] * 60 * FAST["retry_scale"]
        assert queued[1].next_retry_in == RETRY_MINUTES[1] * 60 * FAST["retry_scale"]
        assert queued[2].next_retry_in is None
        assert queued[2].delivered
        assert len({d.event_id for d in queued}) == 1

    sandbox_run(scenario)


def test_retries_resend_the_same_event_body(sandbox_run, receiver_factory):
    async def scenario(api):
        async with receiver_factory({1: [503]}) as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            await api.send(
                {
                    "sendFrom": "num_sbx_0142",
                    "to": ["+12025550123"],
                    "messageType": "SMS",
                    "text": "hi",
                }
            )
            received = await receiver.wait_for(4)
            await api.sandbox.wait_webhooks_idle()
        queued = [r for r in receiver.received if json.loads(r.body)["sequence"] == 1]
        assert [r.answered for r in queued] == [503, 200]
        assert queued[0].body == queued[1].body
        assert len(received) >= 4

    sandbox_run(scenario)


def test_unreachable_endpoint_is_retried_on_the_schedule_then_given_up(sandbox_run):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]

    async def scenario(api):
        api.sandbox.configure(webhook_url=f"http://127.0.0.1:{dead_port}/hooks", **FAST)
        await api.send()
        await api.sandbox.wait_webhooks_idle()
        deliveries = list(api.sandbox.state.deliveries)
        per_event = {}
        for delivery in deliveries:
            per_event.setdefault(delivery.sequence, []).append(delivery)
        assert sorted(per_event) == [1, 2, 3]
        for attempts in per_event.values():
            assert [d.attempt for d in attempts] == [1, 2, 3, 4, 5]
            assert all(d.status is None and d.error for d in attempts)
            assert attempts[-1].next_retry_in is None  # given up after the 60-minute retry

    sandbox_run(scenario)


def test_deliveries_are_announced_as_they_are_recorded(sandbox_run, receiver_factory):
    async def scenario(api):
        seen = []
        api.sandbox.state.recorded.connect(seen.append)
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            await api.send()
            await receiver.wait_for(3)
            await api.sandbox.wait_webhooks_idle()
        kinds = [type(record).__name__ for record in seen]
        assert kinds == ["SentMessage"] + ["WebhookDelivery"] * 3

    sandbox_run(scenario)


def test_sign_matches_an_independent_hmac_of_timestamp_dot_body(expected_signature):
    body = b'{"id":"evt_1","type":"message.sent"}'
    assert sign("s3cret", "1700000000", body) == expected_signature("s3cret", "1700000000", body)


def test_each_message_of_a_multi_recipient_send_gets_its_own_lifecycle(
    sandbox_run, receiver_factory
):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, **FAST)
            response = await api.send(
                {
                    "sendFrom": "num_sbx_0142",
                    "messageType": "SMS",
                    "to": ["+12025550123", "+12025550124"],
                    "text": "hi",
                }
            )
            received = await receiver.wait_for(6)
        ids = {r["messageId"] for r in response.json()["results"]}
        for message_id in ids:
            events = [json.loads(r.body) for r in received]
            mine = [e["sequence"] for e in events if e["data"]["messageId"] == message_id]
            assert mine == [1, 2, 3]

    sandbox_run(scenario, config=SandboxConfig(**FAST))


def test_stop_cancels_retries_waiting_on_the_real_schedule(sandbox_run, receiver_factory):
    async def scenario(api):
        async with receiver_factory({1: [500]}) as receiver:
            api.sandbox.configure(webhook_url=receiver.url, event_delay=0, retry_scale=1.0)
            await api.send()
            await receiver.wait_for(3)
            assert api.sandbox.webhooks.pending >= 1  # a retry sleeping for a minute
            await api.sandbox.stop()
            assert api.sandbox.webhooks.pending == 0

    sandbox_run(scenario)

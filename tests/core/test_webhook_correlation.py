"""Correlation: a message's lifecycle from its webhooks, and waiting for the next one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from desktop.core.provider.model import WebhookScheme
from desktop.core.webhooks.correlation import (
    Correlator,
    Lifecycle,
    LifecycleRules,
    WaitOutcome,
    WaitResult,
)
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.receiver import WebhookReceiver
from desktop.core.webhooks.signatures import sign, verify
from desktop.core.webhooks.store import WebhookStore

SECRET = "correlation-secret"
_clock = iter(range(1, 10_000))


def hook(kind: str, seq: int | None, message_id: str = "m-1", *, event_id: str | None = None,
         reference: str = "order-1", secret: str = SECRET) -> WebhookEvent:
    """A Red Cloud-shaped event, signed with ``secret`` and checked with ``SECRET``."""
    body = json.dumps({
        "id": event_id or f"evt_{kind}_{seq}", "type": f"message.{kind}", "sequence": seq,
        "data": {"messageId": message_id, "externalReference": reference},
    }).encode()
    headers = tuple(sign("redcloud", secret, body, timestamp=1_700_000_000).items())
    return WebhookEvent.create(
        received_at=float(next(_clock)), method="POST", path="/hooks", headers=headers, body=body,
        verification=verify("redcloud", SECRET, headers, body, at=1_700_000_000))


@pytest.fixture
def store(tmp_path: Path) -> WebhookStore:
    return WebhookStore(journal=Journal(tmp_path))


def test_lifecycle_orders_events_by_sequence_and_reports_the_latest_state():
    life = Lifecycle.of("m-1", [hook("sent", 2), hook("queued", 1), hook("delivery", 3)])
    assert life.types == ("message.queued", "message.sent", "message.delivery")
    assert life.state == "delivery"
    assert not life.missing_terminal
    assert not life.failed


def test_arrival_order_different_from_sequence_order_is_out_of_order():
    assert Lifecycle.of("m-1", [hook("sent", 2), hook("queued", 1)]).out_of_order
    assert not Lifecycle.of("m-1", [hook("queued", 1), hook("sent", 2)]).out_of_order


def test_same_event_id_or_same_sequence_twice_is_a_duplicate():
    retried = Lifecycle.of("m-1", [hook("queued", 1), hook("queued", 1)])
    assert retried.duplicate
    assert len(retried.duplicates) == 1
    reused_seq = Lifecycle.of("m-1", [hook("sent", 2, event_id="a"), hook("failed", 2,
                                                                           event_id="b")])
    assert reused_seq.duplicate
    assert not Lifecycle.of("m-1", [hook("queued", 1), hook("sent", 2)]).duplicate


def test_no_delivery_or_failure_yet_is_missing_terminal():
    life = Lifecycle.of("m-1", [hook("queued", 1), hook("sent", 2)])
    assert life.missing_terminal
    assert life.state == "sent"


def test_failed_message_is_terminal_and_failed():
    life = Lifecycle.of("m-1", [hook("queued", 1), hook("failed", 2)])
    assert life.failed
    assert life.terminal is not None
    assert life.state == "failed"


def test_missing_sequence_numbers_are_gaps():
    assert Lifecycle.of("m-1", [hook("queued", 1), hook("delivery", 4)]).gaps == (2, 3)
    assert Lifecycle.of("m-1", [hook("queued", 1), hook("sent", 2)]).gaps == ()


def test_unverified_events_are_listed():
    life = Lifecycle.of("m-1", [hook("queued", 1), hook("sent", 2, secret="wrong")])
    assert [e.sequence for e in life.unverified] == [2]


def test_rules_come_from_a_provider_webhook_scheme():
    rules = LifecycleRules.from_scheme(WebhookScheme(
        lifecycle=("sms.accepted", "sms.done"), terminal=("sms.done",)))
    assert rules.terminal == ("sms.done",)
    assert rules.failure == LifecycleRules().failure


def test_correlator_groups_by_message_id_and_by_external_reference(store: WebhookStore):
    for event in (hook("queued", 1, "m-1"), hook("queued", 1, "m-2"), hook("sent", 2, "m-1"),
                  hook("queued", 1, "m-3", reference="other")):
        store.add(event)
    correlator = Correlator(store)
    assert [life.message_id for life in correlator.lifecycles()] == ["m-1", "m-2", "m-3"]
    assert correlator.lifecycle("m-1").state == "sent"
    assert [life.message_id for life in correlator.by_external_reference("order-1")] == [
        "m-1", "m-2"]


def wait(store: WebhookStore, *later: WebhookEvent, types: tuple[str, ...] = ("message.delivery",),
         timeout: float = 0.2) -> WaitResult:
    """Wait for m-1 while ``later`` events arrive (each on a later loop turn)."""

    async def main() -> WaitResult:
        loop = asyncio.get_running_loop()
        for event in later:
            loop.call_soon(store.add, event)
        return await Correlator(store).wait_for("m-1", types, timeout)

    return asyncio.run(main())


def test_wait_for_returns_an_event_that_arrived_before_the_wait(store: WebhookStore):
    store.add(hook("delivery", 3))
    result = wait(store)
    assert result.ok
    assert result.event is not None
    assert result.event.sequence == 3


def test_wait_for_returns_the_first_matching_verified_event_as_it_arrives(store: WebhookStore):
    result = wait(store, hook("sent", 2), hook("delivery", 3, secret="wrong"), hook("delivery", 3),
                  timeout=30)
    assert result.outcome is WaitOutcome.MATCHED
    assert result.event is not None
    assert result.event.verified is True
    assert [e.event_type for e in result.related] == [
        "message.sent", "message.delivery", "message.delivery"]


def test_wait_for_with_nothing_arriving_says_so(store: WebhookStore):
    result = wait(store)
    assert result.outcome is WaitOutcome.NOTHING
    assert "No webhook arrived" in result.message


def test_wait_for_with_only_unverified_events_gives_their_reasons(store: WebhookStore):
    result = wait(store, hook("delivery", 3, secret="wrong"))
    assert result.outcome is WaitOutcome.UNVERIFIED
    assert "signature_mismatch" in result.message


def test_wait_for_with_only_other_types_lists_what_came(store: WebhookStore):
    result = wait(store, hook("queued", 1), hook("sent", 2))
    assert result.outcome is WaitOutcome.OTHER_TYPES
    assert "message.queued, message.sent" in result.message


def test_wait_for_with_events_for_other_messages_names_their_ids(store: WebhookStore):
    result = wait(store, hook("delivery", 3, "m-9"))
    assert result.outcome is WaitOutcome.OTHER_MESSAGES
    assert "m-9" in result.message
    assert result.arrived == 1


@pytest.mark.parametrize(("later", "code"), [
    ((), "webhook_timeout"),
    ((hook("delivery", 3, secret="wrong"),), "webhook_signature_invalid"),
    ((hook("queued", 1),), "webhook_wrong_type"),
    ((hook("delivery", 3, "m-9"),), "webhook_wrong_type"),
    ((hook("delivery", 3),), "ok"),
    ((hook("failed", 3),), "webhook_failed_event"),
])
def test_wait_result_speaks_the_checklist_catalog_codes(store: WebhookStore, later, code):
    result = wait(store, *later, types=("message.delivery", "message.failed"))
    assert result.code == code
    assert result.summary == result.message


def test_wait_result_details_describe_each_event_about_the_message(store: WebhookStore):
    result = wait(store, hook("queued", 1), hook("sent", 2, secret="wrong"))
    assert result.details == ("message.queued seq 1: signature ok",
                              "message.sent seq 2: signature failed (signature_mismatch)")


def test_wait_for_leaves_no_observer_behind(store: WebhookStore):
    wait(store)
    wait(store, hook("delivery", 3))
    assert len(store.added) == 0


def test_wait_for_a_delivery_posted_to_the_receiver(store: WebhookStore):
    body = json.dumps({"id": "evt_9", "type": "message.delivery", "sequence": 3,
                       "data": {"messageId": "m-1"}}).encode()

    async def main() -> WaitResult:
        async with WebhookReceiver(store, scheme="redcloud", secret=SECRET) as receiver:
            waiting = asyncio.create_task(Correlator(store).wait_for(
                "m-1", ("message.delivery",), timeout=30))
            async with httpx.AsyncClient() as client:
                await client.post(f"{receiver.url}hooks", content=body,
                                  headers=sign("redcloud", SECRET, body))
            return await waiting

    result = asyncio.run(main())
    assert result.ok
    assert result.event is not None
    assert result.event.event_id == "evt_9"


# -- shapes the documentation leaves open (issue 16) -----------------------------------------

def redcloud_fields():
    from desktop.core.provider import load_registry
    from desktop.core.webhooks.events import WebhookFields

    return WebhookFields.from_scheme(load_registry().get("redcloud").webhooks)


def shaped(kind: str, seq: int, payload_extra: dict, *, secret: str = SECRET) -> WebhookEvent:
    """An event of any payload shape, read with the Red Cloud provider file's fields."""
    body = json.dumps({"id": f"evt_{kind}_{seq}", "type": f"message.{kind}", "sequence": seq,
                       **payload_extra}).encode()
    headers = tuple(sign("redcloud", secret, body, timestamp=1_700_000_000).items())
    return WebhookEvent.create(
        received_at=float(next(_clock)), method="POST", path="/hooks", headers=headers,
        body=body, verification=verify("redcloud", SECRET, headers, body, at=1_700_000_000),
        fields=redcloud_fields())


def test_a_top_level_message_id_is_correlated_with_the_red_cloud_provider_fields(store):
    result = wait(store, shaped("delivery", 3, {"messageId": "m-1", "status": "delivered"}))
    assert result.outcome is WaitOutcome.MATCHED
    assert result.found_at == ()
    assert "not from the provider file" not in result.message


def test_a_message_id_in_an_undocumented_place_is_found_and_its_field_named(store):
    result = wait(store, shaped("delivery", 3, {"payload": {"msg": {"ref": "m-1"}}}))
    assert result.outcome is WaitOutcome.MATCHED
    assert result.code == "ok"
    assert result.found_at == ("payload.msg.ref",)
    assert "payload.msg.ref" in result.message


@pytest.mark.parametrize("extra", [
    {"data": {"messageId": "m-1"}},
    {"messageId": "m-1"},
    {"payload": [{"id": "m-1"}]},
], ids=["nested", "flat", "elsewhere"])
def test_events_that_only_failed_their_signature_get_the_signature_diagnosis(store, extra):
    result = wait(store, shaped("sent", 2, extra, secret="wrong"),
                  types=("message.delivery", "message.failed"))
    assert result.outcome is WaitOutcome.UNVERIFIED
    assert result.code == "webhook_signature_invalid"
    assert "other messages" not in result.message
    assert "none mentions" not in result.message


def test_a_terminal_event_with_a_bad_signature_ends_the_wait_after_a_short_grace(store):
    async def main() -> tuple[WaitResult, float]:
        loop = asyncio.get_running_loop()
        loop.call_soon(store.add, shaped("delivery", 3, {"messageId": "m-1"}, secret="wrong"))
        started = loop.time()
        result = await Correlator(store, terminal_grace=0.1).wait_for(
            "m-1", ("message.delivery",), timeout=60)
        return result, loop.time() - started

    result, waited = asyncio.run(main())
    assert result.outcome is WaitOutcome.UNVERIFIED
    assert "Stopped waiting 0.1 s after the terminal event message.delivery" in result.message
    assert waited < 30  # the 60 s timeout was not waited out


def test_a_good_event_during_the_grace_still_passes(store):
    async def main() -> WaitResult:
        loop = asyncio.get_running_loop()
        loop.call_soon(store.add, shaped("delivery", 3, {"messageId": "m-1"}, secret="wrong"))
        loop.call_later(0.05, store.add, shaped("delivery", 3, {"messageId": "m-1"}))
        return await Correlator(store, terminal_grace=2).wait_for(
            "m-1", ("message.delivery",), timeout=60)

    assert asyncio.run(main()).ok


def test_events_about_other_messages_are_still_other_messages(store):
    result = wait(store, shaped("delivery", 3, {"messageId": "m-9"}))
    assert result.outcome is WaitOutcome.OTHER_MESSAGES
    assert "m-9" in result.message


def test_the_message_id_search_is_bounded_on_hostile_payloads():
    from desktop.core.webhooks.locate import find_value

    deep: object = "m-1"
    for _ in range(100_000):
        deep = [deep]
    assert find_value(deep, "m-1") is None  # beyond the depth bound, without recursion
    wide = {f"k{i}": "x" for i in range(200_000)}
    assert find_value(wide, "m-1") is None
    assert find_value({"a": [{"b": "m-1"}]}, "m-1") == "a[0].b"
    assert find_value(None, "m-1", b"MessageSid=m-1") == "the raw body"

"""Filtering webhook events: type, message id fragment, signature verdict, free text."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.query import EventQuery, Verdict
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.verification import Reason, Verification


def event(kind: str = "message.sent", message_id: str = "msg_AbC123", *,
          verified: bool | None = True, body_extra: str = "") -> WebhookEvent:
    body = json.dumps({"type": kind, "data": {"messageId": message_id, "note": body_extra}})
    verification = None if verified is None else Verification(
        verified, "redcloud", Reason.OK if verified else Reason.SIGNATURE_MISMATCH,
        "Signature valid." if verified else "Signature does not match.")
    return WebhookEvent.create(received_at=1.0, method="POST", path="/hooks", body=body.encode(),
                               headers=(("X-Trace", "trace-77"),), verification=verification)


def test_the_empty_query_keeps_everything() -> None:
    query = EventQuery()
    assert query.empty
    assert all(query.matches(e) for e in (event(), event(verified=False), event(verified=None)))


def test_type_is_matched_exactly() -> None:
    query = EventQuery(event_type="message.sent")
    assert query.matches(event("message.sent"))
    assert not query.matches(event("message.sent.extra"))
    assert not query.matches(event("message.delivery"))


def test_a_fragment_of_the_message_id_in_any_case_matches() -> None:
    assert EventQuery(message_id=" abc1 ").matches(event(message_id="msg_AbC123"))
    assert not EventQuery(message_id="zzz").matches(event(message_id="msg_AbC123"))


def test_verdicts_separate_verified_failed_and_unchecked_events() -> None:
    ok, bad, unchecked = event(verified=True), event(verified=False), event(verified=None)
    assert [EventQuery(verdict=Verdict.VERIFIED).matches(e) for e in (ok, bad, unchecked)] == \
        [True, False, False]
    assert [EventQuery(verdict=Verdict.FAILED).matches(e) for e in (ok, bad, unchecked)] == \
        [False, True, False]
    assert [EventQuery(verdict=Verdict.UNCHECKED).matches(e) for e in (ok, bad, unchecked)] == \
        [False, False, True]


def test_free_text_needs_every_word_somewhere_in_the_event() -> None:
    e = event(verified=False, body_extra="Hello Carrier")
    assert EventQuery(text="carrier /HOOKS").matches(e)
    assert EventQuery(text="trace-77").matches(e)  # a header value
    assert EventQuery(text="signature_mismatch").matches(e)  # the verdict's reason
    assert not EventQuery(text="carrier pigeon").matches(e)


def test_criteria_combine() -> None:
    query = EventQuery(event_type="message.sent", verdict=Verdict.FAILED, text="carrier")
    assert query.matches(event(verified=False, body_extra="carrier"))
    assert not query.matches(event(verified=True, body_extra="carrier"))
    assert not query.empty


@given(st.binary(max_size=300), st.text(max_size=20))
def test_any_body_can_be_searched_without_raising(body: bytes, text: str) -> None:
    headers = tuple(sign("github", "s", body).items())
    e = WebhookEvent.create(received_at=0.0, method="POST", path="/", body=body, headers=headers)
    assert isinstance(EventQuery(text=text, message_id=text).matches(e), bool)


def test_a_verdict_given_as_plain_text_is_understood() -> None:
    assert EventQuery(verdict="failed").verdict is Verdict.FAILED  # type: ignore[arg-type]
    assert EventQuery(verdict="any").empty  # type: ignore[arg-type]

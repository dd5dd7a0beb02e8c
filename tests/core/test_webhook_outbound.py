"""Replaying a received webhook and building signed test events (the specs; no sending)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.webhooks.correlation import LifecycleRules
from desktop.core.webhooks.events import MASK, WebhookEvent, WebhookFields
from desktop.core.webhooks.outbound import (
    TEST_REFERENCE,
    build_test_event,
    default_sequence,
    replay_dropped,
    replay_request,
    url_problem,
)
from desktop.core.webhooks.signatures import SCHEMES, HmacOptions, sign, verify

SECRET = "whsec_c2VjcmV0LWZvci10ZXN0cw=="  # base64 after whsec_, so every scheme accepts it
BODY = b'{"id":"evt_1","type":"message.sent","sequence":2,"data":{"messageId":"msg_1"}}\n'


def received(headers: tuple[tuple[str, str], ...]) -> WebhookEvent:
    return WebhookEvent.create(received_at=1_700_000_000.0, method="POST", path="/hooks",
                               headers=headers, body=BODY, source="127.0.0.1:5000")


def test_replay_keeps_the_exact_body_and_the_signature_headers_in_order() -> None:
    signed = sign("redcloud", "s3cret", BODY, timestamp=1_700_000_000)
    event = received((("Host", "127.0.0.1:9000"), ("Content-Type", "application/json"),
                      *signed.items(), ("Content-Length", str(len(BODY))),
                      ("User-Agent", "RedCloud-Webhooks/1.0")))
    spec = replay_request(event, "http://127.0.0.1:3000/webhooks")
    assert spec.method == "POST"
    assert spec.url == "http://127.0.0.1:3000/webhooks"
    assert spec.body == BODY
    assert spec.headers == (("Content-Type", "application/json"), *signed.items(),
                            ("User-Agent", "RedCloud-Webhooks/1.0"))
    assert spec.attach_auth is False
    assert verify("redcloud", "s3cret", spec.headers, spec.body, at=1_700_000_001).ok


def test_replay_drops_hop_by_hop_headers_and_those_the_connection_header_names() -> None:
    event = received((("Connection", "keep-alive, X-Hop"), ("Keep-Alive", "timeout=5"),
                      ("Transfer-Encoding", "chunked"), ("TE", "trailers"), ("Upgrade", "h2c"),
                      ("Proxy-Authorization", "Basic eA=="), ("X-Hop", "1"), ("X-Keep", "2")))
    spec = replay_request(event, "https://example.test/h")
    assert spec.headers == (("X-Keep", "2"),)
    assert replay_dropped(event) == ("Connection", "Keep-Alive", "Transfer-Encoding", "TE",
                                     "Upgrade", "Proxy-Authorization", "X-Hop")


def test_replay_of_a_journalled_event_leaves_out_masked_credentials_instead_of_the_mask() -> None:
    event = received((("Authorization", "Basic dXNlcjpwYXNz"), ("X-Keep", "1")))
    from_disk = WebhookEvent.from_dict(event.to_dict(mask=True))
    assert from_disk.header("Authorization") == MASK
    assert replay_request(from_disk, "http://127.0.0.1:1/").headers == (("X-Keep", "1"),)
    assert replay_request(event, "http://127.0.0.1:1/").header("Authorization") == \
        "Basic dXNlcjpwYXNz"


@pytest.mark.parametrize(("url", "words"), [
    ("", "Enter the URL"),
    ("   ", "Enter the URL"),
    ("127.0.0.1:3000/hooks", "http:// or https://"),
    ("ftp://example.test/x", "“ftp:”"),
    ("http://", "no host"),
    ("http://exa mple.test/", "spaces"),
    ("http://example.test/\nX-Injected: 1", "control characters"),
    ("http://[::1/", "Not a valid URL"),
])
def test_a_url_that_cannot_work_is_explained_and_refused(url: str, words: str) -> None:
    problem = url_problem(url)
    assert problem is not None
    assert words in problem
    with pytest.raises(ValueError, match="URL"):
        replay_request(received(()), url)


@given(st.text(max_size=80))
def test_url_problem_never_raises(text: str) -> None:
    result = url_problem(text)
    assert result is None or isinstance(result, str)


def test_good_urls_have_no_problem() -> None:
    for url in ("http://127.0.0.1:8080/", "https://hooks.example.test/a?b=c", " http://[::1]:9/ "):
        assert url_problem(url) is None, url


@pytest.mark.parametrize("scheme", [s for s in SCHEMES if s != "twilio"])
def test_a_test_event_verifies_with_the_same_secret_under_every_scheme(scheme: str) -> None:
    options = HmacOptions(signed="timestamp.body", timestamp_header="X-Timestamp") \
        if scheme == "hmac" else None
    spec = build_test_event("http://127.0.0.1:9/hooks", scheme=scheme, secret=SECRET,
                            options=options, now=1_700_000_000.5)
    result = verify(scheme, SECRET, spec.headers, spec.body, at=1_700_000_001, options=options)
    assert result.ok, result.message
    assert not verify(scheme, SECRET + "x", spec.headers, spec.body, at=1_700_000_001,
                      options=options).ok


def test_a_twilio_test_event_is_a_signed_status_callback_form() -> None:
    url = "https://public.example.test/twilio"
    spec = build_test_event(url, scheme="twilio", secret="tw-token", event_type="message.sent",
                            message_id="SM123")
    assert spec.content_type == "application/x-www-form-urlencoded"
    assert parse_qs(spec.body.decode()) == {"MessageSid": ["SM123"], "SmsSid": ["SM123"],
                                            "MessageStatus": ["sent"]}
    assert verify("twilio", "tw-token", spec.headers, spec.body, url=url).ok


def test_a_test_event_reads_like_a_red_cloud_lifecycle_event() -> None:
    spec = build_test_event("http://127.0.0.1:9/", scheme="redcloud", secret="s",
                            event_type="message.failed", message_id="msg_abc",
                            now=1_700_000_000.25)
    body = json.loads(spec.body)
    assert body["type"] == "message.failed"
    assert body["sequence"] == 3
    assert body["createdAt"] == "2023-11-14T22:13:20.250Z"
    assert body["id"].startswith("evt_test_")
    assert body["data"] == {"messageId": "msg_abc", "status": "failed",
                            "externalReference": TEST_REFERENCE}
    event = WebhookEvent.create(received_at=0, method="POST", path="/", headers=spec.headers,
                                body=spec.body, fields=WebhookFields())
    assert (event.event_type, event.message_id, event.sequence) == \
        ("message.failed", "msg_abc", 3)
    assert spec.attach_auth is False


def test_without_a_scheme_or_a_secret_the_test_event_goes_unsigned() -> None:
    for scheme, secret in ((None, "s"), ("none", "s"), ("redcloud", None), ("redcloud", "")):
        spec = build_test_event("http://127.0.0.1:9/", scheme=scheme, secret=secret)
        assert [name for name, _ in spec.headers] == ["Content-Type", "User-Agent"]


def test_a_test_event_refuses_a_bad_url_or_an_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        build_test_event("localhost:9", scheme="redcloud", secret="s")
    with pytest.raises(ValueError, match="unknown webhook scheme"):
        build_test_event("http://127.0.0.1:9/", scheme="carrier-pigeon", secret="s")


def test_sequence_numbers_follow_the_lifecycle_with_terminal_events_sharing_the_last() -> None:
    rules = LifecycleRules()
    assert [default_sequence(t, rules) for t in rules.order] == [1, 2, 3, 3]
    assert default_sequence("message.inbound") == 3

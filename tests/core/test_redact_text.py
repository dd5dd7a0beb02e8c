"""The redactor on free text: known secrets in every form, shapes, names and phone numbers."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop.core.redact import MIN_SECRET_LENGTH, RedactionReport, Redactor, secret_kind
from desktop.core.redact.names import TRIGGER_WORDS

SECRET = "s3cr3t/Value+with=sym:bols&more!"
TOKEN = "tok_ABCDEF1234567890abcdef"


@pytest.fixture
def redactor() -> Redactor:
    return Redactor({"client_secret": SECRET, "access_token": TOKEN},
                    [("trk_api_key", r"trk_[A-Za-z0-9]{32}")])


def b64(text: str, *, urlsafe: bool = False) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("exact", f"the secret is {SECRET}, keep it safe"),
        ("quote", f"x={quote(SECRET, safe='')}&y=1"),
        ("quote keeping slashes", f"path {quote(SECRET)} end"),
        ("quote_plus", f"grant_type=client_credentials&client_secret={quote_plus(SECRET)}"),
        ("lowercase hex", "x=" + re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(),
                                         quote(SECRET, safe=""))),
        ("base64", f"blob {b64(SECRET)} end"),
        ("base64 without padding", f"blob {b64(SECRET).rstrip('=')} end"),
        ("urlsafe base64", f"blob {b64(SECRET, urlsafe=True)} end"),
        ("Basic id:secret", f"Authorization: Basic {b64('my-client:' + SECRET)}"),
        ("Basic id:secret form-encoded first",
         f"Basic {b64(quote_plus('my client') + ':' + quote_plus(SECRET))}"),
        ("JSON-escaped", json.dumps({"note": f"secret {SECRET}"})),
    ],
)
def test_known_secret_is_removed_in_every_form(redactor: Redactor, form: str, text: str) -> None:
    out = redactor.redact_text(text)
    for variant in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), b64(SECRET).rstrip("=")):
        assert variant not in out, form
    assert redactor.report.count("client_secret") >= 1


def test_base64_match_is_widened_to_the_whole_credential(redactor: Redactor) -> None:
    out = redactor.redact_text(f"Basic {b64('a-rather-long-client-identifier:' + SECRET)} tail")
    assert out == "Basic [REDACTED:client_secret] tail"


def test_known_secret_keeps_its_kind_in_the_marker(redactor: Redactor) -> None:
    assert redactor.redact_text(f"token {TOKEN}") == "token [REDACTED:access_token]"


def test_secret_learned_at_run_time_is_redacted_from_then_on() -> None:
    redactor = Redactor()
    fresh = "fresh-token-0123456789"
    assert redactor.redact_text(fresh) == fresh
    redactor.add_secret(fresh, "access_token")
    assert redactor.redact_text(f"got {fresh}") == "got [REDACTED:access_token]"


def test_values_shorter_than_the_minimum_are_not_searched_as_text() -> None:
    short = "x" * (MIN_SECRET_LENGTH - 1)
    redactor = Redactor({"api_key": short})
    assert redactor.redact_text(f"a {short} b") == f"a {short} b"
    assert redactor.redact_text(f"api_key={short}") == "api_key=[REDACTED:api_key]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl done", "jwt [REDACTED:jwt] done"),
        ("Bearer abcdef123456 used", "Bearer [REDACTED:bearer] used"),
        ("Bearer authentication is required", "Bearer authentication is required"),
        ("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ok", "secret [REDACTED:webhook_secret] ok"),
        ("key trk_" + "a1" * 16 + " ok", "key [REDACTED:trk_api_key] ok"),
        (f"Basic {b64('someone:hunter22')}", "Basic [REDACTED:basic]"),
        ("Basic authentication failed", "Basic authentication failed"),
    ],
)
def test_secret_shapes_are_recognised_without_being_known(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("client_secret=abc123xyz&grant_type=client_credentials",
         "client_secret=[REDACTED:client_secret]&grant_type=client_credentials"),
        ("password: hunter2", "password: [REDACTED:password]"),
        ('{"api_key": "k-123 456"}', '{"api_key": "[REDACTED:api_key]"}'),
        ("X-Api-Key: trk_notquitethekeyformat", "X-Api-Key: [REDACTED:api_key]"),
        ("Authorization: Bearer opaque-value-1", "Authorization: Bearer [REDACTED:authorization]"),
        ("Cookie: sid=abc; theme=dark", "Cookie: sid=[REDACTED:cookie]; theme=[REDACTED:cookie]"),
        ("url=https://h.example/?access_token=abc123",
         "url=https://h.example/?access_token=[REDACTED:access_token]"),
    ],
)
def test_secret_named_values_in_free_text_are_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "token_type=bearer&expires_in=3600",
        "missing required key: to",
        "messageId msg_01HF3Z6Q4J8K2M5N7P9R0S1T2V sent at 2024-01-01T00:00:00+00:00",
        "requestId req_8f14e45fceea167a5a36dedd4bea2543 status QUEUED",
        "see https://docs.example/auth#tokens for details",
        "Idempotency-Key: 6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11",
    ],
)
def test_ordinary_text_is_left_readable(redactor: Redactor, text: str) -> None:
    assert redactor.redact_text(text) == text
    assert redactor.report.total == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send to +14155550123 now", "send to +1******0123 now"),
        ("call +1 (415) 555-0123 today", "call +1 (***) ***-0123 today"),
        ("uk +447946095812.", "uk +44******5812."),
        ("not a phone: abc+14155550123", "not a phone: abc+14155550123"),
    ],
)
def test_phone_numbers_keep_country_code_and_last_four_digits(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


def test_phone_numbers_can_be_kept() -> None:
    assert Redactor(mask_phones=False).redact_text("to +14155550123") == "to +14155550123"


def test_redaction_is_idempotent(redactor: Redactor) -> None:
    text = (f"secret {SECRET} token {TOKEN} Bearer abcdef123456 to +14155550123 "
            "password=hunter2 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
    once = redactor.redact_text(text)
    counted = redactor.report.total
    assert redactor.redact_text(once) == once
    assert redactor.report.total == counted


def test_report_counts_by_kind_without_values(redactor: Redactor) -> None:
    redactor.redact_text(f"{SECRET} {SECRET} {TOKEN} +14155550123")
    assert redactor.report.by_kind() == {"access_token": 1, "client_secret": 2, "phone": 1}
    assert SECRET not in repr(redactor.report)
    assert redactor.report.to_dict() == {
        "total": 4, "by_kind": {"access_token": 1, "client_secret": 2, "phone": 1}}


def test_reports_merge_by_addition() -> None:
    first, second = RedactionReport({"jwt": 1}), RedactionReport({"jwt": 2, "phone": 1})
    assert (first + second).by_kind() == {"jwt": 3, "phone": 1}
    first.merge(second)
    assert first == RedactionReport({"jwt": 3, "phone": 1})
    assert (first - second).by_kind() == {"jwt": 1}


def test_spawned_redactor_shares_secrets_but_counts_on_its_own(redactor: Redactor) -> None:
    child = redactor.spawn()
    assert child.redact_text(SECRET) == "[REDACTED:client_secret]"
    assert child.report.total == 1
    assert redactor.report.total == 0


def test_invalid_provider_pattern_is_refused_with_its_kind() -> None:
    with pytest.raises(ValueError, match="broken"):
        Redactor(patterns=[("broken", "trk_[")])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("client_secret", "client_secret"), ("clientSecret", "client_secret"),
        ("access_token", "access_token"), ("refresh_token", "refresh_token"),
        ("id_token", "id_token"), ("client_assertion", "client_assertion"),
        ("password", "password"), ("X-Api-Key", "api_key"), ("X-API-Key", "api_key"),
        ("Api-Key", "api_key"), ("apikey", "api_key"), ("key", "key"),
        ("X-Auth-Token", "token"), ("X-RedCloud-Signature", "signature"),
        ("X-Hub-Signature-256", "signature"), ("webhook-signature", "signature"),
        ("Stripe-Signature", "signature"), ("X-Twilio-Signature", "signature"),
        ("sig", "signature"), ("webhook_secret", "webhook_secret"), ("session_id", "session"),
        ("auth", "authorization"), ("Ocp-Apim-Subscription-Key", "api_key"),
    ],
)
def test_secret_names_are_recognised_in_any_spelling(name: str, kind: str) -> None:
    assert secret_kind(name) == kind


@pytest.mark.parametrize(
    "name",
    ["token_type", "tokenType", "expires_in", "access_token_expires_in", "key_id", "apiKeyId",
     "Idempotency-Key", "WWW-Authenticate", "client_id", "messageId", "requestId",
     "signature_method", "X-RedCloud-Timestamp", "grant_type", "tokenUrl",
     "inboundWebhookConfigured"],
)
def test_names_that_describe_secrets_are_not_secret(name: str) -> None:
    assert secret_kind(name) is None


_PARTS = st.sampled_from(["client", "api", "x", "access", "refresh", "secret", "token", "key",
                          "password", "signature", "session", "id", "type", "auth", "value",
                          "webhook", "user", "cookie", "credential", "private", "hub", "sig"])


@given(st.lists(_PARTS, min_size=1, max_size=4), st.sampled_from(["_", "-", "", "."]),
       st.booleans())
def test_every_secret_name_contains_a_trigger_word(parts: list[str], sep: str, camel: bool) -> None:
    """The cheap pre-check skips texts without a trigger word: it must never skip a secret name."""
    name = sep.join(p.capitalize() if camel and i else p for i, p in enumerate(parts))
    if secret_kind(name) is not None:
        assert any(word in name.lower() for word in TRIGGER_WORDS)


_PIECES = st.sampled_from([
    *"abcXYZ019 +-_=:;&?/\"'\n{}[]()", "token", "password=", "Bearer ", "Basic ", "eyJ", ".",
    "+14155550123", SECRET, "api_key", "Cookie: ", "whsec_", "Authorization: ", "%2F", "c2VjcmV0",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("password=awhsec_Cookie: ")  # a shape inside a value the name rule had declined
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    redactor = Redactor({"client_secret": SECRET})
    once = redactor.redact_text(text)
    assert SECRET not in once
    assert redactor.redact_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_redact_text_never_raises_on_arbitrary_text(text: str) -> None:
    redactor = Redactor({"client_secret": SECRET})
    once = redactor.redact_text(text)
    assert isinstance(once, str)
    assert SECRET not in once

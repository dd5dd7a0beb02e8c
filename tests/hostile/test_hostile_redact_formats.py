"""Issue 17.4, key formats: every well-known key format (``sk_live_``, ``rk_live_``,
``trk_``, ``xoxb-``, ``ghp_``, ``AKIA…`` …) is redacted whatever characters the key
holds, keys longer than the pattern go whole, and the patterns borrowed from the
detect-secrets plugins are still theirs (this test fails when an upgrade of detect-secrets
changes one, so the table is reviewed rather than silently stale). A realistic body full
of ids, UUIDs and phone numbers with one key in it loses exactly the key.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.redact import Redactor
from desktop.core.redact.formats import FORMATS, KeyFormat

_PLUGIN_MODULES = {
    "StripeDetector": "stripe", "AWSKeyDetector": "aws", "GitHubTokenDetector": "github_token",
    "GitLabTokenDetector": "gitlab_token", "SlackDetector": "slack",
    "SendGridDetector": "sendgrid", "PypiTokenDetector": "pypi_token",
    "OpenAIDetector": "openai", "SquareOAuthDetector": "square_oauth",
    "MailchimpDetector": "mailchimp", "AzureStorageKeyDetector": "azure_storage_key",
    "DiscordBotTokenDetector": "discord", "TelegramBotTokenDetector": "telegram_token",
}
BORROWED = [f for f in FORMATS if f.plugin is not None]


def _id(fmt: KeyFormat) -> str:
    return f"{fmt.kind}:{fmt.gate}"


def _plugin(fmt: KeyFormat) -> type:
    pytest.importorskip("detect_secrets")
    assert fmt.plugin is not None
    module = importlib.import_module(f"detect_secrets.plugins.{_PLUGIN_MODULES[fmt.plugin]}")
    return getattr(module, fmt.plugin)


@pytest.mark.parametrize("fmt", BORROWED, ids=_id)
def test_a_borrowed_pattern_is_still_the_plugins_own(fmt: KeyFormat) -> None:
    assert fmt.upstream in [pattern.pattern for pattern in _plugin(fmt).denylist]


def _secret(fmt: KeyFormat, key: str) -> str:
    match = re.fullmatch(fmt.pattern, key, re.ASCII)
    assert match is not None
    return match.group("secret") if "secret" in match.re.groupindex else key


@pytest.mark.parametrize("fmt", FORMATS, ids=_id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_key_format_is_redacted_whatever_its_characters(fmt: KeyFormat,
                                                             data: st.DataObject) -> None:
    key = data.draw(st.from_regex(re.compile(fmt.pattern, re.ASCII), fullmatch=True))
    text = f"config {key} ; done"
    out = Redactor().redact_text(text)
    kept = key[: len(key) - len(_secret(fmt, key))]  # a webhook URL keeps its ids
    assert out == f"config {kept}[REDACTED:{fmt.kind}] ; done"
    body = Redactor().redact_bytes(json.dumps({"settings": {"value": key}}).encode(),
                                   "application/json")
    assert json.loads(body) == {"settings": {"value": f"{kept}[REDACTED:{fmt.kind}]"}}
    if fmt.plugin is not None and importlib.util.find_spec("detect_secrets") is not None:
        assert any(pattern.search(text) for pattern in _plugin(fmt).denylist)  # it agrees


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.widen and not f.bounded], ids=_id)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_key_longer_than_its_pattern_goes_whole(fmt: KeyFormat, data: st.DataObject) -> None:
    """detect-secrets' patterns stop at a fixed length (24 characters of a 99-character
    Stripe key): the rest of the key must not be left behind."""
    key = data.draw(st.from_regex(re.compile(fmt.pattern, re.ASCII), fullmatch=True))
    tail = "Q9zTAILtail0123456789"
    out = Redactor().redact_text(f"key ({key}{tail}) end")
    assert tail not in out
    assert out.endswith(") end")


def test_a_message_list_with_one_key_loses_exactly_the_key() -> None:
    """No noise on what support reads: request and message ids, UUIDs, timestamps, hex
    digests, base64 payloads and E.164 numbers (masked) stay as they are."""
    results = [{"messageId": f"msg_01HF3Z6Q4J8K2M5N7P9R0S{i:04d}",
                "requestId": f"req_8f14e45fceea167a5a36dedd4bea{i:04d}",
                "idempotencyKey": f"6f1c1c52-6f0e-4a57-9a53-1f2f0d9d{i:04d}",
                "to": f"+1415555{i:04d}", "status": "QUEUED",
                "createdAt": "2024-01-01T00:00:00.000Z", "sha256": "ab" * 32,
                "payload": "SGVsbG8gZnJvbSBTd2l0Y2hib2FyZCwgbWVzc2FnZSBudW1iZXIgNDI=",
                "externalReference": f"order-{i}-ASIA-PACIFIC"} for i in range(50)]
    results[17]["note"] = "rotated key sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    r = Redactor(mask_phones=False)
    out = json.loads(r.redact_bytes(json.dumps({"results": results}).encode(),
                                    "application/json"))
    assert r.report.by_kind() == {"stripe_key": 1}
    assert out["results"][17]["note"] == "rotated key [REDACTED:stripe_key]"
    out["results"][17]["note"] = results[17]["note"]
    assert out == {"results": results}

"""Every shipped [[lint]] rule runs in the real lint engine and fires on the mistake it names.

The loader checks a rule's parameters by name and type; this checks the
engine reads them the same way: each rule below has a request breaking it
(it must be reported, and nothing may be reported as "could not run") and
each provider a clean request its rules accept.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.core.finding import Finding
from desktop.core.provider import Provider, load_registry

lint_rules = pytest.importorskip("desktop.core.lint.provider_rules")
lint_context = pytest.importorskip("desktop.core.lint.context")
spec_module = pytest.importorskip("desktop.core.client.spec")

JSON = (("Content-Type", "application/json"),)
BASES = {
    "redcloud": "https://core.redcloud.example",
    "sandbox": "http://127.0.0.1:8080",
    "ecourtdate": "https://us-east.api.ecourtdate.com",
    "viber-campaigns": "https://api.transformify.example",
    "trk-sms": "https://api.trk.example/api/v2",
    "generic": "https://api.example.test",
    "generic-apikey": "https://api.example.test",
}
KEY = "trk_" + "Ab3d" * 8
CREATIVE = {"name": "Promo", "message": "Deals: {{link1}}",
            "offer_links": [{"key": "link1", "offer_id": "offer_1"}]}
VIBER_TEMPLATE = {"name": "Survey", "messageType": 6, "templateContent": "Happy?",
                  "viberServiceId": 12345,
                  "typeSpecificConfig": {"options": ["Yes", "No"]}}
CAROUSEL = {"name": "Cards", "messageType": 5, "templateContent": "", "viberServiceId": 1,
            "typeSpecificConfig": {"items": [{"title": "First", "imageUrl": "https://c/1.png"},
                                             {"title": "Second", "imageUrl": "https://c/2.png"}]}}

# (provider, rule id, method, path, body, extra headers)
BREAKING: list[tuple[str, str, str, str, Any, tuple[tuple[str, str], ...]]] = [
    ("redcloud", "idempotency-key", "POST", "/api/core/messages/send",
     {"sendFrom": "num_1", "to": ["+14155550123"], "messageType": "SMS", "text": "x"}, ()),
    ("redcloud", "recipients-e164", "POST", "/api/core/messages/send",
     {"sendFrom": "num_1", "to": ["4155550123"], "messageType": "SMS", "text": "x"},
     (("Idempotency-Key", "k"),)),
    ("redcloud", "sendfrom-is-numberid", "POST", "/api/core/messages/send",
     {"sendFrom": "+14155550123", "to": ["+14155550199"], "messageType": "SMS", "text": "x"},
     (("Idempotency-Key", "k"),)),
    ("redcloud", "media-matches-type", "POST", "/api/core/messages/send",
     {"sendFrom": "num_1", "to": ["+14155550123"], "messageType": "MMS", "text": "x"},
     (("Idempotency-Key", "k"),)),
    ("redcloud", "send-json", "POST", "/api/core/messages/send", b'{"sendFrom": "num_1",}',
     (("Idempotency-Key", "k"),)),
    ("ecourtdate", "version-prefix", "GET", "/settings", None, ()),
    ("ecourtdate", "json-body", "POST", "/v1/messages/oneoffs", b"to=%2B14155550123", ()),
    ("viber-campaigns", "json-body", "POST", "/api/v1/viber/send", b"{'templateId': 1}", ()),
    ("trk-sms", "json-body", "POST", "/send", b'{"to": "+14155551234"', ()),
    ("ecourtdate", "timestamps", "POST", "/v1/messages",
     {"to": "+14155550123", "content": "x", "scheduled_at": "2026-11-23T14:05:09Z"}, ()),
    ("viber-campaigns", "api-prefix", "GET", "/v1/campaigns", None, ()),
    ("viber-campaigns", "key-not-in-authorization", "GET", "/api/v1/campaigns", None,
     (("Authorization", "Bearer my-key"),)),
    ("viber-campaigns", "phone-format", "POST", "/api/v1/viber/campaigns/c1/messages",
     {"phoneNumber": "070 123 456"}, ()),
    ("viber-campaigns", "max-recipients", "POST", "/api/v1/viber/send",
     {"templateId": "t", "recipients": [{"phoneNumber": "38970123456"}] * 200001}, ()),
    ("viber-campaigns", "media-https", "POST", "/api/v1/templates/viber",
     {**VIBER_TEMPLATE, "messageType": 2, "typeSpecificConfig": {"imageUrl": "http://cdn/x.jpg"}},
     ()),
    ("viber-campaigns", "template-message-type", "POST", "/api/v1/templates/viber",
     {**VIBER_TEMPLATE, "messageType": 9}, ()),
    ("viber-campaigns", "template-service-id", "POST", "/api/v1/templates/viber",
     {k: v for k, v in VIBER_TEMPLATE.items() if k != "viberServiceId"}, ()),
    ("viber-campaigns", "survey-question-length", "POST", "/api/v1/templates/viber",
     {**VIBER_TEMPLATE, "templateContent": "Why? " * 20}, ()),
    ("viber-campaigns", "survey-options", "POST", "/api/v1/templates/viber",
     {**VIBER_TEMPLATE, "typeSpecificConfig": {"options": list("abcdef")}}, ()),
    ("viber-campaigns", "carousel-items", "POST", "/api/v1/templates/viber",
     {**CAROUSEL, "typeSpecificConfig": {"items": [{"title": "Only"}]}}, ()),
    ("viber-campaigns", "carousel-title-min", "POST", "/api/v1/templates/viber",
     {**CAROUSEL, "typeSpecificConfig": {"items": [{"title": "A"}, {"title": "Bb"}]}}, ()),
    ("viber-campaigns", "carousel-title-max", "POST", "/api/v1/templates/viber",
     {**CAROUSEL, "typeSpecificConfig": {"items": [{"title": "T" * 39}, {"title": "Bb"}]}},
     ()),
    ("trk-sms", "phone-e164", "POST", "/send",
     {"to": "4155551234", "list_number": "+18005551000", "body": "x"}, ()),
    ("trk-sms", "bulk-messages", "POST", "/send/bulk",
     {"messages": [{"to": "+14155551234", "list_number": "+18005551000", "body": "x"}] * 1001},
     ()),
    ("trk-sms", "bulk-contacts", "POST", "/contacts/bulk",
     {"contacts": [{"phone_number": "+14155551234", "list_number": "+18005551000"}] * 1001}, ()),
    ("trk-sms", "bulk-records", "POST", "/import/sends",
     {"records": [{"phone_number": "+14155551234"}] * 1001}, ()),
    ("trk-sms", "creative-message-length", "POST", "/creatives",
     {**CREATIVE, "message": "{{link1}} " + "x" * 1600}, ()),
    ("trk-sms", "creative-name-length", "POST", "/creatives", {**CREATIVE, "name": "n" * 256},
     ()),
    ("trk-sms", "creative-link-placeholders", "POST", "/creatives",
     {**CREATIVE, "message": "Deals: {{link1}} and {{link2}}"}, ()),
    ("trk-sms", "confirm-destructive", "DELETE", "/contacts/665a1b2c3d4e5f6a7b8c9d0e", {}, ()),
    ("trk-sms", "confirm-true", "DELETE", "/contacts/665a1b2c3d4e5f6a7b8c9d0e",
     {"confirm": False}, ()),
    ("trk-sms", "key-not-in-authorization", "GET", "/lists", None,
     (("Authorization", f"Bearer {KEY}"),)),
]

# (provider, method, path, body, extra headers): requests the provider's rules accept.
CLEAN: list[tuple[str, str, str, Any, tuple[tuple[str, str], ...]]] = [
    ("redcloud", "POST", "/api/core/messages/send",
     {"sendFrom": "num_1", "to": ["+14155550123"], "messageType": "SMS", "text": "x"},
     (("Idempotency-Key", "k"),)),
    ("ecourtdate", "POST", "/v1/messages",
     {"to": "+14155550123", "content": "x", "scheduled_at": "2026-11-23 14:05:09"}, ()),
    ("ecourtdate", "POST", "/oauth/token",
     {"client_id": "c", "client_secret": "s", "grant_type": "client_credentials"}, ()),
    ("viber-campaigns", "POST", "/api/v1/templates/viber", VIBER_TEMPLATE, ()),
    ("viber-campaigns", "POST", "/api/v1/templates/viber", CAROUSEL, ()),
    ("viber-campaigns", "POST", "/api/v1/viber/campaigns/c1/messages",
     {"phoneNumber": "+38970123456"}, ()),
    ("trk-sms", "POST", "/send", {"to": "+14155551234", "list_number": "+18005551000",
                                  "body": "Hello"}, ()),
    ("trk-sms", "POST", "/creatives", CREATIVE, ()),
    ("trk-sms", "DELETE", "/contacts/665a1b2c3d4e5f6a7b8c9d0e", {"confirm": True}, ()),
]


@pytest.fixture(scope="module")
def providers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Provider]:
    registry = load_registry(tmp_path_factory.mktemp("no-user-providers"))
    return {provider.id: provider for provider in registry}


def run_lint(provider: Provider, method: str, path: str, body: Any,
             headers: tuple[tuple[str, str], ...]) -> list[Finding]:
    base = BASES[provider.id]
    if isinstance(body, bytes):
        raw = body
    else:
        raw = json.dumps(body).encode() if body is not None else b""
    spec = spec_module.RequestSpec(method, base + path, headers=JSON + headers, body=raw)
    ctx = lint_context.LintContext(spec, provider, base)
    return lint_rules.run_provider_rules(ctx, lint_rules.applicable_rules(ctx))


def could_not_run(findings: list[Finding]) -> list[str]:
    return [f.title for f in findings if f.extra.get("could_not_run")]


@pytest.mark.parametrize(("provider_id", "rule_id", "method", "path", "body", "headers"),
                         BREAKING, ids=[f"{p}:{r}" for p, r, *_ in BREAKING])
def test_each_shipped_rule_fires_on_the_mistake_it_names(
    providers: dict[str, Provider], provider_id: str, rule_id: str, method: str, path: str,
    body: Any, headers: tuple[tuple[str, str], ...],
) -> None:
    findings = run_lint(providers[provider_id], method, path, body, headers)
    assert could_not_run(findings) == []
    assert f"lint.{provider_id}.{rule_id}" in {f.code for f in findings}


def test_every_shipped_rule_has_a_breaking_example(providers: dict[str, Provider]) -> None:
    covered = {(provider_id, rule_id) for provider_id, rule_id, *_ in BREAKING}
    shipped = {(p.id, rule.id) for p in providers.values() for rule in p.lint
               if p.id != "sandbox"}
    assert shipped == covered


@pytest.mark.parametrize(("provider_id", "method", "path", "body", "headers"), CLEAN,
                         ids=[f"{p}:{m} {path}" for p, m, path, *_ in CLEAN])
def test_a_correct_request_passes_the_providers_rules(
    providers: dict[str, Provider], provider_id: str, method: str, path: str, body: Any,
    headers: tuple[tuple[str, str], ...],
) -> None:
    assert run_lint(providers[provider_id], method, path, body, headers) == []


def test_no_shipped_rule_is_unknown_to_the_engine(providers: dict[str, Provider]) -> None:
    kinds = set(lint_rules.KINDS)
    for provider in providers.values():
        for rule in provider.lint:
            assert rule.rule in kinds, (provider.id, rule.id)


def test_loader_and_engine_know_the_same_rule_kinds() -> None:
    """A rule kind the engine lacks would only show at run time: the loader refuses it."""
    from desktop.core.provider.sections import LINT_PARAMS

    assert set(LINT_PARAMS) == set(lint_rules.KINDS)

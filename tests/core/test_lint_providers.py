"""The shipped provider files' [[lint]] rules on realistic requests, valid and broken.

Each provider gets requests a user would really send (no error findings)
and broken ones (exactly the expected rule ids). The last test checks that
the broken cases, together, make every rule of every shipped file speak.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint import lint_request
from desktop.core.provider import Provider, load_registry

REGISTRY = load_registry()
JSON_CT = ("Content-Type", "application/json")
KEY = ("Idempotency-Key", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11")

BASES = {
    "redcloud": "https://core.redcloud.example.test",
    "sandbox": "http://127.0.0.1:8765",
    "ecourtdate": "https://staging.api.ecourtdate.com",
    "trk-sms": "https://api.trk.example.test",
    "viber-campaigns": "https://api.transformify.example.test",
    "generic": "https://api.example.test",
    "generic-apikey": "https://api.example.test",
}


@dataclass(frozen=True)
class Case:
    name: str
    provider: str
    method: str
    path: str
    body: Any = None
    headers: tuple[tuple[str, str], ...] = (JSON_CT,)
    raw: bytes | None = None
    errors: frozenset[str] = frozenset()
    """Rule ids expected as errors (provider rules) — nothing else may be an error."""
    warnings: frozenset[str] = frozenset()
    """Rule ids expected as warnings."""

    def spec(self) -> RequestSpec:
        body = self.raw if self.raw is not None else (
            json.dumps(self.body).encode() if self.body is not None else b"")
        return RequestSpec(self.method, BASES[self.provider] + self.path, self.headers, body)


def ids(*names: str) -> frozenset[str]:
    return frozenset(names)


def messages(count: int, bad_at: int | None = None) -> list[dict[str, str]]:
    return [{"to": "415-555-0199" if i == bad_at else f"+1415555{i:04d}",
             "list_number": "+14155550000", "body": f"Order {i} is ready."}
            for i in range(count)]


SEND = "/api/core/messages/send"
SMS = {"sendFrom": "num_01HV8Q3T", "to": ["+14155550123"], "messageType": "SMS",
       "text": "Your code is 123456", "externalReference": "order-1"}
TEMPLATE = "/api/v1/templates/viber"
QUESTION = "Q" * 85

VALID = [
    Case("send an SMS", "redcloud", "POST", SEND, SMS, (JSON_CT, KEY)),
    Case("send an MMS", "redcloud", "POST", SEND,
         {**SMS, "messageType": "MMS", "media": ["https://cdn.example.test/a.png"]},
         (JSON_CT, KEY)),
    Case("list numbers", "redcloud", "GET", "/api/core/numbers", headers=()),
    Case("sandbox send", "sandbox", "POST", SEND, SMS, (JSON_CT, KEY)),
    Case("send a one-off", "ecourtdate", "POST", "/v1/messages/oneoffs",
         {"to": "+14155550123", "content": "Court reminder",
          "scheduled_at": "2026-11-23 14:05:09"}),
    Case("settings for an agency", "ecourtdate", "GET", "/v1/settings?agency_reference=a1",
         headers=()),
    Case("token request", "ecourtdate", "POST", "/oauth/token",
         {"client_id": "c", "client_secret": "s", "grant_type": "client_credentials"}),
    Case("single send", "trk-sms", "POST", "/send",
         {"to": "+14155550123", "list_number": "+14155550000", "body": "Hi"}),
    Case("bulk send of 1,000", "trk-sms", "POST", "/messages/bulk", {"messages": messages(1000)}),
    Case("creative with links", "trk-sms", "POST", "/creatives",
         {"name": "Spring sale", "message": "Shop {{link1}} or {{link2}}",
          "offer_links": [{"key": "link1", "offer_id": "6630f1"}, {"key": "link2",
                                                                   "offer_id": "6630f2"}]}),
    Case("confirmed delete", "trk-sms", "DELETE", "/contacts/6630f1", {"confirm": True}),
    Case("message to a campaign", "viber-campaigns", "POST", "/api/v1/sms/campaigns/42/messages",
         {"phoneNumber": "+14155550123"}),
    Case("message status", "viber-campaigns", "GET", "/api/v1/messages?phoneNumber=%2B14155550123",
         headers=()),
    Case("text template", "viber-campaigns", "POST", TEMPLATE,
         {"name": "Hello", "messageType": 1, "templateContent": "Hello", "viberServiceId": 3,
          "imageUrl": "https://cdn.example.test/a.png"}),
    Case("survey template", "viber-campaigns", "POST", TEMPLATE,
         {"name": "Survey", "messageType": 6, "templateContent": QUESTION, "viberServiceId": 3,
          "typeSpecificConfig": {"question": QUESTION, "options": ["Yes", "No"]}}),
    Case("carousel template", "viber-campaigns", "PUT", TEMPLATE + "/17",
         {"name": "Carousel", "messageType": 7, "templateContent": "Pick one",
          "typeSpecificConfig": {"items": [
              {"title": "Tea", "imageUrl": "https://cdn.example.test/t.png"},
              {"title": "T" * 38, "imageUrl": "https://cdn.example.test/c.png"}]}}),
    Case("plain GET", "generic", "GET", "/status", headers=()),
    Case("plain POST", "generic-apikey", "POST", "/items", {"a": 1}),
]

BROKEN = [
    Case("send with every documented mistake", "redcloud", "POST", SEND,
         {**SMS, "sendFrom": "+14155550100", "to": ["(415) 555-0123"],
          "media": ["https://cdn.example.test/a.png"]},
         errors=ids("idempotency-key", "recipients-e164", "sendfrom-is-numberid",
                    "media-matches-type")),
    Case("send with broken JSON", "redcloud", "POST", SEND, headers=(JSON_CT, KEY),
         raw=b'{"sendFrom": "num_1", "to": ["+14155550123"],}', errors=ids("send-json")),
    Case("MMS without media", "sandbox", "POST", SEND, {**SMS, "messageType": "MMS"},
         (JSON_CT, KEY), errors=ids("media-matches-type")),
    Case("missing /v1/", "ecourtdate", "GET", "/settings", headers=(),
         errors=ids("version-prefix")),
    Case("ISO timestamp, no Content-Type", "ecourtdate", "POST", "/v1/messages/oneoffs",
         {"to": "+14155550123", "content": "x", "scheduled_at": "2026-11-23T14:05:09Z"},
         headers=(), errors=ids("timestamps", "json-body")),
    Case("bulk over 1,000 with a bad number", "trk-sms", "POST", "/messages/bulk",
         {"messages": messages(1001, bad_at=7)}, errors=ids("bulk-messages", "phone-e164")),
    Case("contacts and records over 1,000", "trk-sms", "POST", "/contacts/bulk",
         {"contacts": [{"phone_number": "+14155550123"}] * 1001,
          "records": [{"phone_number": "+14155550123"}] * 1001},
         errors=ids("bulk-contacts", "bulk-records")),
    Case("creative too long, no placeholder", "trk-sms", "POST", "/creatives",
         {"name": "n" * 256, "message": "m" * 1601, "offer_links": []},
         errors=ids("creative-message-length", "creative-name-length",
                    "creative-link-placeholders")),
    Case("creative placeholder without link", "trk-sms", "PUT", "/creatives/6630f1",
         {"name": "Sale", "message": "Shop {{link2}}", "offer_links": [{"key": "link1"}]},
         errors=ids("creative-link-placeholders")),
    Case("delete without confirm", "trk-sms", "DELETE", "/contacts/6630f1", headers=(),
         warnings=ids("confirm-destructive")),
    Case("delete with confirm false", "trk-sms", "DELETE", "/contacts/6630f1",
         {"confirm": False}, warnings=ids("confirm-true")),
    Case("key in Authorization, broken JSON", "trk-sms", "POST", "/send",
         headers=(JSON_CT, ("Authorization", "Bearer trk_" + "a1B2" * 8)),
         raw=b"{'to': '+14155550123'}", errors=ids("key-not-in-authorization", "json-body")),
    Case("missing /api/v1/, bad phone", "viber-campaigns", "POST", "/sms/campaigns/42/messages",
         {"phoneNumber": "(415) 555-0123"}, errors=ids("api-prefix", "phone-format")),
    Case("Authorization header", "viber-campaigns", "GET", "/api/v1/campaigns/42",
         headers=(("Authorization", "Bearer k"),), warnings=ids("key-not-in-authorization")),
    Case("JSON sent as a form", "viber-campaigns", "POST", "/api/v1/sms/campaigns/42/messages",
         {"phoneNumber": "+14155550123"},
         headers=(("Content-Type", "application/x-www-form-urlencoded"),),
         errors=ids("json-body")),
    Case("too many recipients", "viber-campaigns", "POST", "/api/v1/sms/campaigns/42/recipients",
         {"recipients": [{"phoneNumber": "+14155550123"}] * 200_001},
         errors=ids("max-recipients")),
    Case("template type, service id, http media", "viber-campaigns", "POST", TEMPLATE,
         {"name": "T", "messageType": 9, "templateContent": "x",
          "imageUrl": "http://cdn.example.test/a.png"},
         errors=ids("template-message-type", "template-service-id", "media-https")),
    Case("survey too long, one option", "viber-campaigns", "PUT", TEMPLATE + "/17",
         {"messageType": 6, "templateContent": QUESTION + "?",
          "typeSpecificConfig": {"options": ["Only"]}},
         errors=ids("survey-question-length", "survey-options")),
    Case("carousel of six, bad titles", "viber-campaigns", "PUT", TEMPLATE + "/17",
         {"messageType": 7, "templateContent": "x", "typeSpecificConfig": {"items": [
             {"title": "a"}, {"title": "T" * 39}, {"title": "ok"}, {"title": "ok"},
             {"title": "ok"}, {"title": "ok"}]}},
         errors=ids("carousel-items", "carousel-title-min", "carousel-title-max")),
]


def provider(case: Case) -> Provider:
    return REGISTRY.require(case.provider)


def run(case: Case) -> list[Finding]:
    return lint_request(case.spec(), provider(case), base_url=BASES[case.provider])


def rule_ids(findings: list[Finding], provider_id: str, severity: Severity) -> set[str]:
    prefix = f"lint.{provider_id}."
    return {f.code.removeprefix(prefix) for f in findings
            if f.code.startswith(prefix) and f.severity is severity}


def test_every_shipped_provider_file_loads() -> None:
    assert REGISTRY.problems == []
    assert set(BASES) <= {p.id for p in REGISTRY}


@pytest.mark.parametrize("case", VALID, ids=lambda c: f"{c.provider}: {c.name}")
def test_realistic_valid_request_has_no_error_or_warning(case: Case) -> None:
    findings = run(case)
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    assert not any(f.extra.get("could_not_run") for f in findings)


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: f"{c.provider}: {c.name}")
def test_realistic_broken_request_gets_exactly_the_expected_findings(case: Case) -> None:
    findings = run(case)
    assert rule_ids(findings, case.provider, Severity.ERROR) == case.errors
    assert rule_ids(findings, case.provider, Severity.WARN) == case.warnings
    generic = [f.code for f in findings if f.code.count(".") == 1
               and f.severity is not Severity.INFO]
    assert generic == []
    assert not any(f.extra.get("could_not_run") for f in findings)


@pytest.mark.parametrize("provider_id", sorted(BASES))
def test_the_broken_cases_make_every_rule_of_the_file_speak(provider_id: str) -> None:
    rules = {rule.id for rule in REGISTRY.require(provider_id).lint}
    expected = set()
    for case in BROKEN:
        if case.provider == provider_id:
            expected |= case.errors | case.warnings
    # sandbox extends redcloud: one of its cases is enough there, the rest run as redcloud's
    if provider_id == "sandbox":
        expected |= {r for c in BROKEN if c.provider == "redcloud" for r in c.errors}
    assert rules <= expected, f"rules never exercised: {sorted(rules - expected)}"


def test_redcloud_findings_read_as_next_actions() -> None:
    findings = run(BROKEN[0])
    by_rule = {f.code.rsplit(".", 1)[1]: f for f in findings}
    assert by_rule["idempotency-key"].fix == "generate_uuid"
    assert by_rule["recipients-e164"].fix_value == "+14155550123"
    assert by_rule["recipients-e164"].location == "body:to[0]"
    assert "numberId" in by_rule["sendfrom-is-numberid"].causes[0]
    assert by_rule["media-matches-type"].fix_value == "MMS"


def test_generic_providers_still_get_the_generic_rules() -> None:
    case = Case("bad", "generic-apikey", "POST", "/items", headers=(("X-Api-Key", " k"),),
                raw=b"{")
    codes = {f.code for f in run(case)}
    assert {"lint.header_value_whitespace", "lint.content_type_missing",
            "lint.body_not_json", "lint.credentials_replaced"} <= codes

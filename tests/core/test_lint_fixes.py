"""Automatic fixes: each one removes the finding that offered it, and touches nothing else."""

from __future__ import annotations

import json
import uuid

import pytest

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint import FIXES, apply_fix, lint_request
from desktop.core.provider.model import Auth, AuthType, LintRule, Provider

BASE = "https://api.acme.test"
JSON = (("Content-Type", "application/json"),)


def provider(*rules: LintRule) -> Provider:
    return Provider(id="acme", name="Acme", lint=rules,
                    auth=Auth(type=AuthType.OAUTH2_CLIENT_CREDENTIALS, token_path="/t"))


def the(findings: list[Finding], code: str) -> Finding:
    [found] = [f for f in findings if f.code == code]
    return found


def fixed_and_relinted(spec: RequestSpec, code: str, prov: Provider | None = None,
                       ) -> tuple[RequestSpec, list[Finding]]:
    finding = the(lint_request(spec, prov, base_url=BASE), code)
    assert finding.fix in FIXES
    repaired = apply_fix(spec, finding)
    return repaired, [f for f in lint_request(repaired, prov, base_url=BASE) if f.code == code]


def test_generate_uuid_sets_a_new_idempotency_key() -> None:
    rule = LintRule(id="idem", rule="required_header",
                    params={"header": "Idempotency-Key", "fix": "generate_uuid"})
    spec = RequestSpec("POST", BASE + "/send", JSON, b"{}")
    repaired, left = fixed_and_relinted(spec, "lint.acme.idem", provider(rule))
    assert left == []
    assert uuid.UUID(repaired.header("Idempotency-Key") or "").version == 4


@pytest.mark.parametrize("headers", [(), (("Content-Type", "text/plain"),)])
def test_set_content_type_json_removes_the_missing_or_wrong_content_type(
        headers: tuple[tuple[str, str], ...]) -> None:
    spec = RequestSpec("POST", BASE + "/send", headers, b'{"a": 1}')
    code = "lint.content_type_mismatch" if headers else "lint.content_type_missing"
    repaired, left = fixed_and_relinted(spec, code)
    assert left == []
    assert repaired.header("Content-Type") == "application/json"
    assert len(repaired.headers) == 1


def test_replace_value_writes_the_e164_suggestion_into_the_body() -> None:
    rule = LintRule(id="to", rule="e164", params={"fields": ["to[]"]})
    body = (b'{\n  "to": [\n    "+14155550123",\n    "(415) 555-0124"\n  ],\n'
            b'  "text": "hi \xc3\xa9"\n}\n')
    spec = RequestSpec("POST", BASE + "/send", JSON, body)
    repaired, left = fixed_and_relinted(spec, "lint.acme.to", provider(rule))
    assert left == []
    assert json.loads(repaired.body) == {"to": ["+14155550123", "+14155550124"], "text": "hi é"}
    text = repaired.body.decode()
    assert text.startswith('{\n  "to": [\n    "+14155550123"')   # the user's indentation kept
    assert text.endswith("}\n")
    assert "é" in text


def test_replace_value_keeps_a_compact_body_compact() -> None:
    rule = LintRule(id="type", rule="media_matches_type",
                    params={"type_field": "messageType", "media_field": "media"})
    spec = RequestSpec("POST", BASE + "/send", JSON, b'{"messageType":"SMS","media":["a"]}')
    repaired, left = fixed_and_relinted(spec, "lint.acme.type", provider(rule))
    assert left == []
    assert repaired.body == b'{"messageType":"MMS","media":["a"]}'


def test_replace_value_encodes_a_query_parameter_and_leaves_the_others_alone() -> None:
    rule = LintRule(id="q", rule="e164", params={"query": ["phoneNumber"]})
    spec = RequestSpec("GET", BASE + "/messages?a=x%20y&phoneNumber=+14155550123&b=2")
    repaired, left = fixed_and_relinted(spec, "lint.acme.q", provider(rule))
    assert left == []
    assert repaired.url == BASE + "/messages?a=x%20y&phoneNumber=%2B14155550123&b=2"


@pytest.mark.parametrize(("url", "code"), [
    (BASE + "/clients\n", "lint.url_whitespace"),
    ("http://api.acme.test/v1/clients", "lint.url_insecure"),
    ("https://other.test/v1/clients", "lint.url_other_origin"),
])
def test_replace_value_on_the_url(url: str, code: str) -> None:
    repaired, left = fixed_and_relinted(RequestSpec("GET", url), code)
    assert left == []
    assert repaired.url.startswith(BASE)


def test_replace_value_inserts_a_missing_version_prefix() -> None:
    rule = LintRule(id="v1", rule="path_prefix", params={"prefix": "/v1/"})
    repaired, left = fixed_and_relinted(RequestSpec("GET", BASE + "/clients"), "lint.acme.v1",
                                        provider(rule))
    assert left == []
    assert repaired.url == BASE + "/v1/clients"


def test_trim_header_strips_a_pasted_newline_and_keeps_the_header_in_place() -> None:
    spec = RequestSpec("POST", BASE + "/s", (("X-Api-Key", "trk_abc\r\n"), *JSON), b"{}")
    repaired, left = fixed_and_relinted(spec, "lint.header_value_newline")
    assert left == []
    assert repaired.headers == (("X-Api-Key", "trk_abc"), *JSON)


def test_trim_header_fixes_surrounding_spaces() -> None:
    spec = RequestSpec("POST", BASE + "/s", (("X-Api-Key", "  trk_abc "), *JSON), b"{}")
    repaired, left = fixed_and_relinted(spec, "lint.header_value_whitespace")
    assert left == []
    assert repaired.header("X-Api-Key") == "trk_abc"


def test_remove_header_drops_the_hand_typed_authorization() -> None:
    spec = RequestSpec("POST", BASE + "/s", (("Authorization", "Bearer mine"), *JSON), b"{}")
    repaired, left = fixed_and_relinted(spec, "lint.credentials_replaced", provider())
    assert left == []
    assert repaired.header("Authorization") is None


def test_apply_fix_without_a_fix_is_a_value_error() -> None:
    finding = Finding(code="lint.x", severity=Severity.WARN, title="t", source="lint")
    with pytest.raises(ValueError, match="no automatic fix"):
        apply_fix(RequestSpec("GET", BASE), finding)


def test_stale_fix_leaves_the_spec_unchanged() -> None:
    finding = Finding(code="lint.x", severity=Severity.ERROR, title="t", source="lint",
                      location="body:to[5]", fix="replace_value", fix_value="+14155550123")
    spec = RequestSpec("POST", BASE, JSON, b'{"to": ["+14155550123"]}')
    assert apply_fix(spec, finding) == spec
    broken = RequestSpec("POST", BASE, JSON, b'{"to": [')
    assert apply_fix(broken, finding) == broken

"""Every provider rule kind: it speaks when the request breaks the rule, and only then."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint import KINDS, lint_request
from desktop.core.provider.model import Auth, AuthType, LintRule, Provider
from desktop.core.provider.sections import LINT_RULES

BASE = "https://api.acme.test"
JSON = (("Content-Type", "application/json"),)


def rule(kind: str, rule_id: str = "r", *, method: tuple[str, ...] = (), path: str | None = None,
         severity: str = "error", message: str = "", **params: Any) -> LintRule:
    return LintRule(id=rule_id, rule=kind, method=method, path=path, severity=severity,
                    message=message, params=params)


def provider(*rules: LintRule, timestamp_format: str | None = None) -> Provider:
    return Provider(id="acme", name="Acme", lint=rules, timestamp_format=timestamp_format,
                    auth=Auth(type=AuthType.NONE))


def post(path: str, body: Any = None, *, headers: tuple[tuple[str, str], ...] = JSON,
         method: str = "POST", raw: bytes | None = None) -> RequestSpec:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    return RequestSpec(method, BASE + path, headers, data)


def from_rule(spec: RequestSpec, *rules: LintRule, base_url: str = BASE,
              timestamp_format: str | None = None) -> list[Finding]:
    findings = lint_request(spec, provider(*rules, timestamp_format=timestamp_format),
                            base_url=base_url)
    return [f for f in findings if f.code.startswith("lint.acme.")]


def test_every_rule_kind_the_loader_accepts_is_implemented() -> None:
    assert set(KINDS) == set(LINT_RULES)


# -- required_header --------------------------------------------------------------------------


def test_required_header_missing_is_reported_with_its_fix() -> None:
    r = rule("required_header", "idem", header="Idempotency-Key", fix="generate_uuid",
             message="Sends need a key.")
    [f] = from_rule(post("/send", {"a": 1}), r)
    assert f.code == "lint.acme.idem"
    assert f.severity is Severity.ERROR
    assert f.source == "lint"
    assert f.location == "header:Idempotency-Key"
    assert f.fix == "generate_uuid"
    assert "Idempotency-Key" in f.title
    assert f.causes == ("Sends need a key.",)
    assert f.next_action


def test_required_header_present_is_silent_and_empty_is_not() -> None:
    r = rule("required_header", header="Idempotency-Key")
    assert from_rule(post("/send", {}, headers=(*JSON, ("idempotency-key", "k1"))), r) == []
    [f] = from_rule(post("/send", {}, headers=(*JSON, ("Idempotency-Key", "  "))), r)
    assert "empty" in f.title


def test_rule_applies_only_to_its_method_and_path() -> None:
    r = rule("required_header", header="Idempotency-Key", method=("POST",),
             path="/api/core/messages/send")
    assert from_rule(post("/api/core/messages/send", {}), r)
    assert from_rule(post("/api/core/messages/send", {}, method="PUT"), r) == []
    assert from_rule(post("/api/core/numbers", {}), r) == []


def test_rule_path_is_matched_after_the_base_urls_own_path() -> None:
    r = rule("required_header", header="X-Key", path="/v1/*")
    spec = RequestSpec("GET", "https://h.test/api/v1/clients")
    assert from_rule(spec, r, base_url="https://h.test/api")
    assert from_rule(RequestSpec("GET", "https://h.test/api/v2/clients"), r,
                     base_url="https://h.test/api") == []


# -- e164 -------------------------------------------------------------------------------------


def test_e164_flags_each_recipient_and_suggests_the_e164_form() -> None:
    r = rule("e164", fields=["to[]"])
    [f] = from_rule(post("/send", {"to": ["+14155550123", "(415) 555-0124"]}), r)
    assert f.location == "body:to[1]"
    assert f.fix == "replace_value"
    assert f.fix_value == "+14155550124"
    assert "did you mean +14155550124?" in f.title


def test_e164_accepts_valid_numbers_and_ignores_absent_fields() -> None:
    r = rule("e164", fields=["to[]", "list_number", "messages[].to"])
    body = {"to": ["+14155550123", "+447400123456"], "messages": [{"to": "+4915123456789"}]}
    assert from_rule(post("/send", body), r) == []


def test_e164_without_a_derivable_number_offers_no_fix() -> None:
    r = rule("e164", fields=["to"])
    [f] = from_rule(post("/send", {"to": "+1 555 555 5555"}), r)
    assert f.fix is None
    assert f.fix_value is None
    assert "not a valid E.164" in f.title


def test_e164_reads_a_bare_field_holding_a_list_element_by_element() -> None:
    r = rule("e164", fields=["to"])
    [f] = from_rule(post("/send", {"to": ["+14155550123", "14155550124"]}), r)
    assert f.location == "body:to[1]"
    assert f.fix_value == "+14155550124"


def test_e164_uses_the_rules_region_hint() -> None:
    r = rule("e164", fields=["to"], region="GB")
    [f] = from_rule(post("/send", {"to": "020 8366 1177"}), r)
    assert f.fix_value == "+442083661177"


def test_e164_flags_a_number_sent_as_a_json_number() -> None:
    [f] = from_rule(post("/send", {"to": 14155550123}), rule("e164", fields=["to"]))
    assert f.fix_value == "+14155550123"


def test_e164_checks_query_parameters() -> None:
    r = rule("e164", query=["phoneNumber"])
    spec = RequestSpec("GET", BASE + "/messages?phoneNumber=4155550123&page=2")
    [f] = from_rule(spec, r)
    assert f.location == "query:phoneNumber"
    assert f.fix_value == "+14155550123"
    assert from_rule(RequestSpec("GET", BASE + "/messages?phoneNumber=%2B14155550123"), r) == []


def test_e164_query_with_a_bare_plus_says_to_encode_it() -> None:
    spec = RequestSpec("GET", BASE + "/messages?phoneNumber=+14155550123")
    [f] = from_rule(spec, rule("e164", query=["phoneNumber"]))
    assert "%2B" in f.title
    assert f.fix_value == "+14155550123"


def test_e164_skips_unfilled_template_values() -> None:
    assert from_rule(post("/send", {"to": ["{{recipient}}"]}), rule("e164", fields=["to[]"])) == []


def test_many_bad_values_collapse_into_a_summary() -> None:
    body = {"to": [f"555-01{i:02d}" for i in range(30)]}
    findings = from_rule(post("/send", body), rule("e164", fields=["to[]"]))
    assert len(findings) == 21
    assert "10 more" in findings[-1].title


# -- not_phone_number -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["+14155550100", "(415) 555-0100", "4155550100"])
def test_not_phone_number_flags_a_phone_number_where_an_id_belongs(value: str) -> None:
    r = rule("not_phone_number", field="sendFrom", message="sendFrom takes the numberId.")
    [f] = from_rule(post("/send", {"sendFrom": value}), r)
    assert f.location == "body:sendFrom"
    assert "+14155550100" in f.title
    assert "numberId" in f.next_action


@pytest.mark.parametrize("value", ["num_8f2c1a", "12345", "6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"])
def test_not_phone_number_accepts_ids(value: str) -> None:
    assert from_rule(post("/send", {"sendFrom": value}),
                     rule("not_phone_number", field="sendFrom")) == []


# -- media_matches_type -----------------------------------------------------------------------

MEDIA = rule("media_matches_type", type_field="messageType", media_field="media")


def test_sms_with_media_is_flagged_with_a_switch_to_mms() -> None:
    [f] = from_rule(post("/send", {"messageType": "SMS", "media": ["https://x.test/a.png"]}),
                    MEDIA)
    assert f.location == "body:messageType"
    assert (f.fix, f.fix_value) == ("replace_value", "MMS")


def test_mms_without_media_is_flagged() -> None:
    [f] = from_rule(post("/send", {"messageType": "MMS", "media": []}), MEDIA)
    assert f.fix_value == "SMS"
    assert "missing or empty" in f.title


@pytest.mark.parametrize("body", [
    {"messageType": "SMS", "text": "hi"},
    {"messageType": "MMS", "media": ["https://x.test/a.png"]},
    {"text": "no type at all"},
])
def test_media_matching_the_type_is_silent(body: dict) -> None:
    assert from_rule(post("/send", body), MEDIA) == []


def test_media_rule_uses_its_own_type_names() -> None:
    r = rule("media_matches_type", type_field="kind", media_field="files", sms="text",
             mms="picture")
    [f] = from_rule(post("/send", {"kind": "text", "files": ["a"]}), r)
    assert f.fix_value == "picture"


# -- sizes and counts -------------------------------------------------------------------------


def test_max_items_flags_a_list_over_the_limit() -> None:
    r = rule("max_items", field="messages", max=3)
    [f] = from_rule(post("/bulk", {"messages": [{}] * 4}), r)
    assert f.location == "body:messages"
    assert "4 items" in f.title
    assert from_rule(post("/bulk", {"messages": [{}] * 3}), r) == []


def test_max_length_flags_long_strings_in_a_projection() -> None:
    r = rule("max_length", fields=["items[].title"], max=5)
    body = {"items": [{"title": "short"}, {"title": "too long"}]}
    [f] = from_rule(post("/t", body), r)
    assert f.location == "body:items[1].title"
    assert from_rule(post("/t", {"items": [{"title": "fits"}]}), r) == []


def test_min_length_flags_short_strings() -> None:
    r = rule("min_length", fields=["title"], min=2)
    [f] = from_rule(post("/t", {"title": "a"}), r)
    assert "at least 2" in f.title
    assert from_rule(post("/t", {"title": "ab"}), r) == []


@pytest.mark.parametrize(("count", "flagged"), [(1, True), (2, False), (5, False), (6, True)])
def test_count_range_needs_between_min_and_max_items(count: int, flagged: bool) -> None:
    r = rule("count_range", field="options", min=2, max=5)
    assert bool(from_rule(post("/t", {"options": ["x"] * count}), r)) is flagged


def test_complex_expressions_are_evaluated_and_located_when_possible() -> None:
    r = rule("max_length", fields=["[@][?messageType == `6`].templateContent | [0]"], max=5)
    [f] = from_rule(post("/t", {"messageType": 6, "templateContent": "a question?"}), r)
    assert f.location == "body:templateContent"
    assert from_rule(post("/t", {"messageType": 1, "templateContent": "a question?"}), r) == []


# -- timestamp_format -------------------------------------------------------------------------

STAMP = rule("timestamp_format", fields=["scheduled_at"], format="%Y-%m-%d %H:%M:%S")


def test_timestamp_in_iso_form_gets_the_expected_form_suggested() -> None:
    [f] = from_rule(post("/m", {"scheduled_at": "2026-11-23T16:05:09+02:00"}), STAMP)
    assert f.fix_value == "2026-11-23 14:05:09"
    assert "did you mean 2026-11-23 14:05:09?" in f.title


def test_timestamp_as_epoch_seconds_is_converted_in_the_suggestion() -> None:
    [f] = from_rule(post("/m", {"scheduled_at": 1700000000}), STAMP)
    assert f.fix_value == "2023-11-14 22:13:20"


def test_timestamp_in_the_expected_form_is_silent() -> None:
    assert from_rule(post("/m", {"scheduled_at": "2026-11-23 14:05:09"}), STAMP) == []


def test_timestamp_rule_falls_back_to_the_providers_format() -> None:
    r = rule("timestamp_format", fields=["at"])
    spec = post("/m", {"at": "2026-11-23 14:05:09"})
    [f] = from_rule(spec, r, timestamp_format="%Y-%m-%dT%H:%M:%SZ")
    assert f.fix_value == "2026-11-23T14:05:09Z"
    [missing] = from_rule(spec, r)
    assert missing.severity is Severity.INFO
    assert "could not run" in missing.title


def test_unreadable_timestamp_has_no_fix() -> None:
    [f] = from_rule(post("/m", {"scheduled_at": "next tuesday"}), STAMP)
    assert f.fix is None
    assert "2026-11-23 14:05:09" in f.title


# -- path_prefix ------------------------------------------------------------------------------


def test_path_without_the_version_prefix_is_flagged_with_the_corrected_url() -> None:
    r = rule("path_prefix", prefix="/v1/")
    [f] = from_rule(RequestSpec("GET", BASE + "/clients?page=2"), r)
    assert f.location == "url"
    assert f.fix_value == BASE + "/v1/clients?page=2"
    assert from_rule(RequestSpec("GET", BASE + "/v1/clients"), r) == []


def test_path_prefix_is_checked_after_the_base_urls_own_path() -> None:
    r = rule("path_prefix", prefix="/v1/")
    [f] = from_rule(RequestSpec("GET", "https://h.test/api/clients"), r,
                    base_url="https://h.test/api")
    assert f.fix_value == "https://h.test/api/v1/clients"
    assert from_rule(RequestSpec("GET", "https://h.test/api/v1/clients"), r,
                     base_url="https://h.test/api") == []


def test_path_prefix_already_in_the_base_url_is_accepted() -> None:
    r = rule("path_prefix", prefix="/api/v1/")
    assert from_rule(RequestSpec("GET", "https://h.test/api/v1/campaigns"), r,
                     base_url="https://h.test/api/v1") == []


# -- https_urls -------------------------------------------------------------------------------


def test_http_media_url_is_flagged_with_the_https_form() -> None:
    r = rule("https_urls", fields=["imageUrl", "cfg.items[].imageUrl"])
    body = {"imageUrl": "https://cdn.test/a.png", "cfg": {"items": [{"imageUrl": "http://cdn.test/b.png"}]}}
    [f] = from_rule(post("/t", body), r)
    assert f.location == "body:cfg.items[0].imageUrl"
    assert f.fix_value == "https://cdn.test/b.png"


def test_non_url_media_is_flagged_without_a_fix() -> None:
    [f] = from_rule(post("/t", {"imageUrl": "cdn.test/a.png"}),
                    rule("https_urls", fields=["imageUrl"]))
    assert f.fix is None


# -- link_placeholders ------------------------------------------------------------------------

LINKS = rule("link_placeholders", field="message", links_field="offer_links", key="key")


def test_every_link_placeholder_with_an_offer_link_is_silent() -> None:
    body = {"message": "Deal: {{link1}} or {{link2}}",
            "offer_links": [{"key": "link1", "offer_id": "o1"}, {"key": "link2", "offer_id": "o2"}]}
    assert from_rule(post("/creatives", body), LINKS) == []


def test_placeholder_without_an_offer_link_is_named() -> None:
    body = {"message": "Deal: {{link1}} or {{link2}}", "offer_links": [{"key": "link1"}]}
    [f] = from_rule(post("/creatives", body), LINKS)
    assert "{{link2}}" in f.title
    assert "{{link1}}" not in f.title
    assert f.location == "body:offer_links"


def test_message_without_any_placeholder_is_flagged_unless_the_rule_allows_none() -> None:
    body = {"message": "No link here", "offer_links": []}
    [f] = from_rule(post("/creatives", body), LINKS)
    assert "no {{linkN}} placeholder" in f.title
    relaxed = rule("link_placeholders", field="message", links_field="offer_links", min=0)
    assert from_rule(post("/creatives", body), relaxed) == []


def test_offer_link_without_its_key_is_flagged() -> None:
    body = {"message": "{{link1}}", "offer_links": [{"offer_id": "o1"}]}
    titles = [f.title for f in from_rule(post("/creatives", body), LINKS)]
    assert any("offer_links[0] has no key" in t for t in titles)
    assert any("{{link1}}" in t for t in titles)


# -- json_body --------------------------------------------------------------------------------

JSON_RULE = rule("json_body")


def test_json_body_reports_the_parsers_line_and_column() -> None:
    [f] = from_rule(post("/m", raw=b'{\n  "to": "x"\n  "body": 1\n}'), JSON_RULE)
    assert f.location == "body"
    assert "line 3, column 3" in f.title
    assert (f.extra["line"], f.extra["column"]) == (3, 3)


def test_json_body_needs_a_json_content_type() -> None:
    [missing] = from_rule(post("/m", {"a": 1}, headers=()), JSON_RULE)
    assert (missing.location, missing.fix) == ("header:Content-Type", "set_content_type_json")
    [wrong] = from_rule(post("/m", {"a": 1}, headers=(("Content-Type", "text/plain"),)),
                        JSON_RULE)
    assert "text/plain" in wrong.title


def test_json_body_accepts_json_and_an_empty_body() -> None:
    assert from_rule(post("/m", {"a": 1}), JSON_RULE) == []
    assert from_rule(post("/m", {"a": 1}, headers=(("Content-Type",
                                                    "application/json; charset=utf-8"),)),
                     JSON_RULE) == []
    assert from_rule(post("/m"), JSON_RULE) == []


# -- pattern ----------------------------------------------------------------------------------


def test_pattern_on_fields_flags_values_that_do_not_match() -> None:
    r = rule("pattern", fields=["phoneNumber"], regex=r"^\+?\d{10,15}$",
             message="Phone numbers are 10 to 15 digits.")
    [f] = from_rule(post("/m", {"phoneNumber": "415-555-0123"}), r)
    assert f.title == "phoneNumber: Phone numbers are 10 to 15 digits."
    assert f.location == "body:phoneNumber"
    assert from_rule(post("/m", {"phoneNumber": "+14155550123"}), r) == []


def test_pattern_reads_non_string_values_as_their_json_text() -> None:
    r = rule("pattern", fields=["confirm"], regex="(?i)^true$")
    assert from_rule(post("/x", {"confirm": True}, method="DELETE"), r) == []
    assert from_rule(post("/x", {"confirm": False}, method="DELETE"), r)
    r6 = rule("pattern", fields=["messageType"], regex="^[1-8]$")
    assert from_rule(post("/t", {"messageType": 6}), r6) == []
    assert from_rule(post("/t", {"messageType": 9}), r6)


def test_a_lookaround_pattern_cannot_run_and_says_why() -> None:
    [f] = from_rule(post("/m", {"x": "y"}), rule("pattern", fields=["x"], regex="^(?!y)"))
    assert f.extra.get("could_not_run") is True
    assert "lookaround" in f.title or "cannot be used" in f.title


def test_pattern_on_a_header_never_quotes_the_value() -> None:
    r = rule("pattern", header="Authorization", forbid="trk_",
             message="The trk_ key goes in X-Api-Key.")
    secret = "trk_" + "A1" * 16
    [f] = from_rule(post("/m", {}, headers=(*JSON, ("Authorization", f"Bearer {secret}"))), r)
    assert f.location == "header:Authorization"
    assert secret not in json.dumps(f.to_dict())
    assert from_rule(post("/m", {}, headers=(*JSON, ("Authorization", "Bearer abc"))), r) == []
    assert from_rule(post("/m", {}), r) == []


def test_pattern_on_a_query_parameter() -> None:
    r = rule("pattern", query=["status"], regex="^(Pending|Sending|Failed)$")
    assert from_rule(RequestSpec("GET", BASE + "/messages?status=Pending"), r) == []
    [f] = from_rule(RequestSpec("GET", BASE + "/messages?status=done"), r)
    assert f.location == "query:status"


# -- required_field ---------------------------------------------------------------------------


def test_required_field_missing_is_reported() -> None:
    r = rule("required_field", fields=["viberServiceId"], severity="warn")
    [f] = from_rule(post("/t", {"name": "x"}), r)
    assert f.severity is Severity.WARN
    assert f.location == "body:viberServiceId"
    assert from_rule(post("/t", {"viberServiceId": 7}), r) == []


def test_required_field_on_an_empty_body_is_reported_but_not_on_broken_json() -> None:
    r = rule("required_field", fields=["confirm"])
    assert from_rule(post("/x", method="DELETE"), r)
    assert from_rule(post("/x", raw=b"{confirm: true}", method="DELETE"), r) == []


# -- rules that cannot run --------------------------------------------------------------------


def test_unknown_rule_kind_is_an_info_finding_not_an_exception() -> None:
    [f] = from_rule(post("/m", {}), rule("no_such_kind", "future"))
    assert f.severity is Severity.INFO
    assert f.code == "lint.acme.future"
    assert "could not run" in f.title
    assert f.extra["could_not_run"] is True


@pytest.mark.parametrize("bad", [
    rule("max_items", field="messages"),                   # max missing
    rule("max_items", field="messages", max="ten"),        # wrong type
    rule("pattern", fields=["a"], regex="("),              # does not compile
    rule("e164"),                                          # neither fields nor query
])
def test_rule_with_bad_parameters_says_it_could_not_run(bad: LintRule) -> None:
    [f] = from_rule(post("/m", {"messages": [], "a": "x"}), bad)
    assert f.severity is Severity.INFO
    assert "could not run" in f.title

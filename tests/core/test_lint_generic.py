"""Generic lint rules: they hold for any request, with or without a provider."""

from __future__ import annotations

import json

import pytest

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint import lint_request
from desktop.core.provider.model import Auth, AuthType, LintRule, Provider

BASE = "https://api.acme.test"
JSON = (("Content-Type", "application/json"),)
OAUTH = Provider(id="acme", name="Acme",
                 auth=Auth(type=AuthType.OAUTH2_CLIENT_CREDENTIALS, token_path="/oauth/token"))
API_KEY = Provider(id="keyed", name="Keyed", auth=Auth(type=AuthType.API_KEY, header="X-Api-Key"))


def spec(url: str = BASE + "/v1/messages", *, method: str = "POST",
         headers: tuple[tuple[str, str], ...] = JSON, body: object = None,
         raw: bytes | None = None, attach_auth: bool = True) -> RequestSpec:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    return RequestSpec(method, url, headers, data, attach_auth=attach_auth)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> Finding:
    [found] = [f for f in findings if f.code == code]
    return found


def test_a_clean_request_has_no_findings() -> None:
    assert lint_request(spec(body={"to": "+14155550123"}), OAUTH, base_url=BASE) == []
    assert lint_request(RequestSpec("GET", BASE + "/v1/settings"), None) == []


def test_every_finding_comes_from_lint_with_a_title_and_next_action() -> None:
    findings = lint_request(spec("http://other.test/x\n", method="GET",
                                 headers=(("X-K", " v "),), raw=b"{oops"), OAUTH, base_url=BASE)
    assert findings
    for f in findings:
        assert f.source == "lint"
        assert f.code.startswith("lint.")
        assert f.title
        assert f.next_action


def test_findings_are_ordered_errors_first() -> None:
    findings = lint_request(spec(method="GET", headers=(("X-K", " v"),), body={"a": "{{x}} y"}),
                            None)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks, reverse=True)
    assert {Severity.ERROR, Severity.WARN} <= {f.severity for f in findings}


# -- URL --------------------------------------------------------------------------------------


def test_url_with_a_pasted_newline_is_an_error_with_the_cleaned_url() -> None:
    f = only(lint_request(spec(BASE + "/v1/messages\n", body={})), "lint.url_whitespace")
    assert f.severity is Severity.ERROR
    assert f.fix_value == BASE + "/v1/messages"


def test_url_with_inner_spaces_is_a_warning() -> None:
    f = only(lint_request(spec(BASE + "/v1/my messages", body={})), "lint.url_whitespace")
    assert f.severity is Severity.WARN


def test_url_that_does_not_parse_is_an_error() -> None:
    f = only(lint_request(spec("https://api.acme.test:99999/x", body={})), "lint.url_invalid")
    assert "port" in f.title.lower()


def test_url_without_a_host_is_completed_from_the_base_url() -> None:
    f = only(lint_request(spec("/v1/messages", body={}), None, base_url=BASE), "lint.url_no_host")
    assert f.fix_value == BASE + "/v1/messages"
    assert only(lint_request(spec("https:///v1", body={})), "lint.url_no_host").fix is None


def test_url_with_another_scheme_is_an_error() -> None:
    assert "lint.url_scheme" in codes(lint_request(spec("ftp://api.acme.test/x", body={})))


def test_plain_http_to_a_remote_host_is_an_error_when_credentials_go_with_it() -> None:
    url = "http://api.acme.test/v1/messages"
    f = only(lint_request(spec(url, body={}), OAUTH, base_url="http://api.acme.test"),
             "lint.url_insecure")
    assert f.severity is Severity.ERROR
    assert f.fix_value == BASE + "/v1/messages"
    assert only(lint_request(spec(url, body={})), "lint.url_insecure").severity is Severity.WARN


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080",
                                  "sandbox.localhost"])
def test_plain_http_to_loopback_is_fine(host: str) -> None:
    assert lint_request(spec(f"http://{host}/api/core/numbers", method="GET"), None) == []


def test_url_to_another_host_than_the_profiles_warns_that_credentials_stay_home() -> None:
    f = only(lint_request(spec("https://evil.test/v1/messages?x=1", body={}), OAUTH,
                          base_url=BASE), "lint.url_other_origin")
    assert f.severity is Severity.WARN
    assert "credentials will not be sent" in f.title
    assert f.fix_value == BASE + "/v1/messages?x=1"


def test_same_host_on_another_port_is_another_origin() -> None:
    findings = lint_request(spec(BASE + ":8443/v1/messages", body={}), None, base_url=BASE)
    assert "https://api.acme.test:8443, not the profile's https://api.acme.test" in \
        only(findings, "lint.url_other_origin").title


def test_http_for_the_profiles_https_host_is_reported_once_as_insecure() -> None:
    findings = lint_request(spec("http://api.acme.test/v1/m", body={}), OAUTH, base_url=BASE)
    assert "lint.url_insecure" in codes(findings)
    assert "lint.url_other_origin" not in codes(findings)


def test_same_origin_with_explicit_default_port_is_fine() -> None:
    assert lint_request(spec(BASE + ":443/v1/m", body={}), OAUTH, base_url=BASE) == []


# -- headers ----------------------------------------------------------------------------------


def test_header_name_holding_a_pasted_line_is_an_error_that_does_not_echo_the_value() -> None:
    headers = (*JSON, ("Authorization: Bearer s3cr3t-token", ""))
    f = only(lint_request(spec(headers=headers, body={})), "lint.header_name_invalid")
    assert f.severity is Severity.ERROR
    assert "s3cr3t" not in f.title + f.evidence
    assert "Authorization" in f.title


def test_empty_header_name_is_an_error() -> None:
    f = only(lint_request(spec(headers=(*JSON, ("", "x")), body={})), "lint.header_name_invalid")
    assert "empty name" in f.title


def test_header_value_with_a_trailing_newline_is_an_error_fixable_by_trimming() -> None:
    f = only(lint_request(spec(headers=(*JSON, ("X-Api-Key", "trk_abc\n")), body={})),
             "lint.header_value_newline")
    assert f.severity is Severity.ERROR
    assert (f.location, f.fix) == ("header:X-Api-Key", "trim_header")
    assert "trk_abc" not in f.title


def test_header_value_with_an_inner_newline_offers_no_trim() -> None:
    headers = (*JSON, ("X-Note", "a\r\nInjected: yes"))
    assert only(lint_request(spec(headers=headers, body={})), "lint.header_value_newline").fix \
        is None


def test_header_value_with_spaces_around_it_is_flagged_for_trimming() -> None:
    f = only(lint_request(spec(headers=(*JSON, ("X-Api-Key", " trk_abc")), body={})),
             "lint.header_value_whitespace")
    assert f.fix == "trim_header"


def test_header_value_with_curly_quotes_cannot_be_sent() -> None:
    headers = (*JSON, ("Authorization", "Bearer \u201cabc\u201d"))
    assert "lint.header_value_non_ascii" in codes(lint_request(spec(headers=headers, body={})))


def test_hand_typed_authorization_is_replaced_by_the_profiles_credentials() -> None:
    headers = (*JSON, ("Authorization", "Bearer mine"))
    f = only(lint_request(spec(headers=headers, body={}), OAUTH, base_url=BASE),
             "lint.credentials_replaced")
    assert f.severity is Severity.INFO
    assert (f.location, f.fix) == ("header:Authorization", "remove_header")


def test_hand_typed_credentials_are_kept_when_the_profile_sends_none() -> None:
    headers = (*JSON, ("Authorization", "Bearer mine"))
    assert lint_request(spec(headers=headers, body={}), None) == []
    assert lint_request(spec(headers=headers, body={}, attach_auth=False), OAUTH,
                        base_url=BASE) == []


def test_api_key_profile_replaces_its_own_header_only() -> None:
    typed_key = lint_request(spec(headers=(*JSON, ("x-api-key", "k")), body={}), API_KEY)
    assert only(typed_key, "lint.credentials_replaced").location == "header:X-Api-Key"
    typed_auth = lint_request(spec(headers=(*JSON, ("Authorization", "k")), body={}), API_KEY)
    assert "lint.credentials_replaced" not in codes(typed_auth)


# -- body -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_get_or_head_with_a_body_warns(method: str) -> None:
    f = only(lint_request(spec(method=method, body={"a": 1})), "lint.body_on_get")
    assert f.severity is Severity.WARN


def test_json_body_without_content_type_offers_to_set_it() -> None:
    f = only(lint_request(spec(headers=(), body={"a": 1})), "lint.content_type_missing")
    assert f.severity is Severity.WARN
    assert f.fix == "set_content_type_json"
    assert "the body is JSON" in f.title


def test_text_body_without_content_type_warns_without_guessing() -> None:
    f = only(lint_request(spec(headers=(), raw=b"hello")), "lint.content_type_missing")
    assert f.fix is None


def test_broken_json_under_a_json_content_type_is_an_error_with_line_and_column() -> None:
    f = only(lint_request(spec(raw=b'{"a": 1,}')), "lint.body_not_json")
    assert f.severity is Severity.ERROR
    assert "line 1, column 9" in f.title


def test_broken_json_without_content_type_gets_both_findings() -> None:
    found = codes(lint_request(spec(headers=(), raw=b'{"a": }')))
    assert "lint.body_not_json" in found
    assert "lint.content_type_missing" in found


@pytest.mark.parametrize("raw", [b"NaN", b'{"a": Infinity}', b"\xff\xfe{}"])
def test_values_python_accepts_but_json_does_not_are_errors(raw: bytes) -> None:
    assert "lint.body_not_json" in codes(lint_request(spec(raw=raw)))


def test_json_body_sent_as_text_plain_warns() -> None:
    f = only(lint_request(spec(headers=(("Content-Type", "text/plain"),), body={"a": 1})),
             "lint.content_type_mismatch")
    assert f.fix == "set_content_type_json"


def test_problem_json_counts_as_json() -> None:
    headers = (("Content-Type", "application/merge-patch+json"),)
    assert lint_request(spec(method="PATCH", headers=headers, body={"a": 1})) == []


def test_provider_json_rule_speaks_instead_of_the_generic_one() -> None:
    provider = Provider(id="acme", name="Acme",
                        lint=(LintRule(id="json", rule="json_body", severity="error"),))
    found = codes(lint_request(spec(headers=(), raw=b"{bad"), provider))
    assert found.count("lint.acme.json") == 2   # not JSON, and no Content-Type
    assert "lint.body_not_json" not in found
    assert "lint.content_type_missing" not in found


def test_duplicate_json_keys_are_located() -> None:
    raw = b'{"to": "+14155550123", "meta": {"a": 1, "a": 2}, "to": "+14155550124"}'
    found = [f for f in lint_request(spec(raw=raw)) if f.code == "lint.json_duplicate_key"]
    assert {f.location for f in found} == {"body:to", "body:meta.a"}
    assert all(f.severity is Severity.WARN for f in found)


# -- placeholders -----------------------------------------------------------------------------


def test_placeholder_left_in_the_url_is_an_error() -> None:
    f = only(lint_request(spec(BASE + "/v1/messages/{{message_uuid}}/metas", method="GET")),
             "lint.placeholder_unfilled")
    assert f.severity is Severity.ERROR
    assert "{{message_uuid}}" in f.title
    assert f.location == "url"


def test_percent_encoded_placeholder_in_the_url_is_found_too() -> None:
    found = lint_request(spec(BASE + "/v1/m/%7B%7Bid%7D%7D", method="GET"))
    assert "{{id}}" in only(found, "lint.placeholder_unfilled").title


def test_placeholder_left_in_a_header_is_an_error() -> None:
    headers = (*JSON, ("Idempotency-Key", "{{uuid}}"))
    f = only(lint_request(spec(headers=headers, body={})), "lint.placeholder_unfilled")
    assert f.location == "header:Idempotency-Key"


def test_body_value_that_is_only_a_placeholder_is_an_error_inside_text_a_warning() -> None:
    body = {"sendFrom": "{{numberId}}", "text": "Hello {{first_name}}"}
    found = [f for f in lint_request(spec(body=body)) if f.code == "lint.placeholder_unfilled"]
    by_location = {f.location: f.severity for f in found}
    assert by_location == {"body:sendFrom": Severity.ERROR, "body:text": Severity.WARN}


def test_placeholder_in_a_text_body_warns() -> None:
    f = only(lint_request(spec(headers=(("Content-Type", "text/plain"),), raw=b"Hi {{name}}")),
             "lint.placeholder_unfilled")
    assert (f.location, f.severity) == ("body", Severity.WARN)


def test_link_placeholders_are_content_where_a_link_rule_applies() -> None:
    body = {"message": "Deal {{link1}}", "offer_links": [{"key": "link1"}]}
    rule = LintRule(id="links", rule="link_placeholders", path="/creatives",
                    params={"field": "message", "links_field": "offer_links"})
    provider = Provider(id="acme", name="Acme", lint=(rule,))
    assert lint_request(spec(BASE + "/creatives", body=body), provider) == []
    assert "lint.placeholder_unfilled" in codes(
        lint_request(spec(BASE + "/other", body=body), provider))

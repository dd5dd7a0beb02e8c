"""Lint on arbitrary input: it never raises, never fails internally, and is deterministic."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding
from desktop.core.lint import context, lint_request
from desktop.core.provider import LintRule, Provider, load_registry

PROVIDERS: list[Provider | None] = [None, *load_registry().providers.values()]
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "post", ""])
PATHS = st.sampled_from(["/api/core/messages/send", "/v1/messages", "/creatives",
                         "/api/v1/templates/viber", "/oauth/token", "", "/"])
URLS = st.one_of(
    st.text(max_size=60),
    st.builds(lambda scheme, host, path, query: f"{scheme}{host}{path}?{query}",
              st.sampled_from(["https://", "http://", "ftp://", "", "https:///"]),
              st.sampled_from(["api.example.test", "127.0.0.1:8080", "[::1]", "h:99999",
                               "[bad", "api.example.test:443"]),
              PATHS, st.text(max_size=20)),
)
KEYS = st.sampled_from(["to", "sendFrom", "messageType", "media", "messages", "message",
                        "offer_links", "key", "confirm", "phoneNumber", "scheduled_at",
                        "typeSpecificConfig", "items", "title", "options", "imageUrl",
                        "recipients", "contacts", "name", "templateContent", "list_number"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["+14155550123", "(415) 555-0123", "{{x}}", "{{link1}}", "SMS", "MMS",
                       "http://a.test/x.png", "2026-11-23 14:05:09"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        KEYS | st.text(max_size=5), children, max_size=5),
    max_leaves=20,
)
BODIES = st.one_of(st.binary(max_size=80),
                   JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                   st.text(max_size=80).map(str.encode))
HEADERS = st.lists(st.tuples(
    st.sampled_from(["Content-Type", "Authorization", "X-Api-Key", "Idempotency-Key", ""])
    | st.text(max_size=12),
    st.sampled_from(["application/json", "text/plain", " x ", "trk_x\n", "{{uuid}}"])
    | st.text(max_size=20)), max_size=4)
ANY_SPEC = st.builds(RequestSpec, METHODS, URLS, HEADERS.map(tuple), BODIES, st.booleans())


def _concrete(pattern: str) -> str:
    """A path an fnmatch pattern matches: ``/v1/*`` → ``/v1/x``, ``/[!o]*`` → ``/vx``."""
    return re.sub(r"\[!?[^\]]*\]", "v", pattern).replace("*", "x").replace("?", "x")


def _names(rule: LintRule) -> list[str]:
    """Every identifier in a rule's parameters: the fields and headers it reads."""
    text = " ".join(" ".join(v) if isinstance(v, list) else str(v) for v in rule.params.values())
    return sorted(set(re.findall(r"[A-Za-z_]+", text)))


def aimed_at(rule: LintRule) -> st.SearchStrategy[RequestSpec]:
    """Requests with the rule's method, path and fields, holding arbitrary values."""
    names = _names(rule)
    keys = st.sampled_from(names) | KEYS if names else KEYS
    values = st.recursive(JSON_VALUES, lambda c: st.lists(c, max_size=3)
                          | st.dictionaries(keys, c, max_size=4), max_leaves=12)
    body = st.fixed_dictionaries({}, optional=dict.fromkeys(names, values)) \
        | st.dictionaries(keys, values, max_size=6)
    return st.builds(
        lambda method, path, headers, body: RequestSpec(
            method, "https://api.example.test" + path, headers, json.dumps(body).encode()),
        st.sampled_from(rule.method or ("POST", "GET", "DELETE")),
        st.just(_concrete(rule.path)) if rule.path else PATHS,
        st.just((("Content-Type", "application/json"),)) | HEADERS.map(tuple),
        body,
    )


def rule_shaped(provider: Provider | None) -> st.SearchStrategy[RequestSpec]:
    """Requests aimed at one of the provider's rules at a time, so every kind gets run."""
    if provider is None or not provider.lint:
        return ANY_SPEC
    return st.sampled_from(provider.lint).flatmap(aimed_at)


BASE_URLS = st.sampled_from(["", "https://api.example.test", "https://api.example.test/api",
                             "not a url", "http://127.0.0.1:8080"])


def _as_dicts(findings: list[Finding]) -> list[dict]:
    return [{**f.to_dict(), "extra": f.extra} for f in findings]


def _check(findings: list[Finding]) -> None:
    assert all(f.code != "lint.check_failed" for f in findings), findings
    assert not any(f.extra.get("could_not_run") for f in findings), findings
    assert all(f.source == "lint" and f.title for f in findings)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks, reverse=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_SPEC, st.sampled_from(PROVIDERS), BASE_URLS)
def test_lint_never_raises_on_arbitrary_requests(spec: RequestSpec, provider: Provider | None,
                                                 base_url: str) -> None:
    _check(lint_request(spec, provider, base_url=base_url))


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id if p else "none")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_shipped_rule_runs_on_requests_aimed_at_it(provider: Provider | None,
                                                         data: st.DataObject) -> None:
    spec = data.draw(rule_shaped(provider))
    base_url = data.draw(BASE_URLS)
    _check(lint_request(spec, provider, base_url=base_url))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lint_is_deterministic(data: st.DataObject) -> None:
    provider = data.draw(st.sampled_from(PROVIDERS))
    spec = data.draw(ANY_SPEC | rule_shaped(provider))
    base_url = data.draw(BASE_URLS)
    first = _as_dicts(lint_request(spec, provider, base_url=base_url))
    assert _as_dicts(lint_request(spec, provider, base_url=base_url)) == first


def _bulk_body(size: int = 100_000) -> bytes:
    messages = []
    while len(json.dumps(messages)) < size:
        n = len(messages)
        messages.append({"to": f"+1415555{n % 10_000:04d}", "list_number": "+14155550000",
                         "body": f"Order {n} is ready for pickup at the counter."})
    return json.dumps({"messages": messages}, indent=2).encode()


@pytest.mark.parametrize("provider_id", ["trk-sms", "redcloud", "viber-campaigns", "ecourtdate"])
def test_a_100kb_body_is_parsed_once_per_lint(monkeypatch: pytest.MonkeyPatch,
                                              provider_id: str) -> None:
    provider = load_registry().require(provider_id)
    spec = RequestSpec("POST", "https://api.example.test/v1/messages/bulk",
                       (("Content-Type", "application/json"),), _bulk_body())
    calls: list[int] = []
    real_loads = json.loads

    def counting_loads(text: str | bytes, **kwargs: object) -> object:
        calls.append(len(text))
        return real_loads(text, **kwargs)

    monkeypatch.setattr(context.json, "loads", counting_loads)
    findings = lint_request(spec, provider, base_url="https://api.example.test")
    assert [n for n in calls if n > 1000] == [len(spec.body.decode())]
    assert not any(f.extra.get("could_not_run") for f in findings)

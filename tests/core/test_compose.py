"""The composer's core half: query rows, templates, Exchanges back into editable requests,
credentials in pasted headers, curl export through the redactor, and two core fixes it
needed (History.filter narrowing, TokenError when the token endpoint is unreachable)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.client.auth import TokenError
from desktop.core.client.client import ProfileClient
from desktop.core.client.spec import RequestSpec
from desktop.core.compose import (
    credential_headers,
    curl_command,
    curl_headers,
    editable_spec,
    fill_template,
    split_query,
    status_text,
    template_values,
    with_query,
)
from desktop.core.curl import parse_curl
from desktop.core.exchange import ErrorKind, Exchange, RequestRecord, ResponseRecord
from desktop.core.history import History, Query, search_key
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_request, make_token_exchange

REGISTRY = load_registry()
REDCLOUD = REGISTRY.require("redcloud")
PROFILE = Profile(name="Staging", provider="redcloud", environment="staging",
                  base_url="https://api.example.test",
                  settings={"client_id": "cid", "recipient": "+14155550123"})


def test_a_query_string_becomes_rows_and_back() -> None:
    base, pairs = split_query("https://h.test/p?a=1&b=&c=x%20y#frag")
    assert base == "https://h.test/p"
    assert pairs == [("a", "1"), ("b", ""), ("c", "x y")]
    assert with_query(base, pairs) == "https://h.test/p?a=1&b=&c=x%20y"
    assert with_query("/p", []) == "/p"
    assert split_query("http://[broken") == ("http://[broken", [])


@given(st.lists(st.tuples(st.text(min_size=1), st.text()), max_size=5))
def test_query_rows_survive_the_round_trip(pairs: list[tuple[str, str]]) -> None:
    url = with_query("https://h.test/p", pairs)
    assert split_query(url) == ("https://h.test/p", pairs)


def test_a_template_is_filled_from_the_profile_and_missing_values_stay_visible() -> None:
    send = next(e for e in REDCLOUD.endpoints if e.name == "Send a message")
    spec, missing = fill_template(send.request, PROFILE, REDCLOUD)
    assert missing == ["numberId"]
    assert spec.url == "https://api.example.test/api/core/messages/send"
    assert spec.json()["to"] == ["+14155550123"]
    assert spec.json()["sendFrom"] == "{{numberId}}"
    assert len(spec.header("Idempotency-Key") or "") == 36


def test_the_sender_setting_stands_in_for_the_checklist_number_id() -> None:
    profile = Profile(name="p", provider="redcloud", environment="staging",
                      settings={"send_from": "num_1"})
    assert template_values(profile, REDCLOUD)["numberId"] == "num_1"


def test_an_exchange_becomes_an_editable_request_without_credentials_or_transport() -> None:
    exchange = make_exchange(request=make_request(headers=(
        ("Host", "api.example.test"), ("Accept", "*/*"), ("Accept-Encoding", "gzip"),
        ("User-Agent", "Switchboard/0.1.0"), ("Authorization", "Bearer tok"),
        ("Content-Type", "application/json"), ("Content-Length", "12"),
        ("Idempotency-Key", "k-1"), ("X-Custom", "kept"))))
    spec = editable_spec(exchange, REDCLOUD)
    assert spec.headers == (("Content-Type", "application/json"), ("Idempotency-Key", "k-1"),
                            ("X-Custom", "kept"))
    assert spec.attach_auth
    assert spec.body == exchange.request.body
    token_call = editable_spec(make_token_exchange(), REDCLOUD)
    assert not token_call.attach_auth
    assert token_call.header("Authorization") is None


def test_credential_headers_are_recognised_by_name_and_by_the_providers_header() -> None:
    keyed = REGISTRY.require("trk-sms")
    headers = [("Authorization", "Bearer x"), ("X-Api-Key", "k"), ("Accept", "*/*"),
               ("Idempotency-Key", "u"), (keyed.auth.header, "trk_x")]
    names = credential_headers(headers, keyed)
    assert "Authorization" in names
    assert "X-Api-Key" in names
    assert keyed.auth.header in names
    assert "Accept" not in names
    assert "Idempotency-Key" not in names


def test_curl_export_is_redacted_and_reads_back_to_the_same_request() -> None:
    request = RequestRecord("POST", "https://api.example.test/api/core/messages/send?x=1",
                            (("Host", "api.example.test"), ("Authorization", "Bearer tok-12345678"),
                             ("Content-Type", "application/json"), ("Content-Length", "20")),
                            b'{"client_secret": "s3cret-value-1"}')
    redactor = Redactor(secrets={"access_token": "tok-12345678"})
    text = curl_command(request, redactor)
    assert "tok-12345678" not in text
    assert "s3cret-value-1" not in text
    parsed = parse_curl(text)
    assert parsed.method == "POST"
    assert parsed.url == request.url
    assert [name for name, _ in parsed.headers] == ["Authorization", "Content-Type"]
    raw = curl_command(request, None)
    assert "Bearer tok-12345678" in raw
    assert curl_headers(request.headers) == [("Authorization", "Bearer tok-12345678"),
                                             ("Content-Type", "application/json")]


def test_a_status_says_its_meaning_even_without_a_reason_phrase() -> None:
    assert status_text(401, "Unauthorized") == "401 Unauthorized"
    assert status_text(429) == "429 Too Many Requests"
    assert status_text(299) == "299"
    assert status_text(202, "") == "202 Accepted"


# -- History.filter: narrowing one condition at a time gives Query.matches' answer -----------

METHODS = st.sampled_from(["GET", "POST", "DELETE"])
PROFILES = st.sampled_from(["Sandbox", "Staging EU", "prod"])
OUTCOMES = st.one_of(st.sampled_from([200, 202, 301, 401, 404, 429, 500, 503]), st.none())


@st.composite
def exchanges(draw: st.DrawFn) -> Exchange:
    status = draw(OUTCOMES)
    from desktop.core.exchange import TransportError

    return Exchange(
        request=RequestRecord(draw(METHODS), "https://h.test" + draw(st.sampled_from(
            ["/api/core/whoami", "/api/core/numbers", "/x/404"]))),
        started_at=0.0,
        response=ResponseRecord(status) if status is not None else None,
        error=None if status is not None else TransportError(ErrorKind.CONNECT_REFUSED, "no"),
        profile=draw(PROFILES),
    )


QUERIES = st.lists(st.sampled_from([
    "4xx", "status:5xx", "status:404", "status:error", "method:post", "method:GET",
    "profile:staging", "profile:sand", "whoami", "404", "numbers", "connect",
]), max_size=3).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(exchanges(), max_size=30), QUERIES)
def test_history_filter_agrees_with_query_matches(items: list[Exchange], text: str) -> None:
    history = History()
    history.extend(items)
    query = Query.parse(text)
    expected = [row for row, exchange in enumerate(items)
                if query.empty or query.matches(exchange, search_key(exchange))]
    assert history.filter(text) == expected


# -- ProfileClient: an unreachable token endpoint is a TokenError, not a crash ---------------

def test_an_unreachable_token_endpoint_raises_token_error_and_records_the_attempt() -> None:
    recorded: list[Exchange] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async def scenario() -> None:
        client = ProfileClient(PROFILE, REDCLOUD, lambda _kind: "s3cret",
                               transport=httpx.MockTransport(refuse),
                               on_exchange=recorded.append)
        async with client:
            with pytest.raises(TokenError, match="could not be reached"):
                await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    asyncio.run(scenario())
    [token_call] = recorded
    assert token_call.request.path == "/api/auth/token"
    assert token_call.error is not None
    assert token_call.error.kind is ErrorKind.CONNECT_REFUSED


@settings(max_examples=60, deadline=None)
@given(st.lists(exchanges(), max_size=30), QUERIES, QUERIES)
def test_refining_a_filter_within_the_rows_shown_gives_the_full_answer(
        items: list[Exchange], before: str, after: str) -> None:
    history = History()
    history.extend(items)
    old, new = Query.parse(before), Query.parse(after)
    if new.narrows(old):
        assert history.filter(after, history.filter(before)) == history.filter(after)


def test_typing_on_narrows_and_changing_a_field_does_not() -> None:
    assert Query.parse("whoami").narrows(Query.parse("who"))
    assert Query.parse("who 4xx").narrows(Query.parse("who"))
    assert Query.parse("profile:staging").narrows(Query.parse("profile:sta"))
    assert not Query.parse("4xx").narrows(Query.parse("4x"))
    assert not Query.parse("method:get").narrows(Query.parse("method:post"))
    assert not Query.parse("wh").narrows(Query.parse("who"))

"""Property tests: canary secrets planted everywhere never come out, in any form.

A canary is a random secret the redactor knows (as a client secret, an
access token, an API key or a webhook secret). Hypothesis plants it in every
place a secret can travel: Authorization (Bearer, Basic, client_secret_basic),
API-key and custom headers, cookies, query strings, URL userinfo, paths and
fragments, JSON bodies at random depth, form bodies, free text, token
responses, webhook configuration, error messages, findings. Nothing may
come out of ``redact_exchange`` or ``to_har`` that contains the canary,
URL-encoded, base64 (standard or urlsafe, padded or not) or inside a Basic
credential. Secrets the redactor does *not* know are planted under secret
names and must go too. Bundles are checked the same way in test_bundle.py.
"""

from __future__ import annotations

import base64
import json
import string
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.exchange import ErrorKind, Exchange, TransportError
from desktop.core.finding import Finding, Severity
from desktop.core.har import to_har
from desktop.core.redact import Redactor
from tests.factories import BASE_URL, make_exchange, make_request, make_response

ALPHABET = string.ascii_letters + string.digits + "-_.~+/=!$&*@:%, "
KINDS = ("client_secret", "access_token", "api_key", "webhook_secret")
PLACES = (
    "bearer", "basic", "basic_form", "api_key_header", "custom_header", "cookie", "set_cookie",
    "query", "query_encoded", "userinfo", "path", "fragment", "location", "json_request",
    "json_response", "form_body", "text_body", "token_response", "webhook_config",
    "binary_body", "error_message", "request_id", "finding",
)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

canaries = st.builds(lambda core: f"Cy{core}Q", st.text(ALPHABET, min_size=10, max_size=40))
keys = st.sampled_from(["data", "items", "meta", "note", "value", "x", "message", "detail"])
scalars = st.one_of(st.integers(-5, 5), st.booleans(), st.none(),
                    st.text(string.ascii_letters + " ", max_size=8))


def canary_forms(canary: str) -> set[str]:
    """What must never appear in an output: the canary and its encodings."""
    forms = {canary, quote(canary, safe=""), quote(canary), quote_plus(canary),
             json.dumps(canary)[1:-1]}
    for blob in (canary.encode(), f"client-1:{canary}".encode(),
                 f"client-1:{quote_plus(canary)}".encode()):
        for encoded in (base64.b64encode(blob), base64.urlsafe_b64encode(blob)):
            text = encoded.decode()
            forms |= {text, text.rstrip("=")}
    return forms


def leaked(canary: str, output: str) -> set[str]:
    return {form for form in canary_forms(canary) if form in output}


@st.composite
def nested_json(draw: st.DrawFn, leaf: str) -> Any:
    """A JSON document with ``leaf`` (a string) at a random path up to depth 6."""
    depth = draw(st.integers(0, 6))
    node: Any = leaf
    for _ in range(depth):
        if draw(st.booleans()):
            siblings = draw(st.dictionaries(keys, scalars, max_size=3))
            siblings[draw(keys)] = node
            node = siblings
        else:
            items = draw(st.lists(scalars, max_size=3))
            items.insert(draw(st.integers(0, len(items))), node)
            node = items
    return node if isinstance(node, dict) else {"root": node}


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, str, Exchange, set[str]]:
    """(canary, kind, exchange, places): an Exchange with the canary in the chosen places."""
    canary = draw(canaries)
    kind = draw(st.sampled_from(KINDS))
    places = draw(st.sets(st.sampled_from(PLACES), min_size=1, max_size=8))
    enc = quote(canary, safe="")
    headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    response_headers = [("Content-Type", "application/json")]
    if "bearer" in places:
        headers.append(("Authorization", f"Bearer {canary}"))
    if "basic" in places:
        headers.append(("Authorization",
                        "Basic " + base64.b64encode(f"client-1:{canary}".encode()).decode()))
    if "basic_form" in places:
        pair = f"client-1:{quote_plus(canary)}"
        headers.append(("Authorization", "Basic " + base64.b64encode(pair.encode()).decode()))
    if "api_key_header" in places:
        headers.append(("X-Api-Key", canary))
    if "custom_header" in places:
        headers.append(("X-Debug-Note", f"used {canary} here"))
    if "cookie" in places:
        headers.append(("Cookie", f"sid={enc}; theme=dark"))
    if "set_cookie" in places:
        response_headers.append(("Set-Cookie", f"sid={enc}; Path=/; HttpOnly"))
    if "location" in places:
        response_headers.append(("Location", f"{BASE_URL}/cb?token={enc}&state=1"))
    url = f"{BASE_URL}/v1/messages"
    if "userinfo" in places:
        url = url.replace("https://", f"https://client-1:{enc}@")
    if "path" in places:
        url += f"/{enc}"
    query = []
    if "query" in places:
        query.append(f"api_key={enc}")
    if "query_encoded" in places:
        query.append(f"note={quote_plus('see ' + canary)}")
    if query:
        url += "?" + "&".join(query)
    if "fragment" in places:
        url += f"#access_token={enc}"
    body: bytes = b""
    if "json_request" in places:
        leaf = draw(st.sampled_from([canary, f"prefix {canary} suffix"]))
        body = json.dumps(draw(nested_json(leaf))).encode()
    if "form_body" in places:
        headers[0] = ("Content-Type", "application/x-www-form-urlencoded")
        body = urlencode({"grant_type": "client_credentials", "client_secret": canary,
                          "note": f"x {canary}"}).encode()
    if "text_body" in places:
        headers[0] = ("Content-Type", "text/plain; charset=utf-8")
        body = f"free text mentioning {canary} in passing".encode()
    response_body = json.dumps({"results": [{"messageId": "msg_1", "status": "QUEUED"}]}).encode()
    if "json_response" in places:
        response_body = json.dumps(draw(nested_json(f"echo: {canary}"))).encode()
    if "token_response" in places:
        response_body = json.dumps({"access_token": canary, "token_type": "bearer",
                                    "expires_in": 3600}).encode()
    if "webhook_config" in places:
        response_body = json.dumps({"webhook": {"url": "https://hooks.example/x",
                                                "signingSecret": canary}}).encode()
    if "binary_body" in places:
        response_headers[0] = ("Content-Type", "application/octet-stream")
        response_body = b"\x00\x01" + canary.encode() + b"\xff"
    findings = []
    if "finding" in places:
        findings.append(Finding(code="catalog.x", severity=Severity.ERROR,
                                title=f"rejected {canary}", evidence=f"client_secret={enc}"))
    error = None
    if "error_message" in places:
        error = TransportError(ErrorKind.READ_TIMEOUT, f"timed out after sending {canary}")
    exchange = make_exchange(
        request=make_request("POST", url, tuple(headers), body),
        response=make_response(200, "OK", tuple(response_headers), response_body),
        error=error,
        request_id=f"req-{canary}" if "request_id" in places else "req_1",
        findings=findings,
    )
    return canary, kind, exchange, places


def exchange_text(exchange: Exchange) -> str:
    """Every byte of an Exchange that an export could carry, as one text."""
    parts = [exchange.request.url, repr(exchange.request.headers),
             exchange.request.body.decode("latin-1"), repr(exchange.error),
             repr(exchange.findings), str(exchange.request_id)]
    if exchange.response is not None:
        parts += [repr(exchange.response.headers), exchange.response.body.decode("latin-1"),
                  exchange.response.reason]
    return "\n".join(parts)


@SETTINGS
@given(planted())
def test_no_known_canary_survives_redact_exchange(
    case: tuple[str, str, Exchange, set[str]],
) -> None:
    canary, kind, exchange, places = case
    redactor = Redactor({kind: canary})
    out = exchange_text(redactor.redact_exchange(exchange))
    assert not leaked(canary, out), places
    assert redactor.report.total > 0


@SETTINGS
@given(planted())
def test_no_known_canary_survives_the_har_export(case: tuple[str, str, Exchange, set[str]]) -> None:
    canary, kind, exchange, places = case
    har = to_har([exchange], redactor=Redactor({kind: canary}), creator_version="test",
                 comment=f"made while debugging {canary}")
    out = json.dumps(har)
    assert not leaked(canary, out), places
    assert not leaked(canary, json.dumps(har, ensure_ascii=False)), places


@SETTINGS
@given(planted())
def test_redacted_json_bodies_keep_their_keys_and_shape(
    case: tuple[str, str, Exchange, set[str]],
) -> None:
    canary, kind, exchange, _ = case
    copy = Redactor({kind: canary}).redact_exchange(exchange)
    for before, after, ctype in (
        (exchange.request.body, copy.request.body, exchange.request.header("content-type")),
        (exchange.response.body, copy.response.body, exchange.response.header("content-type")),
    ):
        if ctype == "application/json" and before:
            assert shape(json.loads(after)) == shape(json.loads(before))


def shape(node: Any) -> Any:
    """Keys, container types and lengths; strings collapse to one placeholder."""
    if isinstance(node, dict):
        return {key: shape(value) for key, value in node.items()}
    if isinstance(node, list):
        return [shape(item) for item in node]
    return "str" if isinstance(node, str) else node


unknown_values = st.builds(lambda core: f"Zq{core}", st.text(string.ascii_letters + string.digits
                                                               + "-_.", min_size=10, max_size=30))


@SETTINGS
@given(unknown_values, st.sampled_from(["Authorization", "X-Api-Key", "Api-Key", "X-Auth-Token",
                                        "X-RedCloud-Signature", "webhook-signature", "Cookie"]),
       st.sampled_from(["api_key", "apikey", "token", "access_token", "sig", "password", "key"]),
       st.sampled_from(["password", "client_secret", "refresh_token", "apiKey", "id_token"]),
       st.data())
def test_unknown_secrets_under_secret_names_are_removed(
    value: str, header: str, param: str, field: str, data: st.DataObject,
) -> None:
    depth = data.draw(st.integers(0, 5))
    nested: Any = {field: value}
    for _ in range(depth):
        nested = data.draw(st.sampled_from([{"data": nested}, [nested], {"items": [1, nested]}]))
    body = json.dumps({field: value, "deep": nested, "wrapped": {field: {"inner": value}}})
    exchange = make_exchange(
        request=make_request("POST", f"{BASE_URL}/v1/x?{param}={value}&page=1",
                             (("Content-Type", "application/json"),
                              (header, f"sid={value}" if header == "Cookie" else value)),
                             body.encode()),
        response=make_response(200, "OK", body=json.dumps({field: value}).encode()),
    )
    copy = Redactor().redact_exchange(exchange)
    assert value not in exchange_text(copy)
    assert "page=1" in copy.request.url

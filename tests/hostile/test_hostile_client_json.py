"""JSON nested thousands deep is text and a finding, never a RecursionError (issue 17.6).

A loopback server answers with ``[[[[…`` a hundred thousand deep, as a 200 and as an
error; the client, its diagnosis, the request-id and rate-limit readers and the
checklist's JMESPath expectations all see it. Hypothesis then varies the depth around
where ``json.loads`` stops coping (it parses 990 levels from a shallow stack and fails
on far fewer from a deep one), the kinds of container, and the status, and checks the
depth scanner against a plain recursive count on documents whose strings are full of
brackets, quotes and backslashes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.checklist.expect import check, response_document
from desktop.core.checklist.harness import build_engine
from desktop.core.checklist.model import RunFinished
from desktop.core.client.client import ProfileClient
from desktop.core.client.jsonload import MAX_JSON_DEPTH, JsonTooDeepError, loads_bounded, too_deep
from desktop.core.client.spec import RequestSpec
from desktop.core.diagnosis import context_for, explain
from desktop.core.exchange import Exchange, RequestRecord, ResponseRecord
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.provider.model import Expectation
from desktop.core.secrets import SecretKind
from tests.hostile.hostile_client_net import HostileServer, Received, respond, token_answer

REDCLOUD = load_registry().require("redcloud")
DEEP = 100_000


def nested(depth: int, kinds: str = "[") -> bytes:
    """``depth`` containers, cycling through ``kinds`` (``[`` arrays, ``{`` objects)."""
    opens, closes = [], []
    for level in range(depth):
        if kinds[level % len(kinds)] == "[":
            opens.append(b"[")
            closes.append(b"]")
        else:
            opens.append(b'{"error":')
            closes.append(b"}")
    return b"".join(opens) + b"1" + b"".join(reversed(closes))


class DeepServer:
    def __init__(self) -> None:
        self.status = 200
        self.server = HostileServer(self.handle)

    async def handle(self, request: Received, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/token"):
            await respond(writer, 200, token_answer("tok-deep"))
        else:
            await respond(writer, self.status, nested(DEEP, "[{"),
                          (("X-RateLimit-Remaining", "0"),))


@pytest.fixture(scope="module")
def deep() -> Iterator[DeepServer]:
    server = DeepServer()
    yield server
    server.server.stop()


def client_for(url: str, transport: httpx.AsyncBaseTransport | None = None) -> ProfileClient:
    profile = Profile(name="deep", provider="redcloud", environment="staging", base_url=url,
                      settings={"client_id": "cid"})
    secrets = {SecretKind.CLIENT_SECRET: "s3cret-deep"}
    return ProfileClient(profile, REDCLOUD, secrets.get, transport=transport)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("status", [200, 400, 401, 429, 500])
def test_a_100000_deep_answer_is_an_exchange_with_a_finding(deep, status: int) -> None:
    deep.status = status

    async def scenario() -> Exchange:
        async with client_for(deep.server.url) as client:
            return await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    exchange = asyncio.run(scenario())
    assert exchange.status == status
    assert exchange.response is not None
    assert exchange.response.json() is None
    codes = [f.code for f in exchange.findings]
    assert "client.json_too_deep" in codes
    assert "client.diagnosis_failed" not in codes
    if status >= 400:
        assert len(codes) >= 2, "the status is still explained"
    ctx = context_for(exchange, REDCLOUD)
    assert ctx.json is None
    assert ctx.body_text.startswith("[{")
    document = response_document(exchange, {})
    unmet = check((Expectation(that="json.apiClientStatus == 'ACTIVE'", says="inactive"),),
                  document, {})
    assert len(unmet) == 1
    assert unmet[0].error is None


@pytest.mark.timeout(60)
def test_the_checklist_judges_a_100000_deep_answer_and_finishes(deep) -> None:
    deep.status = 200

    async def scenario():
        async with client_for(deep.server.url) as client:
            async for event in build_engine(client).run():
                if isinstance(event, RunFinished):
                    return event.run
        raise AssertionError("the run did not finish")

    run = asyncio.run(scenario())
    whoami = run.results[1]
    assert whoami.status.value == "fail"
    assert any(f.code == "client.json_too_deep" for e in whoami.exchanges for f in e.findings)


def _depth(value: object) -> int:
    depth, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            depth = max(depth, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return depth


TRICKY = st.text(alphabet='[]{}"\\ab\u00e9\U0001f600:,', max_size=12)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), TRICKY)
DOCUMENTS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(TRICKY, inner, max_size=3)), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.integers(min_value=0, max_value=6), st.booleans())
def test_the_depth_scanner_agrees_with_a_recursive_count(document, limit: int,
                                                         ascii_only: bool) -> None:
    text = json.dumps(document, ensure_ascii=ascii_only)
    assert too_deep(text, limit) == (_depth(document) > limit)
    assert too_deep(text.encode(), limit) == (_depth(document) > limit)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=MAX_JSON_DEPTH - 5, max_value=4000),
       st.sampled_from(["[", "{", "[{", "{{["]),
       st.sampled_from([200, 400, 401, 404, 422, 429, 500]))
def test_any_depth_any_status_never_raises_out_of_a_send(depth: int, kinds: str,
                                                         status: int) -> None:
    body = nested(depth, kinds)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json=token_answer("tok"))
        return httpx.Response(status, content=body,
                              headers={"Content-Type": "application/json"})

    async def scenario() -> Exchange:
        async with client_for("https://api.example", httpx.MockTransport(handler)) as client:
            return await client.send(RequestSpec("GET", client.url_for("/api/core/whoami")))

    exchange = asyncio.run(scenario())
    codes = [f.code for f in exchange.findings]
    assert "client.diagnosis_failed" not in codes
    assert ("client.json_too_deep" in codes) == (depth > MAX_JSON_DEPTH)
    assert (exchange.response.json() is None) == (depth > MAX_JSON_DEPTH)


def test_loads_bounded_refuses_deep_documents_even_from_deep_in_a_stack() -> None:
    limit = sys.getrecursionlimit()

    def recurse(level: int) -> object:
        return loads_bounded(nested(MAX_JSON_DEPTH)) if level == 0 else recurse(level - 1)

    assert recurse(limit - MAX_JSON_DEPTH - 250) is not None  # what fits, parses
    with pytest.raises(JsonTooDeepError):
        loads_bounded(nested(MAX_JSON_DEPTH + 1))
    record = ResponseRecord(status=200, body=nested(900))
    assert record.json() is None  # 900 fits json.loads from here; not the walks after it
    assert explain(Exchange(RequestRecord("GET", "https://api.example/x"), 0.0,
                            response=record), REDCLOUD) == []

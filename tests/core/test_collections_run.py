"""Running a collection through the profile's one client: order, findings, credentials, failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from desktop.core.client.client import ProfileClient
from desktop.core.collections import (
    CollectionLibrary,
    CollectionTree,
    Header,
    RequestOutcome,
    SavedRequest,
    run_collection,
    run_values,
)
from desktop.core.finding import Severity
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind

API_KEY = "key-for-run-tests-0001"


def tree_of(tmp_path: Path, *requests: tuple[str, SavedRequest]) -> CollectionTree:
    collection = CollectionLibrary(tmp_path / "home", tmp_path / "r.json").create("Run")
    for folder, saved in requests:
        if folder and collection.tree().find(folder.lower()) is None:
            collection.add_folder(folder)
        collection.save(saved, folder.lower())
    return collection.tree()


def run(tree: CollectionTree, handler, provider_id: str = "generic-apikey", **options
        ) -> tuple[list[RequestOutcome], list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    provider = load_registry().get(provider_id)
    profile = Profile("Run", provider_id, provider.environments[0].id,
                      base_url="https://api.test", settings={"client_id": "me"})
    secrets = {SecretKind.API_KEY: API_KEY, SecretKind.CLIENT_SECRET: "s3cret"}
    client = ProfileClient(profile, provider, secrets.get,
                           transport=httpx.MockTransport(recording))

    async def go() -> list[RequestOutcome]:
        async with client:
            values = run_values(tree.meta.variables, profile, provider, {"who": "me"})
            return [o async for o in run_collection(tree, client, values, **options)]

    return asyncio.run(go()), seen


def test_requests_run_in_order_with_variables_and_each_answer_explained(tmp_path: Path) -> None:
    tree = tree_of(tmp_path,
                   ("", SavedRequest("Ping", "GET", "{{base_url}}/ping?who={{who}}")),
                   ("Users", SavedRequest("Missing", "GET", "/users/{{id}}")),
                   ("Users", SavedRequest("Create", "POST", "/users",
                                          headers=(Header("X-Trace", "{{uuid}}"),))))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ping":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(404, json={"message": "not here"})

    outcomes, seen = run(tree, handler)
    assert [str(r.url) for r in seen] == ["https://api.test/ping?who=me",
                                          "https://api.test/users/%7B%7Bid%7D%7D",
                                          "https://api.test/users"]
    assert [o.request.name for o in outcomes] == ["Ping", "Missing", "Create"]
    assert outcomes[0].status == 200
    assert not outcomes[0].failed
    assert outcomes[1].missing == ("id",)
    assert outcomes[1].failed
    assert outcomes[1].top_finding.severity is Severity.ERROR
    assert seen[2].headers["X-Trace"].count("-") == 4  # a fresh uuid
    assert all(r.headers["X-API-Key"] == API_KEY for r in seen)


def test_credentials_never_go_to_another_host(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, ("", SavedRequest("Foreign", "GET", "https://elsewhere.test/x")),
                   ("", SavedRequest("No auth", "GET", "/open", auth="none")))
    outcomes, seen = run(tree, lambda r: httpx.Response(200))
    assert outcomes[0].withheld_credentials
    assert "X-API-Key" not in seen[0].headers
    assert "X-API-Key" not in seen[1].headers


def test_same_host_only_skips_foreign_urls(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, ("", SavedRequest("Foreign", "GET", "https://elsewhere.test/x")),
                   ("", SavedRequest("Home", "GET", "/x")))
    outcomes, seen = run(tree, lambda r: httpx.Response(200), same_host_only=True)
    assert outcomes[0].skipped == "https://elsewhere.test is not the profile's host"
    assert not outcomes[0].failed
    assert [r.url.host for r in seen] == ["api.test"]


def test_a_request_that_cannot_be_sent_is_an_outcome_not_an_exception(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, ("", SavedRequest("Bad", "GET", "ftp://files.test/x")),
                   ("", SavedRequest("Empty", "GET", "")),
                   ("", SavedRequest("Fine", "GET", "/fine")))
    outcomes, seen = run(tree, lambda r: httpx.Response(200))
    assert [o.failed for o in outcomes] == [True, True, False]
    assert "is not an http(s) URL" in outcomes[0].top_finding.title
    assert len(seen) == 1


def test_a_failed_token_is_the_finding_of_the_request(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, ("", SavedRequest("Who am I", "GET", "/api/core/whoami")))

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client",
                                         "error_description": "bad secret"})

    outcomes, seen = run(tree, handler, provider_id="sandbox")
    assert [r.url.path for r in seen] == ["/api/auth/token"]
    assert outcomes[0].exchange is None
    assert outcomes[0].failed
    assert outcomes[0].top_finding.title

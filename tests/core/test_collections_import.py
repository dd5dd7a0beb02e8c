"""Real exported files come in, say what they drop, and go back out as valid Postman v2.1.

The files in tests/data/imports are public examples (sources and licences in
its README): a Postman v2.1 and v2.0 collection, a Postman app export with an
OAuth2 helper, a Postman environment, an Insomnia v4 export, the OpenAPI 3
petstore and a HAR exported by Chrome.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.collections import (
    BodyType,
    CollectionLibrary,
    ImportKind,
    apply_environment,
    apply_to_collection,
    export_postman,
    preview_document,
    preview_file,
)
from desktop.core.collections.postman import schema
from desktop.core.exchange import ErrorKind
from desktop.core.profiles import Profile, ProfileStore
from desktop.core.provider import load_registry
from desktop.core.redact import Redactor

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
REDACTOR = Redactor(mask_phones=False)


@pytest.fixture
def library(tmp_path: Path) -> CollectionLibrary:
    return CollectionLibrary(tmp_path / "home", tmp_path / "registry.json")


def round_trip(library: CollectionLibrary, fixture: str) -> tuple[object, dict, object]:
    """Import a file, export the collection as Postman v2.1 (schema-checked), import that."""
    preview = preview_file(IMPORTS / fixture)
    result = apply_to_collection(preview, library)
    exported = export_postman(result.collection)
    jsonschema.Draft7Validator(schema("2.1")).validate(exported)
    again = preview_document(json.loads(json.dumps(exported)), "exported.json")
    return preview, exported, again


def requests_of(preview) -> list[tuple]:
    return [(i.folder, i.request.name, i.request.method, i.request.url) for i in preview.requests]


def test_postman_v21_collection_round_trips(library: CollectionLibrary) -> None:
    preview, exported, again = round_trip(library,
                                          "postman/nested-entities.postman_collection.json")
    assert preview.format == "Postman Collection v2.1"
    assert requests_of(preview) == [(("F1",), "Basic", "GET", "https://postman-echo.com/get"),
                                    ((), "OAuth1", "GET", "https://postman-echo.com/get")]
    dropped = {(d.where, d.what) for d in preview.dropped}
    assert ("collection", "pre-request script") in dropped
    assert ("OAuth1", "auth helper (oauth1)") in dropped
    assert requests_of(again) == requests_of(preview)
    assert "D+EdQ-gs$-%@2Nu7" not in json.dumps(exported)  # the OAuth1 consumer secret


def test_postman_v20_collection_keeps_bodies(library: CollectionLibrary) -> None:
    preview, _, again = round_trip(library, "postman/sample-collection-v2.0.json")
    assert preview.format == "Postman Collection v2.0"
    bodies = {i.request.name: i.request.body for i in again.requests}
    assert bodies["A simple POST request with JSON body"].type is BodyType.JSON
    assert bodies["A simple POST request"].text.startswith("Duis posuere")


def test_a_postman_app_export_with_an_oauth2_helper(library: CollectionLibrary) -> None:
    preview = preview_file(IMPORTS / "postman/oauth2-export.postman_collection.json")
    assert [d.what for d in preview.dropped] == ["auth helper (oauth2)"]
    assert preview.requests[0].request.url == ""
    result = apply_to_collection(preview, library)
    files = "".join(p.read_text() for p in result.collection.root.rglob("*.toml"))
    assert "exampleClientSecret" not in files


def test_postman_environment_becomes_profile_settings(isolated_home: Path) -> None:
    preview = preview_file(IMPORTS / "postman/basic.postman_environment.json")
    assert preview.kind is ImportKind.POSTMAN_ENVIRONMENT
    assert preview.variables == {"foo": "production"}
    assert [d.what for d in preview.dropped] == ["variable bar"]
    store = ProfileStore(isolated_home / "profiles.json")
    store.add(Profile("Staging", "sandbox", "local"))
    apply_environment(preview, store, "Staging")
    assert store.get("Staging").settings["foo"] == "production"


def test_secret_environment_variables_are_offered_never_written(isolated_home: Path) -> None:
    doc = {"name": "Prod", "_postman_variable_scope": "environment", "values": [
        {"key": "baseUrl", "value": "https://api.example.test", "enabled": True},
        {"key": "clientSecret", "value": "cnry-env-secret-77", "type": "secret", "enabled": True},
        {"key": "apiKey", "value": "cnry-env-key-88", "type": "default", "enabled": True},
        {"key": "note", "value": "Bearer cnry-shaped-99aa", "enabled": True},
    ]}
    preview = preview_document(doc, "prod.postman_environment.json")
    assert {(s.name, s.kind) for s in preview.secrets} == {("clientSecret", "client_secret"),
                                                           ("apiKey", "api_key")}
    assert "cnry" not in "\n".join(preview.lines(REDACTOR)) + json.dumps(
        preview.to_json(REDACTOR))
    store = ProfileStore(isolated_home / "profiles.json")
    store.add(Profile("Prod", "sandbox", "local"))
    result = apply_environment(preview, store, "Prod")
    assert result.variables_left_out == ["note"]
    assert "cnry" not in (isolated_home / "profiles.json").read_text()
    assert store.get("Prod").settings["baseUrl"] == "https://api.example.test"


def test_insomnia_v4_export_round_trips(library: CollectionLibrary) -> None:
    preview, exported, again = round_trip(library, "insomnia/insomnia_v4.json")
    assert preview.name == "Swagger Petstore 1.0.0"
    assert len(preview.requests) == 13
    urls = [i.request.url for i in preview.requests]
    assert "{{base_url}}/store/order/{{orderId}}" in urls
    assert preview.variables["host"] == "petstore.swagger.io"
    assert [(s.name, s.kind) for s in preview.secrets] == [("apiKey", "api_key")]
    add = next(i.request for i in preview.requests if i.request.name == "Add a new pet to "
               "the store")
    assert add.body.type is BodyType.JSON
    assert json.loads(add.body.text)["name"] == "doggie"
    assert {d.what for d in preview.dropped} >= {"1 cookie_jar resource(s)"}
    assert len(again.requests) == 13
    assert "apiKey" not in json.dumps(exported)


def test_openapi_petstore_becomes_one_request_per_operation(library: CollectionLibrary) -> None:
    preview, _exported, again = round_trip(library, "openapi/petstore.yaml")
    assert preview.format == "OpenAPI 3.0.0"
    assert requests_of(preview) == [
        (("pets",), "List all pets", "GET", "{{base_url}}/pets"),
        (("pets",), "Create a pet", "POST", "{{base_url}}/pets"),
        (("pets",), "Info for a specific pet", "GET", "{{base_url}}/pets/{{petId}}")]
    create = preview.requests[1].request
    assert json.loads(create.body.text) == {"id": 0, "name": "string", "tag": "string"}
    assert create.header("Content-Type") == "application/json"
    assert "Optional query parameters: limit" in preview.requests[0].request.description
    assert any("petstore.swagger.io/v1" in note for note in preview.notes)
    assert requests_of(again) == requests_of(preview)


def test_chrome_har_exchanges_are_explained_with_the_provider() -> None:
    provider = load_registry().get("redcloud")
    preview = preview_file(IMPORTS / "har/chrome.har", provider=provider)
    assert preview.format == "HAR 1.2 (WebInspector 537.36)"
    first, blocked, image = preview.exchanges
    assert first.status == 304
    assert first.response.http_version == "HTTP/2.0"
    assert not any(name.startswith(":") for name, _ in first.request.headers)
    assert blocked.response is None
    assert blocked.error.kind is ErrorKind.CONNECT
    assert blocked.error.message == "net::ERR_INTERNET_DISCONNECTED"
    assert blocked.top_finding is not None
    assert blocked.top_finding.severity.value == "error"
    assert image.status == 200
    assert image.response.body.startswith(b"\x89PNG")
    assert all(e.profile == "har:chrome.har" for e in preview.exchanges)


def test_har_requests_can_be_saved_without_credentials(library: CollectionLibrary) -> None:
    har = {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {"startedDateTime": "2024-01-01T00:00:00Z", "time": 10,
         "request": {"method": "POST", "url": "https://api.test/send", "httpVersion": "HTTP/1.1",
                     "headers": [{"name": "Authorization", "value": "Bearer cnry-har-tok"},
                                 {"name": "Content-Type", "value": "application/json"}],
                     "postData": {"mimeType": "application/json", "text": '{"to": "+1415"}'}},
         "response": {"status": 401, "statusText": "Unauthorized", "headers": [],
                      "content": {"size": 0, "mimeType": "application/json"}},
         "timings": {"send": 1, "wait": 8, "receive": 1}},
        {"request": {"method": "GET"}, "response": {"status": 200}},
    ]}}
    preview = preview_document(har, "ticket.har")
    assert [d.where for d in preview.dropped] == ["entry 2"]
    assert preview.exchanges[0].top_finding is not None
    result = apply_to_collection(preview, library, into="Ticket 4711")
    text = "".join(p.read_text() for p in result.collection.root.rglob("*.toml"))
    assert "cnry-har-tok" not in text
    assert "Content-Type" in text


WORDS = st.text("abcdefgh0123 ", min_size=1, max_size=12)
HEADER_NAMES = st.sampled_from(["Accept", "X-Trace", "X-Tenant", "Content-Language"])
REQUEST = st.fixed_dictionaries({
    "name": WORDS,
    "request": st.fixed_dictionaries({
        "method": st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
        "url": st.lists(st.text("abcdefgh0123", min_size=1, max_size=8), max_size=3).map(
            lambda parts: "https://api.test/" + "/".join(parts)),
        "header": st.lists(st.fixed_dictionaries({"key": HEADER_NAMES, "value": WORDS}),
                           max_size=2),
        "body": st.one_of(st.just({}), st.fixed_dictionaries(
            {"mode": st.just("raw"), "raw": st.text("abcdefgh 0123\n", max_size=40)})),
    }),
})
ITEMS = st.recursive(st.lists(REQUEST, max_size=3), lambda children: st.lists(
    st.one_of(REQUEST, st.fixed_dictionaries({"name": WORDS, "item": children})), max_size=3),
    max_leaves=8)


def comparable(preview) -> list[tuple]:
    return [(i.folder, i.request.name, i.request.method, i.request.url,
             tuple((h.name, h.value) for h in i.request.headers), i.request.body.text)
            for i in preview.requests]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=ITEMS)
def test_any_valid_postman_collection_survives_import_and_export(tmp_path: Path,
                                                                 items) -> None:
    doc = {"info": {"name": "Generated", "schema": postman_schema_url()}, "item": items}
    jsonschema.Draft7Validator(schema("2.1")).validate(doc)
    first = preview_document(doc, "generated.json")
    home = tmp_path / str(abs(hash(json.dumps(items))))
    library = CollectionLibrary(home / "collections", home / "registry.json")
    if not first.requests and not first.folders:
        return
    collection = apply_to_collection(first, library).collection
    exported = export_postman(collection)
    jsonschema.Draft7Validator(schema("2.1")).validate(exported)
    again = preview_document(exported, "exported.json")
    assert comparable(again) == comparable(first)


def postman_schema_url() -> str:
    from desktop.core.collections.postman_export import SCHEMA_URL

    return SCHEMA_URL

"""Bad and hostile import files: one line naming the file and the reason, quickly, nothing else.

Not JSON or YAML, the wrong schema, 100,000-deep nesting, huge files and
devices, YAML alias bombs, ``$ref`` cycles and external references. And, with
Hypothesis, arbitrary JSON: the importers raise nothing but ImportFileError.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.collections import (
    ImportFileError,
    har_import,
    insomnia,
    openapi,
    postman,
    preview_document,
    preview_file,
)
from desktop.core.collections.loading import MAX_ALIASES, load
from desktop.core.redact import Redactor

PETSTORE = Path(__file__).resolve().parents[1] / "data" / "imports" / "openapi" / "petstore.yaml"
LAUGHS = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
    for i in range(8)]) + "\nopenapi: 3.0.0\n"
V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def refused(tmp_path: Path, name: str, content: bytes | str, **options) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    started = time.monotonic()
    with pytest.raises(ImportFileError) as caught:
        preview_file(path, **options)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("content", "reason"), [
    ("{not json", "is not valid JSON"),
    ("", "is empty"),
    ("key: [unclosed", "is not valid JSON or YAML"),
    ("just a sentence", "is a str, not a Postman collection"),
    ("[1, 2, 3]", "is a JSON array"),
    ('{"hello": "world"}', "a document of another kind"),
    (b"\xff\xfe\xfd\x00garbage", "is not valid UTF-16"),
    (b"\x80\x81\x82", "is not UTF-8 text"),
])
def test_files_that_are_not_what_we_read_are_refused(tmp_path: Path, content, reason) -> None:
    assert reason in refused(tmp_path, "input.json", content)


@pytest.mark.parametrize(("document", "reason"), [
    ({"info": {"name": "x", "schema": V21}, "item": {"not": "a list"}},
     "is not a valid Postman Collection v2.1"),
    ({"info": {"name": "x", "schema": "https://example.test/v1"}, "item": []},
     "is not a Postman Collection v2.0 or v2.1"),
    ({"info": {"name": "x", "schema": V21}, "item": [{"name": "r", "request": {
        "method": "GET", "url": "/x", "body": {"mode": "unknown"}}}]},
     "is not a valid Postman Collection v2.1"),
    ({"_type": "export", "__export_format": 3, "resources": []}, "only format 4"),
    ({"_type": "export", "__export_format": 4, "resources": [{"name": "no id"}]},
     "needs a _type and an _id"),
    ({"swagger": "2.0", "info": {}, "paths": {}}, "only OpenAPI 3.x"),
    ({"openapi": "3.0.0", "info": {"version": "1"}, "paths": {}},
     "is not a valid OpenAPI document: 'title' is a required property"),
    ({"log": {"entries": "nope"}}, "a document of another kind"),
])
def test_the_wrong_schema_is_named(tmp_path: Path, document, reason) -> None:
    assert reason in refused(tmp_path, "input.json", json.dumps(document))


def openapi_with(schemas: dict, ref: str = "#/components/schemas/A") -> str:
    return json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
                       "paths": {"/x": {"get": {"responses": {"200": {
                           "description": "ok", "content": {"application/json": {
                               "schema": {"$ref": ref}}}}}}}},
                       "components": {"schemas": schemas}})


@pytest.mark.parametrize(("schemas", "ref", "reason"), [
    ({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
     "#/components/schemas/A", "has a $ref cycle"),
    ({"A": {"$ref": "#/components/schemas/A"}}, "#/components/schemas/A", "has a $ref cycle"),
    ({}, "http://127.0.0.1:9/evil.json", "uses an external $ref"),
    ({}, "other.yaml#/A", "uses an external $ref"),
    ({}, "#/components/schemas/Missing", "has a $ref to nothing"),
])
def test_ref_cycles_and_external_refs_are_refused(tmp_path: Path, schemas, ref, reason) -> None:
    assert reason in refused(tmp_path, "api.json", openapi_with(schemas, ref))


def test_a_recursive_schema_is_fine_and_its_example_is_cut_off(tmp_path: Path) -> None:
    node = {"type": "object", "properties": {"name": {"type": "string"},
                                             "child": {"$ref": "#/components/schemas/A"}}}
    path = tmp_path / "tree.json"
    document = json.loads(openapi_with({"A": node}))
    document["paths"]["/x"]["post"] = {"requestBody": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/A"}}}}, "responses": {"200": {
            "description": "ok"}}}
    path.write_text(json.dumps(document))
    body = json.loads(preview_file(path).requests[1].request.body.text)
    assert body == {"name": "string", "child": None}


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"a":' * 100_000 + "1" + "}" * 100_000,
                                  "- " * 100_000 + "x",
                                  "[" * 100_000])
def test_absurd_nesting_is_refused(tmp_path: Path, text: str) -> None:
    message = refused(tmp_path, "deep.json", text)
    assert "nests deeper" in message or "not valid" in message


def test_a_yaml_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    assert "expands to more than" in refused(tmp_path, "lol.yaml", LAUGHS)


def test_too_many_yaml_aliases_are_refused(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    assert "YAML aliases" in refused(tmp_path, "aliases.yaml", text)


def test_huge_files_and_devices_are_refused_without_reading_them(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.json"
    with sparse.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="files over 52,428,800 bytes are refused"):
        preview_file(sparse)
    assert time.monotonic() - started < 1
    assert "files over 10 bytes are refused" in refused(tmp_path, "small.json",
                                                        '{"a": 1234567}', limit=10)
    with pytest.raises(ImportFileError, match="is not a regular file"):
        preview_file("/dev/zero")
    with pytest.raises(ImportFileError, match="cannot be read"):
        preview_file(tmp_path / "missing.json")


def test_a_windows_utf16_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    path.write_bytes(json.dumps({"name": "E", "values": [{"key": "a", "value": "1"}]})
                     .encode("utf-16"))
    assert preview_file(path).variables == {"a": "1"}


def test_yaml_openapi_with_numeric_keys_and_dates_is_read(tmp_path: Path) -> None:
    text = PETSTORE.read_text().replace("version: 1.0.0", "version: 2024-01-01")
    path = tmp_path / "petstore.yaml"
    path.write_text(text)
    assert len(preview_file(path).requests) == 3
    assert load(path)["paths"]["/pets"]["get"]["responses"]["200"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) |
    st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["info", "item", "request", "url", "raw", "host", "path", "query",
                         "header", "body", "mode", "urlencoded", "graphql", "formdata",
                         "options", "auth", "type", "event", "variable", "key", "value",
                         "disabled", "name", "method", "description", "response", "log",
                         "entries", "response", "status", "content", "text", "encoding",
                         "headers", "postData", "timings", "_type", "_id", "parentId",
                         "resources", "parameters", "metaSortKey", "authentication",
                         "environment", "data", "openapi", "paths", "components",
                         "schemas", "$ref", "schema", "requestBody", "properties",
                         "examples", "example", "servers", "tags", "get", "post", "in",
                         "required", "items", "allOf", "oneOf", "values", "enabled"])
        | st.text(max_size=8), children, max_size=6),
    max_leaves=40)


def renders(preview) -> None:
    redactor = Redactor()
    preview.lines(redactor)
    json.dumps(preview.to_json(redactor))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_arbitrary_json_only_ever_raises_the_import_error(doc) -> None:
    try:
        renders(preview_document(doc, "any.json"))
    except ImportFileError as exc:
        message = str(exc)
    else:
        return
    assert message.startswith("any.json: ")
    assert "\n" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON, JSON)
def test_each_mapping_survives_arbitrary_shapes(doc, other) -> None:
    renders(postman.read_collection({"info": other, "item": doc, "variable": doc}, "x.json"))
    renders(insomnia.read_export([doc, other] if not isinstance(doc, list) else doc, "x.json"))
    renders(openapi.read_document({"openapi": "3.0.0", "paths": doc, "components": other},
                                  "x.json"))
    renders(har_import.import_har({"log": {"entries": [doc, other]}}, "x.har", None))
    try:
        renders(postman.import_environment({"values": doc if isinstance(doc, list) else [doc]},
                                           "x.json"))
    except ImportFileError:
        pass


@pytest.mark.parametrize("text", ["a: !!int 0xZZ", "a: !!float abc",
                                  "a: !!binary xx", "? [a]\n: 1"])
def test_yaml_values_pyyaml_cannot_build_are_one_line_errors(tmp_path: Path, text: str) -> None:
    assert "is not valid" in refused(tmp_path, "bad.yaml", text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab:-[]{}&*!?|>#'\",\n 0123.eE+", "!!int ", "!!float ",
                                  "!!binary ", "&x ", "*x", "<<: "]), max_size=30).map("".join))
def test_any_text_is_parsed_or_refused_with_the_import_error(text: str) -> None:
    from desktop.core.collections.loading import parse

    try:
        parse(text, "x.yaml")
    except ImportFileError as exc:
        message = str(exc)
    else:
        return
    assert message.startswith("x.yaml: ")


def test_impossible_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text("name: E\nvalues:\n  - key: when\n    value: 2001-13-01\n")
    assert preview_file(path).variables == {"when": "2001-13-01"}

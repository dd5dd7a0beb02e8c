"""Postman Collection v2.0/v2.1 and Postman environments in.

A collection is validated with the official JSON Schema (vendored in
``schemas/``) before anything is read from it. What Switchboard cannot
carry is listed as dropped: scripts, auth helpers (the profile's
credentials are attached instead), saved example responses, multipart
form-data and file bodies. An environment's variables become profile
settings; secret-typed ones (and ones named like secrets) are offered for
the keychain and never written.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from desktop.core.collections.common import (
    MAX_ITEMS,
    as_dict,
    as_list,
    description_of,
    is_placeholder,
    is_secret_variable,
    method_of,
    name_of,
    secret_kind_for,
    text,
)
from desktop.core.collections.loading import ImportFileError
from desktop.core.collections.model import Auth, Body, BodyType, Header, SavedRequest
from desktop.core.collections.preview import ImportKind, ImportPreview, OfferedSecret
from desktop.core.collections.safety import is_credential

SCHEMAS = {"2.0": "postman-collection-v2.0.0.json", "2.1": "postman-collection-v2.1.0.json"}
_VERSION = re.compile(r"collection/v(2\.[01])\.\d")
_PATH_VARIABLE = re.compile(r"(?<=/):([A-Za-z_][A-Za-z0-9_]*)")
DYNAMIC = {"$guid": "uuid", "$randomUUID": "uuid", "$isoTimestamp": "now_iso"}
_DYNAMIC = re.compile(r"\{\{\s*(\$[A-Za-z]+)\s*\}\}")


@lru_cache(maxsize=2)
def schema(version: str) -> dict[str, Any]:
    """The official schema of a collection version (``2.0`` or ``2.1``)."""
    data = (resources.files("desktop.core.collections") / "schemas" / SCHEMAS[version])
    return json.loads(data.read_text(encoding="utf-8"))


def collection_version(doc: Any) -> str | None:
    """``2.0`` or ``2.1`` from ``info.schema``, or None when it names neither."""
    match = _VERSION.search(text(as_dict(as_dict(doc).get("info")).get("schema")))
    return match.group(1) if match else None


def validate(doc: Any, version: str, source: str) -> None:
    """Raise ImportFileError with the most relevant schema error, if any."""
    import jsonschema

    validator = jsonschema.Draft7Validator(schema(version))
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    except RecursionError:
        raise ImportFileError(source, "nests too deeply to validate") from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        message = error.message if len(error.message) < 200 else error.message[:200] + "…"
        raise ImportFileError(source, f"is not a valid Postman Collection v{version}: "
                              f"{message} (at {where})")


def import_collection(doc: Any, source: str) -> ImportPreview:
    version = collection_version(doc)
    if version is None:
        raise ImportFileError(source, "is not a Postman Collection v2.0 or v2.1 (info.schema "
                              "names no such version; export again as v2.1)")
    validate(doc, version, source)
    return read_collection(doc, source, version)


def read_collection(doc: Any, source: str, version: str = "2.1") -> ImportPreview:
    """The mapping, without validation (the tests feed it arbitrary JSON)."""
    doc = as_dict(doc)
    info = as_dict(doc.get("info"))
    preview = ImportPreview(source, ImportKind.POSTMAN_COLLECTION,
                            f"Postman Collection v{version}",
                            name_of(info.get("name"), "Imported collection"),
                            description_of(info.get("description")))
    _variables(doc.get("variable"), preview, "collection")
    _container_extras(doc, preview, "collection")
    _items(doc.get("item"), (), preview)
    return preview


def _variables(items: Any, preview: ImportPreview, where: str) -> None:
    for variable in as_list(items):
        variable = as_dict(variable)
        name = text(variable.get("key")) or text(variable.get("id"))
        value = text(variable.get("value"))
        if not name:
            continue
        if variable.get("disabled") is True:
            preview.drop(where, f"variable {name}", "disabled")
        elif is_secret_variable(name, value, variable.get("type") == "secret"):
            preview.secrets = [s for s in preview.secrets if s.name != name]
            preview.secrets.append(OfferedSecret(name, _kind(name), value))
        else:
            preview.variables[name] = value


def _kind(name: str) -> str | None:
    kind = secret_kind_for(name)
    return kind.value if kind else None


def _container_extras(container: dict[str, Any], preview: ImportPreview, where: str) -> None:
    """Scripts and auth helpers of a collection, folder or request: reported, not kept."""
    for event in as_list(container.get("event")):
        listen = text(as_dict(event).get("listen"), "script")
        label = {"prerequest": "pre-request script", "test": "test script"}.get(
            listen, f"{listen} script")
        preview.drop(where, label, "scripts are not run by Switchboard")
    auth = as_dict(container.get("auth"))
    kind = text(auth.get("type"))
    if kind and kind not in ("noauth", "inherit"):
        preview.drop(where, f"auth helper ({kind})",
                     "the profile's credentials are attached instead; none are written")
    if container.get("protocolProfileBehavior"):
        preview.drop(where, "protocol profile behaviour settings", "not supported")


def _items(items: Any, trail: tuple[str, ...], preview: ImportPreview) -> None:
    for item in as_list(items):
        if len(preview.requests) >= MAX_ITEMS:
            preview.drop("", "the remaining requests", f"more than {MAX_ITEMS} in one import")
            return
        item = as_dict(item)
        if isinstance(item.get("item"), list):
            folder = (*trail, name_of(item.get("name"), "Folder"))
            folder = preview.add_folder(folder)
            where = " / ".join(folder)
            _variables(item.get("variable"), preview, where)
            _container_extras(item, preview, where)
            _items(item.get("item"), folder, preview)
        elif "request" in item:
            _request(item, trail, preview)


def _request(item: dict[str, Any], trail: tuple[str, ...], preview: ImportPreview) -> None:
    raw = item.get("request")
    request = as_dict(raw) if not isinstance(raw, str) else {"url": raw, "method": "GET"}
    name = name_of(item.get("name"), "Request")
    where = " / ".join((*trail, name))
    _container_extras(item, preview, where)
    auth = Auth.PROFILE
    request_auth = as_dict(request.get("auth"))
    if text(request_auth.get("type")) == "noauth":
        auth = Auth.NONE
    else:
        _container_extras({"auth": request_auth}, preview, where)
    url = _url(request.get("url"), preview)
    headers = _headers(request.get("header"), preview, where)
    body, extra_headers = _body(request.get("body"), preview, where)
    if extra_headers and not any(h.name.lower() == "content-type" for h in headers):
        headers.extend(extra_headers)
    responses = as_list(item.get("response"))
    if responses:
        preview.drop(where, f"{len(responses)} saved example response(s)", "not kept")
    if not url:
        preview.notes.append(f"{where}: it has no URL yet")
    saved = SavedRequest(name=name, method=method_of(request.get("method")), url=url,
                         headers=tuple(headers), body=body, auth=auth,
                         description=description_of(request.get("description")),
                         extras={"source": "postman"})
    preview.add_request(trail, _dynamic(saved, preview, where))


def _url(value: Any, preview: ImportPreview) -> str:
    if isinstance(value, str):
        url = value
    else:
        url_obj = as_dict(value)
        url = text(url_obj.get("raw"))
        if not url:
            url = _build_url(url_obj)
        for variable in as_list(url_obj.get("variable")):
            variable = as_dict(variable)
            name, default = text(variable.get("key")), text(variable.get("value"))
            if name and not is_secret_variable(name, default):
                preview.variables.setdefault(name, default)
    return _PATH_VARIABLE.sub(lambda m: "{{" + m.group(1) + "}}", url.strip())


def _build_url(url: dict[str, Any]) -> str:
    host = url.get("host")
    host_text = ".".join(text(h) for h in host) if isinstance(host, list) else text(host)
    path = url.get("path")
    if isinstance(path, list):
        path_text = "/".join(text(p) if not isinstance(p, dict) else text(p.get("value"))
                             for p in path)
    else:
        path_text = text(path).lstrip("/")
    protocol = text(url.get("protocol"))
    port = text(url.get("port"))
    out = (f"{protocol}://" if protocol else "") + host_text + (f":{port}" if port else "")
    if path_text:
        out += "/" + path_text
    query = [as_dict(q) for q in as_list(url.get("query"))]
    pairs = [f"{_q(text(q.get('key')))}={_q(text(q.get('value')))}" for q in query
             if q.get("disabled") is not True and text(q.get("key"))]
    return out + ("?" + "&".join(pairs) if pairs else "")


def _q(value: str) -> str:
    return quote(value, safe="{}$:/@!*'(),;")


def _headers(value: Any, preview: ImportPreview, where: str) -> list[Header]:
    rows: list[tuple[str, str, bool]] = []
    if isinstance(value, str):
        for line in value.splitlines():
            name, sep, header_value = line.partition(":")
            if sep and name.strip():
                rows.append((name.strip(), header_value.strip(), True))
    else:
        for header in as_list(value):
            header = as_dict(header)
            rows.append((text(header.get("key")).strip(), text(header.get("value")),
                         header.get("disabled") is not True))
    kept = []
    for name, header_value, enabled in rows:
        if not name:
            continue
        if is_credential(name) and not is_placeholder(header_value):
            preview.drop(where, f"header {name}", "credentials come from the profile")
            continue
        kept.append(Header(name, header_value.replace("\r", " ").replace("\n", " "), enabled))
    return kept


def _body(value: Any, preview: ImportPreview, where: str) -> tuple[Body, list[Header]]:
    body = as_dict(value)
    mode = text(body.get("mode"))
    if not mode:
        return Body(), []
    if body.get("disabled") is True:
        preview.drop(where, f"{mode} body", "disabled in Postman")
        return Body(), []
    if mode == "raw":
        raw = text(body.get("raw"))
        language = text(as_dict(as_dict(body.get("options")).get("raw")).get("language"))
        if not raw:
            return Body(), []
        if language == "json":
            return Body(BodyType.JSON, raw), [Header("Content-Type", "application/json")]
        return Body.from_bytes(raw.encode("utf-8")) if raw.lstrip()[:1] in "{[" else \
            Body(BodyType.TEXT, raw), []
    if mode == "urlencoded":
        pairs = []
        for field in as_list(body.get("urlencoded")):
            field = as_dict(field)
            if field.get("disabled") is True:
                preview.drop(where, f"form field {text(field.get('key'))}", "disabled")
                continue
            pairs.append(f"{_q(text(field.get('key')))}={_q(text(field.get('value')))}")
        return Body(BodyType.FORM, "&".join(pairs)), [
            Header("Content-Type", "application/x-www-form-urlencoded")]
    if mode == "graphql":
        graphql = as_dict(body.get("graphql"))
        variables: Any = text(graphql.get("variables"))
        try:
            variables = json.loads(variables) if variables.strip() else {}
        except (ValueError, RecursionError):
            preview.drop(where, "GraphQL variables", "not valid JSON")
            variables = {}
        payload = json.dumps({"query": text(graphql.get("query")), "variables": variables},
                             indent=2, ensure_ascii=False)
        return Body(BodyType.JSON, payload), [Header("Content-Type", "application/json")]
    what = {"formdata": "multipart form-data body", "file": "file body"}.get(mode,
                                                                             f"{mode} body")
    preview.drop(where, what, "not supported by Switchboard's composer")
    return Body(), []


def _dynamic(saved: SavedRequest, preview: ImportPreview, where: str) -> SavedRequest:
    """Postman's ``{{$guid}}`` and friends: the ones Switchboard has are renamed."""
    unknown: set[str] = set()

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in DYNAMIC:
            return "{{" + DYNAMIC[name] + "}}"
        unknown.add(name)
        return match.group(0)

    def fix(value: str) -> str:
        return _DYNAMIC.sub(rename, value) if "{{" in value else value

    from dataclasses import replace

    fixed = replace(saved, url=fix(saved.url),
                    headers=tuple(replace(h, value=fix(h.value)) for h in saved.headers),
                    body=replace(saved.body, text=fix(saved.body.text)))
    for name in sorted(unknown):
        preview.drop(where, f"dynamic variable {{{{{name}}}}}", "kept as text; Switchboard "
                     "has no such variable")
    return fixed


# -- environments ----------------------------------------------------------------------------

def looks_like_environment(doc: Any) -> bool:
    doc = as_dict(doc)
    return isinstance(doc.get("values"), list) and (
        "_postman_variable_scope" in doc or "name" in doc) and "info" not in doc


def import_environment(doc: Any, source: str) -> ImportPreview:
    """A Postman environment: its variables, as settings for a profile."""
    doc = as_dict(doc)
    if not isinstance(doc.get("values"), list):
        raise ImportFileError(source, "is not a Postman environment (no 'values' list)")
    scope = text(doc.get("_postman_variable_scope"), "environment")
    preview = ImportPreview(source, ImportKind.POSTMAN_ENVIRONMENT,
                            f"Postman {scope}", name_of(doc.get("name"), "Environment"))
    for index, entry in enumerate(doc["values"][:MAX_ITEMS]):
        entry = as_dict(entry)
        name = text(entry.get("key")).strip()
        if not name:
            preview.drop(f"values[{index}]", "a variable without a name", "nothing to set")
            continue
        value = text(entry.get("value"))
        if entry.get("enabled") is False or entry.get("disabled") is True:
            preview.drop("", f"variable {name}", "disabled")
            continue
        if is_secret_variable(name, value, text(entry.get("type")) == "secret"):
            preview.secrets = [s for s in preview.secrets if s.name != name]
            preview.secrets.append(OfferedSecret(name, _kind(name), value))
            preview.variables.pop(name, None)
        else:
            preview.variables[name] = value
    preview.notes.append("the variables become settings of the profile you choose; "
                         "{{name}} in a request reads them")
    return preview

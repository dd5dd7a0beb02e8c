"""Insomnia v4 exports (JSON or YAML) in.

Insomnia publishes no schema for its export format 4, so the shape is
checked here (an ``export`` of format 4 with a list of resources that each
have a ``_type`` and an ``_id``); everything else is read defensively.
Resources form a tree through ``parentId``: workspaces, request groups
(folders), requests and environments. ``{{ _.name }}`` becomes
``{{name}}``; Nunjucks tags (``{% uuid %}``), auth helpers, plugins,
cookie jars, specs, tests, gRPC and WebSocket requests are reported as
dropped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import quote

from desktop.core.collections.common import (
    MAX_ITEMS,
    as_dict,
    as_list,
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

_UNDERSCORE = re.compile(r"\{\{\s*(?:_\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TAG = re.compile(r"\{%.*?%\}")


def looks_like_insomnia(doc: Any) -> bool:
    doc = as_dict(doc)
    return doc.get("_type") == "export" and "__export_format" in doc


def import_export(doc: Any, source: str) -> ImportPreview:
    doc = as_dict(doc)
    if doc.get("_type") != "export":
        raise ImportFileError(source, "is not an Insomnia export (_type is not \"export\")")
    version = doc.get("__export_format")
    if version != 4:
        raise ImportFileError(source, f"is an Insomnia export of format {version!r}; only "
                              "format 4 is supported (export again from Insomnia as v4)")
    resources = doc.get("resources")
    if not isinstance(resources, list):
        raise ImportFileError(source, "is not a valid Insomnia v4 export: no resources list")
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("_type"), str) or \
                not isinstance(resource.get("_id"), str):
            raise ImportFileError(source, f"is not a valid Insomnia v4 export: resources"
                                  f"[{index}] needs a _type and an _id")
    return read_export(resources, source, text(doc.get("__export_source")))


def read_export(resources: list[Any], source: str, exported_by: str = "") -> ImportPreview:
    """The mapping over checked resources (the tests also feed it arbitrary JSON)."""
    items = [as_dict(r) for r in as_list(resources)]
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        children[text(item.get("parentId"))].append(item)
    workspaces = [i for i in items if i.get("_type") == "workspace"]
    name = name_of(workspaces[0].get("name"), "Insomnia import") if workspaces else \
        "Insomnia import"
    label = "Insomnia v4 export" + (f" ({exported_by})" if exported_by else "")
    preview = ImportPreview(source, ImportKind.INSOMNIA, label, name,
                            text(workspaces[0].get("description")) if workspaces else "")
    known = {"workspace", "request_group", "request", "environment"}
    skipped = Counter(text(i.get("_type"), "?") for i in items if text(i.get("_type")) not in known)
    for kind, count in sorted(skipped.items()):
        preview.drop("", f"{count} {kind} resource(s)", "not part of a Switchboard collection")
    roots = workspaces or [{"_id": ""}]
    for workspace in roots:
        trail: tuple[str, ...] = ()
        if len(roots) > 1:
            trail = (name_of(workspace.get("name"), "Workspace"),)
            trail = preview.add_folder(trail)
        _environments(text(workspace.get("_id")), children, preview)
        _walk(text(workspace.get("_id")), trail, children, preview, set())
    if "base_url" in preview.variables:
        preview.notes.append("{{base_url}} is the profile's base URL in Switchboard; the "
                             "export's base_url variable is kept only as a default")
    return preview


def _sorted(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(item: dict[str, Any]) -> tuple[float, str]:
        sort = item.get("metaSortKey")
        number = float(sort) if isinstance(sort, int | float) and not isinstance(sort, bool) \
            and sort == sort else 0.0
        return number, text(item.get("name"))

    return sorted(resources, key=key)


def _walk(parent: str, trail: tuple[str, ...], children: dict[str, list[dict[str, Any]]],
          preview: ImportPreview, seen: set[str]) -> None:
    if parent in seen or len(trail) > 32:
        return
    seen.add(parent)
    for item in _sorted(children.get(parent, [])):
        if len(preview.requests) >= MAX_ITEMS:
            preview.drop("", "the remaining requests", f"more than {MAX_ITEMS} in one import")
            return
        kind = text(item.get("_type"))
        if kind == "request_group":
            folder = (*trail, name_of(item.get("name"), "Folder"))
            folder = preview.add_folder(folder)
            where = " / ".join(folder)
            if as_dict(item.get("environment")):
                _variables(as_dict(item.get("environment")), preview, where)
            _auth(item, preview, where)
            _walk(text(item.get("_id")), folder, children, preview, seen)
        elif kind == "request":
            _request(item, trail, preview)


def _environments(workspace_id: str, children: dict[str, list[dict[str, Any]]],
                  preview: ImportPreview) -> None:
    bases = [e for e in children.get(workspace_id, []) if e.get("_type") == "environment"]
    for base in bases:
        _variables(as_dict(base.get("data")), preview, "base environment")
        subs = _sorted([e for e in children.get(text(base.get("_id")), [])
                        if e.get("_type") == "environment"])
        for index, sub in enumerate(subs):
            label = f"environment {name_of(sub.get('name'), 'Environment')}"
            if index == 0:
                _variables(as_dict(sub.get("data")), preview, label)
                preview.notes.append(f"{label}: its values are the collection's variables")
            else:
                preview.drop("", label, "only the first sub-environment is imported")


def _variables(data: dict[str, Any], preview: ImportPreview, where: str) -> None:
    for name, value in list(data.items())[:MAX_ITEMS]:
        if isinstance(value, dict | list):
            preview.drop(where, f"variable {name}", "nested values are not supported")
            continue
        value_text = _template(text(value), preview, where)
        if is_secret_variable(name, value_text):
            preview.secrets = [s for s in preview.secrets if s.name != name]
            kind = secret_kind_for(name)
            preview.secrets.append(OfferedSecret(name, kind.value if kind else None,
                                                 value_text))
        else:
            preview.variables[name] = value_text


def _auth(item: dict[str, Any], preview: ImportPreview, where: str) -> Auth:
    auth = as_dict(item.get("authentication"))
    kind = text(auth.get("type"))
    if kind == "none" or auth.get("disabled") is True:
        return Auth.NONE if kind == "none" else Auth.PROFILE
    if kind:
        preview.drop(where, f"auth helper ({kind})",
                     "the profile's credentials are attached instead; none are written")
    return Auth.PROFILE


def _template(value: str, preview: ImportPreview, where: str) -> str:
    if "{" not in value:
        return value
    value = _UNDERSCORE.sub(lambda m: "{{" + m.group(1) + "}}", value)
    if _TAG.search(value):
        preview.drop(where, "template tag(s) " + ", ".join(sorted(set(_TAG.findall(value))))[:120],
                     "Nunjucks tags are kept as text; Switchboard does not run them")
    return value


def _request(item: dict[str, Any], trail: tuple[str, ...], preview: ImportPreview) -> None:
    name = name_of(item.get("name"), "Request")
    where = " / ".join((*trail, name))
    auth = _auth(item, preview, where)
    url = _template(text(item.get("url")).strip(), preview, where)
    params = [as_dict(p) for p in as_list(item.get("parameters"))]
    pairs = [f"{_q(text(p.get('name')))}={_q(_template(text(p.get('value')), preview, where))}"
             for p in params if p.get("disabled") is not True and text(p.get("name"))]
    if pairs:
        url += ("&" if "?" in url else "?") + "&".join(pairs)
    headers = []
    for header in as_list(item.get("headers")):
        header = as_dict(header)
        header_name = text(header.get("name")).strip()
        value = _template(text(header.get("value")), preview, where)
        if not header_name:
            continue
        if is_credential(header_name) and not is_placeholder(value):
            preview.drop(where, f"header {header_name}", "credentials come from the profile")
            continue
        headers.append(Header(header_name, value.replace("\r", " ").replace("\n", " "),
                              header.get("disabled") is not True))
    body = _body(as_dict(item.get("body")), preview, where)
    if not url:
        preview.notes.append(f"{where}: it has no URL yet")
    saved = SavedRequest(name=name, method=method_of(item.get("method")), url=url,
                         headers=tuple(headers), body=body, auth=auth,
                         description=text(item.get("description"))[:10_000],
                         extras={"source": "insomnia"})
    preview.add_request(trail, saved)


def _body(body: dict[str, Any], preview: ImportPreview, where: str) -> Body:
    mime = text(body.get("mimeType")).split(";")[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        pairs = []
        for param in as_list(body.get("params")):
            param = as_dict(param)
            if param.get("disabled") is True:
                continue
            pairs.append(f"{_q(text(param.get('name')))}="
                         f"{_q(_template(text(param.get('value')), preview, where))}")
        return Body(BodyType.FORM, "&".join(pairs))
    if mime == "multipart/form-data" or body.get("fileName"):
        preview.drop(where, "multipart or file body", "not supported by Switchboard's composer")
        return Body()
    content = _template(text(body.get("text")), preview, where)
    if not content:
        return Body()
    if mime.endswith(("/json", "+json")) or mime == "application/graphql":
        return Body(BodyType.JSON, content)
    return Body(BodyType.TEXT, content)


def _q(value: str) -> str:
    return quote(value, safe="{}$:/@!*'(),;")

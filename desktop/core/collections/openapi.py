"""OpenAPI 3.0/3.1 documents (JSON or YAML) in: one request per operation.

The document is checked by openapi-spec-validator after its references are
checked here (``openapi_refs``: local only, no cycles). Each operation
becomes a request in a folder named after its first tag, on
``{{base_url}}`` (the profile's base URL: set it to the server the
document names), with path parameters as ``{{name}}`` variables holding
their examples, and an example body built from the examples or the schema.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from desktop.core.collections.common import (
    MAX_ITEMS,
    as_dict,
    as_list,
    is_secret_variable,
    name_of,
    text,
)
from desktop.core.collections.loading import ImportFileError
from desktop.core.collections.model import Auth, Body, BodyType, Header, SavedRequest
from desktop.core.collections.openapi_examples import as_text, example_for
from desktop.core.collections.openapi_refs import check_refs, resolve
from desktop.core.collections.preview import ImportKind, ImportPreview

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def looks_like_openapi(doc: Any) -> bool:
    doc = as_dict(doc)
    return "openapi" in doc or "swagger" in doc


def import_document(doc: Any, source: str) -> ImportPreview:
    doc = as_dict(doc)
    if "swagger" in doc:
        raise ImportFileError(source, f"is Swagger {text(doc.get('swagger'))}; only OpenAPI "
                              "3.x is supported (convert it with swagger2openapi first)")
    version = text(doc.get("openapi"))
    if not version.startswith("3."):
        raise ImportFileError(source, f"is not an OpenAPI 3.x document (openapi: "
                              f"{version or 'missing'})")
    check_refs(doc, source)
    _validate(doc, source)
    return read_document(doc, source)


def _validate(doc: dict[str, Any], source: str) -> None:
    try:
        from openapi_spec_validator import validate
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    except ImportError:  # pragma: no cover - a packaging mistake, said plainly
        raise ImportFileError(source, "cannot be checked: openapi-spec-validator is not "
                              "installed") from None
    try:
        validate(doc)
    except OpenAPIValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        message = exc.message if len(exc.message) < 200 else exc.message[:200] + "…"
        raise ImportFileError(source, f"is not a valid OpenAPI document: {message} (at "
                              f"{where})") from None
    except RecursionError:
        raise ImportFileError(source, "nests too deeply to validate") from None
    except Exception as exc:  # the validator's own failures (a bad pattern, say)
        raise ImportFileError(source, f"could not be validated ({type(exc).__name__}: "
                              f"{str(exc)[:160]})") from None


def read_document(doc: Any, source: str) -> ImportPreview:
    """The mapping, after the checks (the tests also feed it arbitrary JSON)."""
    doc = as_dict(doc)
    info = as_dict(doc.get("info"))
    preview = ImportPreview(source, ImportKind.OPENAPI, f"OpenAPI {text(doc.get('openapi'))}",
                            name_of(info.get("title"), "OpenAPI import"),
                            text(info.get("description"))[:10_000])
    servers = [text(as_dict(s).get("url")) for s in as_list(doc.get("servers"))]
    servers = [s for s in servers if s]
    if servers:
        preview.notes.append("requests use {{base_url}}, the profile's base URL; the document "
                             f"names: {', '.join(servers[:5])}")
    schemes = as_dict(as_dict(doc.get("components")).get("securitySchemes"))
    if schemes:
        described = ", ".join(f"{name} ({_scheme(as_dict(resolve(doc, s)))})"
                              for name, s in list(schemes.items())[:10])
        preview.notes.append(f"security: {described}; the profile's credentials are attached "
                             "(choose a provider whose auth matches)")
    global_security = doc.get("security")
    for path, raw_item in as_dict(doc.get("paths")).items():
        item = as_dict(resolve(doc, raw_item))
        shared = as_list(item.get("parameters"))
        for method in METHODS:
            if method not in item:
                continue
            if len(preview.requests) >= MAX_ITEMS:
                preview.drop("", "the remaining operations", f"more than {MAX_ITEMS}")
                return preview
            operation = as_dict(item.get(method))
            tags = [text(t) for t in as_list(operation.get("tags")) if text(t)]
            folder = (name_of(tags[0], "Other"),) if tags else ()
            if folder:
                preview.add_folder(folder, reuse=True)
            saved = _operation(doc, str(path), method, operation, shared, global_security,
                               preview)
            preview.add_request(folder, saved)
    for name in ("webhooks", "x-webhooks"):
        if as_dict(doc.get(name)):
            preview.drop("", f"{len(as_dict(doc.get(name)))} webhook(s)", "Switchboard "
                         "receives webhooks on the Webhooks page; they are not requests")
    return preview


def _scheme(scheme: dict[str, Any]) -> str:
    kind = text(scheme.get("type"), "?")
    if kind == "apiKey":
        return f"API key in {text(scheme.get('in'))} {text(scheme.get('name'))}".strip()
    if kind == "http":
        return f"HTTP {text(scheme.get('scheme'))}".strip()
    return kind


def _operation(doc: dict[str, Any], path: str, method: str, operation: dict[str, Any],
               shared: list[Any], global_security: Any, preview: ImportPreview) -> SavedRequest:
    name = name_of(operation.get("summary") or operation.get("operationId"),
                   f"{method.upper()} {path}")
    where = name
    parameters: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*shared, *as_list(operation.get("parameters"))]:
        parameter = as_dict(resolve(doc, raw))
        key = (text(parameter.get("in")), text(parameter.get("name")))
        if key[1]:
            parameters[key] = parameter
    url = "{{base_url}}" + _path(path, parameters, doc, preview)
    query, headers, optional = [], [], []
    for (location, param_name), parameter in parameters.items():
        value = _value(parameter, doc)
        if location == "query":
            if value is None and parameter.get("required") is not True:
                optional.append(param_name)
                continue
            shown = "{{" + param_name + "}}" if value is None and _NAME.match(param_name) \
                else as_text(value)
            query.append(f"{quote(param_name, safe='')}={quote(shown, safe='{}')}")
        elif location == "header":
            if param_name.lower() in ("accept", "content-type", "authorization"):
                continue  # taken from the operation, or from the profile's auth
            if value is None and parameter.get("required") is not True:
                continue
            headers.append(Header(param_name, as_text(value) if value is not None
                                  else "{{" + param_name + "}}"))
        elif location == "cookie":
            preview.drop(where, f"cookie parameter {param_name}", "cookies are not supported")
    if query:
        url += "?" + "&".join(query)
    body = _request_body(doc, operation, headers, preview, where)
    description = text(operation.get("description"))[:10_000]
    if optional:
        description += ("\n\n" if description else "") + "Optional query parameters: " + \
            ", ".join(optional)
    security = operation.get("security", global_security)
    auth = Auth.NONE if isinstance(security, list) and not security else Auth.PROFILE
    for callback in as_dict(operation.get("callbacks")):
        preview.drop(where, f"callback {callback}", "callbacks are webhooks, not requests")
    return SavedRequest(name=name, method=method.upper(), url=url, headers=tuple(headers),
                        body=body, auth=auth, description=description.strip(),
                        extras={"source": "openapi",
                                "operation": text(operation.get("operationId"))[:200]})


def _value(parameter: dict[str, Any], doc: dict[str, Any]) -> Any:
    if "example" in parameter:
        return parameter["example"]
    examples = as_dict(parameter.get("examples"))
    for example in examples.values():
        example = as_dict(resolve(doc, example))
        if "value" in example:
            return example["value"]
    resolved = as_dict(resolve(doc, parameter.get("schema")))
    for key in ("example", "default"):
        if key in resolved:
            return resolved[key]
    enum = resolved.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    return None


def _path(path: str, parameters: dict[tuple[str, str], dict[str, Any]], doc: dict[str, Any],
          preview: ImportPreview) -> str:
    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1)
        if not _NAME.match(name):
            return match.group(0)
        parameter = parameters.get(("path", name), {})
        value = _value(parameter, doc)
        if value is None:
            value = example_for(parameter.get("schema"), doc)
        default = as_text(value) if value not in (None, "string") else ""
        if not is_secret_variable(name, default):
            preview.variables.setdefault(name, default)
        return "{{" + name + "}}"

    return _PATH_PARAM.sub(placeholder, path if path.startswith("/") else "/" + path)


def _request_body(doc: dict[str, Any], operation: dict[str, Any], headers: list[Header],
                  preview: ImportPreview, where: str) -> Body:
    request_body = as_dict(resolve(doc, operation.get("requestBody")))
    content = as_dict(request_body.get("content"))
    if not content:
        return Body()
    chosen = _choose(list(content))
    if chosen is None:
        preview.drop(where, f"request body ({', '.join(list(content)[:3])})",
                     "only JSON, form and text bodies are supported")
        return Body()
    media = as_dict(content[chosen])
    value = _media_example(media, doc, preview, where)
    headers.append(Header("Content-Type", chosen))
    lowered = chosen.lower()
    if lowered == "application/x-www-form-urlencoded":
        pairs = as_dict(value)
        return Body(BodyType.FORM, "&".join(
            f"{quote(str(k), safe='')}={quote(as_text(v), safe='{}')}" for k, v in pairs.items()))
    if lowered.endswith(("/json", "+json")) or lowered == "*/*":
        return Body(BodyType.JSON, json.dumps(value, indent=2, ensure_ascii=False))
    return Body(BodyType.TEXT, value if isinstance(value, str) else as_text(value))


def _choose(types: list[str]) -> str | None:
    lowered = {t.lower(): t for t in types}
    for wanted in ("application/json", "application/x-www-form-urlencoded"):
        if wanted in lowered:
            return lowered[wanted]
    for media in types:
        low = media.lower()
        if low.endswith("+json") or low.startswith("text/") or low in (
                "application/xml", "*/*"):
            return media
    return None


def _media_example(media: dict[str, Any], doc: dict[str, Any], preview: ImportPreview,
                   where: str) -> Any:
    if "example" in media:
        return media["example"]
    for name, example in as_dict(media.get("examples")).items():
        example = as_dict(resolve(doc, example))
        if "value" in example:
            return example["value"]
        if example.get("externalValue"):
            preview.drop(where, f"example {name}", "external examples are not fetched")
    return example_for(media.get("schema"), doc)

"""A collection out as Postman Collection v2.1, so a teammate without Switchboard can use it.

Everything written passes through the redactor (the collection files are
already clean; the export is checked again, and known secrets refuse it).
Requests that attach the profile's credentials inherit a collection-level
auth that matches the provider's (``{{access_token}}``, ``{{api_key}}``
placeholders: the values are never exported); ``{{base_url}}`` becomes a
collection variable holding the profile's base URL when one is given.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from desktop.core.collections.model import Auth, BodyType, SavedRequest
from desktop.core.collections.safety import check_clean, scrub
from desktop.core.collections.store import Collection
from desktop.core.collections.tree import FolderNode, RequestNode
from desktop.core.redact import Redactor

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def export_postman(collection: Collection, *, provider: Any = None, base_url: str = "",
                   redactor: Redactor | None = None) -> dict[str, Any]:
    """The collection as a Postman v2.1 document (a dict ready for ``json.dumps``)."""
    redactor = redactor or collection.redactor
    tree = collection.tree()
    variables = dict(tree.meta.variables)
    if base_url:
        variables["base_url"] = base_url
    doc: dict[str, Any] = {
        "info": {
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, str(collection.root))),
            "name": redactor.redact_text(tree.meta.name),
            "description": redactor.redact_text(tree.meta.description),
            "schema": SCHEMA_URL,
        },
        "item": _items(tree.root, redactor, collection.credential_headers),
    }
    auth = _auth(provider)
    if auth is not None:
        doc["auth"] = auth
    if variables:
        doc["variable"] = [{"key": k, "value": v if _placeholder_only(v) else
                            redactor.redact_text(v), "type": "string"}
                           for k, v in variables.items()]
    return doc


def export_text(collection: Collection, **options: Any) -> str:
    """The export as JSON text, refused (UnsafeWriteError) if a known secret is in it."""
    redactor = options.get("redactor") or collection.redactor
    text = json.dumps(export_postman(collection, **options), indent=2, ensure_ascii=False) + "\n"
    check_clean(text, redactor, "the Postman export")
    return text


def _placeholder_only(value: str) -> bool:
    from desktop.core.templates import PLACEHOLDER

    return PLACEHOLDER.fullmatch(value.strip()) is not None


def _items(folder: FolderNode, redactor: Redactor, credentials: set[str]) -> list[Any]:
    items: list[Any] = []
    for child in folder.children():
        if isinstance(child, FolderNode):
            entry: dict[str, Any] = {"name": redactor.redact_text(child.name),
                                     "item": _items(child, redactor, credentials)}
            if child.description:
                entry["description"] = redactor.redact_text(child.description)
            items.append(entry)
        else:
            items.append(_request(child, redactor, credentials))
    return items


def _request(node: RequestNode, redactor: Redactor, credentials: set[str]) -> dict[str, Any]:
    saved: SavedRequest = scrub(node.request, redactor, credential_headers=credentials).request
    request: dict[str, Any] = {
        "method": saved.method,
        "header": [{"key": h.name, "value": h.value, **({"disabled": True} if not h.enabled
                                                          else {})} for h in saved.headers],
        "url": saved.url,
    }
    if saved.description:
        request["description"] = saved.description
    if saved.auth is Auth.NONE:
        request["auth"] = {"type": "noauth"}
    body = saved.body
    if body.type in (BodyType.JSON, BodyType.TEXT):
        request["body"] = {"mode": "raw", "raw": body.text}
        if body.type is BodyType.JSON:
            request["body"]["options"] = {"raw": {"language": "json"}}
    elif body.type is BodyType.FORM:
        from urllib.parse import parse_qsl

        request["body"] = {"mode": "urlencoded", "urlencoded": [
            {"key": k, "value": v} for k, v in parse_qsl(body.text, keep_blank_values=True)]}
    elif body.type is BodyType.BASE64:
        request["description"] = (saved.description + "\n\n" if saved.description else "") + \
            "(A binary body was not exported: Postman keeps file bodies outside the collection.)"
    return {"name": saved.name, "request": request, "response": []}


def _auth(provider: Any) -> dict[str, Any] | None:
    """Collection-level auth in Postman's terms for the provider's scheme, values as
    placeholders a teammate fills in their own Postman environment."""
    if provider is None:
        return None
    from desktop.core.provider.model import AuthType

    auth = provider.auth
    if auth.type is AuthType.OAUTH2_CLIENT_CREDENTIALS:
        return {"type": "oauth2", "oauth2": [
            {"key": "grantType", "value": "client_credentials", "type": "string"},
            {"key": "accessTokenUrl", "value": "{{base_url}}" + auth.token_path,
             "type": "string"},
            {"key": "clientId", "value": "{{client_id}}", "type": "string"},
            {"key": "clientSecret", "value": "{{client_secret}}", "type": "string"},
            {"key": "client_authentication",
             "value": "header" if auth.credentials == "basic" else "body", "type": "string"},
            {"key": "addTokenTo", "value": "header", "type": "string"},
        ]}
    if auth.type is AuthType.API_KEY:
        return {"type": "apikey", "apikey": [
            {"key": "key", "value": auth.header, "type": "string"},
            {"key": "value", "value": f"{auth.prefix}{{{{api_key}}}}", "type": "string"},
            {"key": "in", "value": "header", "type": "string"},
        ]}
    if auth.type is AuthType.BEARER:
        return {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}",
                                              "type": "string"}]}
    return None

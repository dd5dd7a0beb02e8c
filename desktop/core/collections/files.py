"""The collection file format: one TOML file per request, ``collection.toml``, ``folder.toml``.

Reading is strict (unknown keys and wrong types are errors, as in provider
files: a typo must not silently change a request) and bounded; every
problem names the file and the reason. The format is described, with an
example, in docs/collections.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.collections import tomlfile
from desktop.core.collections.model import (
    MAX_NAME,
    Auth,
    Body,
    BodyType,
    Header,
    SavedRequest,
    problem_with,
)

SCHEMA = 1
COLLECTION_FILE = "collection.toml"
FOLDER_FILE = "folder.toml"
RESERVED = frozenset({COLLECTION_FILE, FOLDER_FILE})
MAX_REQUEST_FILE = 8 * 1024 * 1024
"""A request file (its body included) larger than this is refused when read."""
MAX_META_FILE = 1024 * 1024
MAX_HEADERS = 500
MAX_VARIABLES = 5000
REQUEST_HEADER = ("Switchboard request (docs/collections.md). Credentials come from the "
                  "profile,\nnever from this file.")
_SLUG = re.compile(r"[^a-z0-9]+")


class CollectionFileError(ValueError):
    """A collection file that cannot be used: which file, and why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CollectionMeta:
    name: str
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    """Defaults for ``{{name}}``; the active profile's values win over them."""


@dataclass(frozen=True, slots=True)
class FolderMeta:
    name: str
    seq: int = 0
    description: str = ""


def slug(name: str, fallback: str = "request") -> str:
    """``Send a message (SMS)`` → ``send-a-message-sms``: a file name every system takes."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _SLUG.sub("-", text).strip("-")[:60].strip("-")
    return text or fallback


# -- writing ---------------------------------------------------------------------------------

def request_document(saved: SavedRequest) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA, "name": saved.name, "seq": saved.seq,
                           "method": saved.method, "url": saved.url, "auth": saved.auth.value}
    if saved.description:
        doc["description"] = saved.description
    if saved.body.type is not BodyType.NONE:
        doc["body"] = {"type": saved.body.type.value, "text": saved.body.text}
    if saved.extras:
        doc["meta"] = dict(saved.extras)
    if saved.headers:
        doc["headers"] = tomlfile.rows([{"name": h.name, "value": h.value,
                                         "enabled": None if h.enabled else False}
                                        for h in saved.headers])
    return doc


def request_text(saved: SavedRequest) -> str:
    return tomlfile.dumps(request_document(saved), header=REQUEST_HEADER)


def collection_text(meta: CollectionMeta) -> str:
    doc: dict[str, Any] = {"schema": SCHEMA, "name": meta.name}
    if meta.description:
        doc["description"] = meta.description
    if meta.variables:
        doc["variables"] = dict(meta.variables)
    return tomlfile.dumps(doc, header="Switchboard collection (docs/collections.md)")


def folder_text(meta: FolderMeta) -> str:
    doc: dict[str, Any] = {"schema": SCHEMA, "name": meta.name, "seq": meta.seq}
    if meta.description:
        doc["description"] = meta.description
    return tomlfile.dumps(doc, header="Switchboard folder (docs/collections.md)")


# -- reading ---------------------------------------------------------------------------------

def _load(path: Path, limit: int) -> dict[str, Any]:
    try:
        return tomlfile.load(path, limit)
    except tomlfile.TomlFileError as exc:
        raise CollectionFileError(path, str(exc)) from exc


class _Reader:
    """Typed access to one parsed file, every mistake a CollectionFileError naming the key."""

    def __init__(self, path: Path, doc: dict[str, Any], allowed: set[str]) -> None:
        self.path, self.doc = path, doc
        unknown = sorted(set(doc) - allowed)
        if unknown:
            raise CollectionFileError(path, f"unknown key {unknown[0]!r}")
        schema = doc.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise CollectionFileError(path, f"schema {schema!r} is not supported (this version "
                              f"reads {SCHEMA})")

    def string(self, name: str, default: str | None = None, *, table: Any = None,
               where: str = "") -> str:
        source = self.doc if table is None else table
        item = source.get(name, default)
        if not isinstance(item, str):
            raise CollectionFileError(self.path, f"{where}{name}: "
                              + ("is required" if item is None else "must be a string"))
        return item

    def integer(self, name: str, default: int) -> int:
        item = self.doc.get(name, default)
        if isinstance(item, bool) or not isinstance(item, int):
            raise CollectionFileError(self.path, f"{name}: must be a whole number")
        return item

    def table(self, name: str) -> dict[str, Any]:
        item = self.doc.get(name, {})
        if not isinstance(item, dict):
            raise CollectionFileError(self.path, f"{name}: must be a table")
        return item


def read_request(path: Path) -> SavedRequest:
    r = _Reader(path, _load(path, MAX_REQUEST_FILE),
                {"schema", "name", "seq", "method", "url", "auth", "description", "body",
                 "meta", "headers"})
    name = r.string("name")
    method = r.string("method", "GET").upper()
    auth_text = r.string("auth", Auth.PROFILE.value)
    try:
        auth = Auth(auth_text)
    except ValueError:
        raise CollectionFileError(
            path, f"auth: must be \"profile\" or \"none\", not {auth_text!r}") from None
    body_table = r.table("body")
    body = Body()
    if body_table:
        unknown = sorted(set(body_table) - {"type", "text"})
        if unknown:
            raise CollectionFileError(path, f"body.{unknown[0]}: unknown key")
        kind = r.string("type", table=body_table, where="body.")
        try:
            body = Body(BodyType(kind), r.string("text", "", table=body_table, where="body."))
        except ValueError:
            raise CollectionFileError(path, f"body.type: {kind!r} is not one of "
                              f"{', '.join(t.value for t in BodyType)}") from None
    raw_headers = r.doc.get("headers", [])
    if not isinstance(raw_headers, list) or len(raw_headers) > MAX_HEADERS:
        raise CollectionFileError(path, f"headers: must be a list of at most {MAX_HEADERS} tables")
    headers = []
    for index, row in enumerate(raw_headers):
        where = f"headers[{index}]."
        if not isinstance(row, dict) or set(row) - {"name", "value", "enabled"}:
            raise CollectionFileError(
                path, f"headers[{index}]: must have name, value and optionally enabled")
        enabled = row.get("enabled", True)
        if not isinstance(enabled, bool):
            raise CollectionFileError(path, f"{where}enabled: must be true or false")
        headers.append(Header(r.string("name", table=row, where=where),
                              r.string("value", "", table=row, where=where), enabled))
    meta = r.table("meta")
    saved = SavedRequest(
        name=name, method=method, url=r.string("url", ""), headers=tuple(headers), body=body,
        auth=auth, description=r.string("description", ""), seq=r.integer("seq", 0),
        extras={str(k): str(v) for k, v in meta.items() if isinstance(v, str | int | bool)},
    )
    problem = problem_with(saved)
    if problem:
        raise CollectionFileError(path, problem)
    return saved


def read_collection(path: Path) -> CollectionMeta:
    r = _Reader(path, _load(path, MAX_META_FILE), {"schema", "name", "description",
                                                   "variables"})
    variables = r.table("variables")
    if len(variables) > MAX_VARIABLES:
        raise CollectionFileError(path, f"variables: more than {MAX_VARIABLES}")
    for name, item in variables.items():
        if not isinstance(item, str):
            raise CollectionFileError(path, f"variables.{name}: must be a string")
    name = r.string("name", path.parent.name)
    if not name.strip() or len(name) > MAX_NAME:
        raise CollectionFileError(path, "name: must be 1 to 200 characters")
    return CollectionMeta(name=name, description=r.string("description", ""),
                          variables=dict(variables))


def read_folder(path: Path) -> FolderMeta:
    r = _Reader(path, _load(path, MAX_META_FILE), {"schema", "name", "seq", "description"})
    return FolderMeta(name=r.string("name", path.parent.name), seq=r.integer("seq", 0),
                      description=r.string("description", ""))

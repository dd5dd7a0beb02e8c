"""Automatic fixes: the one-click change a finding offers, applied to a RequestSpec.

A fix is named by ``Finding.fix`` and works from the finding's ``location``
and ``fix_value``. It returns a new spec (specs are immutable) and never
raises on a stale finding: if the value it points at is gone, the spec
comes back unchanged and the next lint pass shows what remains.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding
from desktop.core.lint.jsonpath import parse_path, set_at

Fix = Callable[[RequestSpec, Finding], RequestSpec]


def _header_name(finding: Finding, default: str | None = None) -> str | None:
    location = finding.location or ""
    if location.startswith("header:") and location[7:]:
        return location[7:]
    return default


def generate_uuid(spec: RequestSpec, finding: Finding) -> RequestSpec:
    """Set the header at ``location`` to a new UUID4 (an Idempotency-Key, say)."""
    name = _header_name(finding, "Idempotency-Key")
    assert name is not None
    return spec.with_header(name, str(uuid.uuid4()))


def set_content_type_json(spec: RequestSpec, finding: Finding) -> RequestSpec:
    return spec.with_header("Content-Type", "application/json")


def trim_header(spec: RequestSpec, finding: Finding) -> RequestSpec:
    """Strip whitespace and line breaks around the value, keeping the header's place."""
    name = _header_name(finding)
    if name is None:
        return spec
    lowered = name.lower()
    headers = tuple((k, v.strip() if k.lower() == lowered else v) for k, v in spec.headers)
    return replace(spec, headers=headers)


def remove_header(spec: RequestSpec, finding: Finding) -> RequestSpec:
    name = _header_name(finding)
    return spec if name is None else spec.without_header(name)


def replace_value(spec: RequestSpec, finding: Finding) -> RequestSpec:
    """Put ``fix_value`` at ``location``: ``url``, ``header:X``, ``query:name`` or ``body:path``."""
    location, value = finding.location or "", finding.fix_value
    if value is None:
        return spec
    if location == "url":
        return replace(spec, url=value)
    if location.startswith("header:"):
        return spec.with_header(location[7:], value)
    if location.startswith("query:"):
        raw = finding.extra.get("raw")
        return replace(spec, url=_replace_query(spec.url, location[6:], value,
                                                raw if isinstance(raw, str) else None))
    if location.startswith("body:"):
        return _replace_in_body(spec, location[5:], value)
    return spec


def _replace_query(url: str, name: str, value: str, raw: str | None) -> str:
    """Rewrite one ``name=value`` pair in place; other pairs keep their exact encoding."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parts.query.split("&")
    candidates = [i for i, pair in enumerate(pairs)
                  if unquote_plus(pair.partition("=")[0]) == name]
    chosen = next((i for i in candidates if pairs[i].partition("=")[2] == raw), None)
    if chosen is None and candidates:
        chosen = candidates[0]
    if chosen is None:
        return url
    pairs[chosen] = pairs[chosen].partition("=")[0] + "=" + quote(value, safe="")
    return urlunsplit(parts._replace(query="&".join(pairs)))


def _indent_of(text: str) -> str | int | None:
    if "\n" not in text:
        return None
    match = re.search(r"\n([ \t]+)\S", text)
    return match.group(1) if match else 0


def dump_like(value: Any, original: str) -> str:
    """JSON text for ``value`` laid out the way the user wrote ``original`` (indent, spacing)."""
    indent = _indent_of(original)
    if indent is None:
        compact = not re.search(r'[,:]\s', original)
        separators = (",", ":") if compact else (", ", ": ")
        text = json.dumps(value, ensure_ascii=False, separators=separators)
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text + ("\n" if original.endswith("\n") else "")


def _replace_in_body(spec: RequestSpec, path_text: str, value: str) -> RequestSpec:
    path = parse_path(path_text)
    if not path:
        return spec
    try:
        original = spec.body.decode("utf-8")
        data = json.loads(original)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return spec
    if not set_at(data, path, value):
        return spec
    return replace(spec, body=dump_like(data, original).encode("utf-8"))


FIXES: Mapping[str, Fix] = MappingProxyType({
    "generate_uuid": generate_uuid,
    "set_content_type_json": set_content_type_json,
    "replace_value": replace_value,
    "trim_header": trim_header,
    "remove_header": remove_header,
})
"""Every automatic fix, by the id a Finding's ``fix`` names."""


def apply_fix(spec: RequestSpec, finding: Finding) -> RequestSpec:
    """The spec with the finding's fix applied; raises ValueError when it offers none."""
    fix = FIXES.get(finding.fix or "")
    if fix is None:
        raise ValueError(f"finding {finding.code} offers no automatic fix "
                         f"(fix={finding.fix!r}; known: {', '.join(FIXES)})")
    return fix(spec, finding)

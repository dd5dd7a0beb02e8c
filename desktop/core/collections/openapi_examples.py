"""Example values from OpenAPI schemas, for request bodies and parameters.

The document's own example wins (``example``, ``examples``, ``default``,
``const``, the first ``enum`` value); otherwise a placeholder value of the
right type is built, as Postman's and Swagger UI's importers do. Recursive
and very wide schemas are cut off by depth and by a budget of values.
"""

from __future__ import annotations

from typing import Any

from desktop.core.collections.openapi_refs import resolve

MAX_DEPTH = 8
MAX_VALUES = 2_000
MAX_PROPERTIES = 100
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "email": "user@example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "",
    "binary": "",
    "password": "",
}


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_VALUES

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def example_for(schema: Any, doc: Any) -> Any:
    """An example value for ``schema`` (a schema object or a ``$ref`` to one)."""
    return _example(schema, doc, 0, (), _Budget())


def _example(schema: Any, doc: Any, depth: int, refs: tuple[str, ...], budget: _Budget) -> Any:
    if not budget.take() or depth > MAX_DEPTH:
        return None
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in refs:
            return None  # a recursive schema: stop here
        refs = (*refs, ref)
        schema = resolve(doc, schema)
    if not isinstance(schema, dict):
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _example(options[0], doc, depth + 1, refs, budget)
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        merged: dict[str, Any] = {}
        for part in parts[:20]:
            value = _example(part, doc, depth + 1, refs, budget)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None and not merged:
                return value
        return merged
    kind = _type(schema)
    if kind == "object":
        out: dict[str, Any] = {}
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in list(properties.items())[:MAX_PROPERTIES]:
                if isinstance(sub, dict) and (sub.get("readOnly") is True):
                    continue  # the server fills it: not part of a request
                out[name] = _example(sub, doc, depth + 1, refs, budget)
        return out
    if kind == "array":
        item = _example(schema.get("items"), doc, depth + 1, refs, budget)
        return [] if item is None else [item]
    if kind == "string":
        return _FORMATS.get(str(schema.get("format", "")), "string")
    if kind in ("integer", "number"):
        minimum = schema.get("minimum")
        return minimum if isinstance(minimum, int | float) and not isinstance(minimum, bool) \
            else 0
    if kind == "boolean":
        return True
    return None


def _type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def as_text(value: Any) -> str:
    """A parameter example as it goes in a URL or header."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(as_text(v) for v in value[:50])
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)

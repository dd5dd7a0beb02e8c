"""``$ref`` handling for OpenAPI documents: local only, cycles refused, depth bounded.

openapi-spec-validator would follow a remote ``$ref`` over the network
(only the profile's client may open connections) and recurses without end
on a reference that points, through other bare references, back to itself.
Both are refused here before the validator sees the document. Recursive
*schemas* (a property whose schema refers to its parent) are legitimate and
are only bounded where examples are generated.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from desktop.core.collections.loading import ImportFileError

MAX_REF_CHAIN = 32


def pointer(doc: Any, ref: str) -> Any:
    """The value a local ``#/a/b`` reference points at; KeyError when there is none."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = doc
    for raw in ref[1:].split("/")[1:] if ref != "#" else []:
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def all_refs(doc: Any) -> list[str]:
    """Every ``$ref`` string in the document, found without recursion."""
    refs: list[str] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                refs.append(ref)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return refs


def check_refs(doc: Any, source: str) -> None:
    """Refuse external references, references to nothing, and bare-reference cycles."""
    for ref in sorted(set(all_refs(doc))):
        if not ref.startswith("#"):
            raise ImportFileError(source, f"uses an external $ref ({ref[:120]}); only "
                                  "references inside the document are supported")
        chain = [ref]
        current = ref
        while True:
            try:
                target = pointer(doc, current)
            except KeyError:
                raise ImportFileError(source, f"has a $ref to nothing: {current[:120]}") \
                    from None
            if not (isinstance(target, dict) and isinstance(target.get("$ref"), str)):
                break
            current = target["$ref"]
            if current in chain:
                loop = " → ".join([*chain[chain.index(current):], current])
                raise ImportFileError(source, f"has a $ref cycle: {loop[:200]}")
            if not current.startswith("#"):
                break  # reported when the loop reaches it
            chain.append(current)
            if len(chain) > MAX_REF_CHAIN:
                raise ImportFileError(source, f"has a $ref chain longer than {MAX_REF_CHAIN}")


def resolve(doc: Any, node: Any, limit: int = MAX_REF_CHAIN) -> Any:
    """``node`` with its bare ``$ref`` followed (after ``check_refs``: always ends)."""
    for _ in range(limit):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        try:
            node = pointer(doc, node["$ref"])
        except KeyError:
            return {}
    return {}

"""Find a known value anywhere in a webhook payload, and say where it was.

Providers document that an event carries the message id, not always where.
When none of the provider file's candidate paths holds it, the checklist
still knows the id the send returned, so it can look for that value at any
depth under any key, and name the field that held it (``payload.msg.ref``)
so the user can write it into the provider file. The walk is iterative and
bounded: a hostile payload nested thousands deep or with millions of nodes
costs a bounded amount of time and never recurses.
"""

from __future__ import annotations

from collections import deque

MAX_NODES = 20_000
"""Nodes visited per payload at most; a real event has a few dozen."""
MAX_DEPTH = 64
RAW_BODY = "the raw body"
"""What ``find_value`` names when the id is only in bytes that did not parse."""


def find_value(payload: object, wanted: str, body: bytes = b"") -> str | None:
    """The JMESPath-like path of a string equal to ``wanted`` in ``payload``, or None.

    Falls back to the raw body (a form, XML or a JSON the parser refused) and
    returns ``RAW_BODY`` when the value appears there only.
    """
    if not wanted:
        return None
    found = _walk(payload, wanted) if payload is not None else None
    if found is not None:
        return found
    if body and wanted.encode("utf-8", "surrogatepass") in body:
        return RAW_BODY
    return None


def _walk(payload: object, wanted: str) -> str | None:
    queue: deque[tuple[object, str, int]] = deque([(payload, "", 0)])
    visited = 0
    while queue and visited < MAX_NODES:
        node, path, depth = queue.popleft()
        visited += 1
        if isinstance(node, str):
            if node == wanted:
                return path or "@"
            continue
        if depth >= MAX_DEPTH:
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                queue.append((value, _join(path, str(key)), depth + 1))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                queue.append((value, f"{path}[{index}]", depth + 1))
    return None


def _join(path: str, key: str) -> str:
    # Keys that are not plain identifiers are quoted, as JMESPath would need them.
    plain = key.isidentifier() and key.isascii()
    part = key if plain else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{path}.{part}" if path else part

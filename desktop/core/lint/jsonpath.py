"""Where a value sits in a JSON body: read it with its location, write a fix back.

JMESPath answers "what is at ``to[]``" but not "where": a Finding needs
``body:to[1]`` so the composer can underline the value and ``replace_value``
can change it. So the field paths provider files use (names, ``.``, ``[n]``,
``[]``, ``[*]``) are walked here, keeping the path of every value; richer
expressions (filters, pipes, functions) go to ``jmespath`` and are located on
a best-effort basis. This is a subset walker, not a second JMESPath parser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

Segment = str | int
JsonPath = tuple[Segment, ...]


class _Flatten:
    """``[]`` / ``[*]``: every element of a list."""

    def __repr__(self) -> str:
        return "[]"


FLATTEN = _Flatten()
Step = str | int | _Flatten

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(
    r'(?P<dot>\.)?(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|"(?P<quoted>(?:[^"\\]|\\.)*)")'
    r"|\[(?P<index>[0-9]+|\*|)\]"
)
_FILTER = re.compile(r"\[\?[^\]]*\]")
_LITERAL = re.compile(r"`[^`]*`|'[^']*'")


@dataclass(frozen=True, slots=True)
class Located:
    """A value found in the body, with its path (None when only JMESPath could find it)."""

    value: Any
    path: JsonPath | None
    expression: str

    @property
    def name(self) -> str:
        """How a finding names the field: ``to[0]``, or the expression when unlocated."""
        if self.path is None:
            return self.expression
        return format_path(self.path) or "(the whole body)"

    @property
    def location(self) -> str:
        return "body:" + format_path(self.path) if self.path else "body"

    def child(self, index: int, value: Any) -> Located:
        path = (*self.path, index) if self.path is not None else None
        return Located(value, path, f"{self.expression}[{index}]")


@lru_cache(maxsize=512)
def parse_simple(expression: str, *, allow_flatten: bool = True) -> tuple[Step, ...] | None:
    """The steps of a plain field path, or None when it needs real JMESPath."""
    steps: list[Step] = []
    pos = 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if match is None:
            return None
        if match.group("index") is not None:
            index = match.group("index")
            if index in ("", "*"):
                if not allow_flatten:
                    return None
                steps.append(FLATTEN)
            else:
                steps.append(int(index))
        else:
            if bool(match.group("dot")) != bool(steps):
                return None  # a name follows a dot, except the first one
            name = match.group("name")
            if name is None:
                try:
                    name = json.loads('"' + match.group("quoted") + '"')
                except ValueError:
                    return None
            steps.append(name)
        pos = match.end()
    return tuple(steps) if steps else None


def walk(data: Any, steps: tuple[Step, ...]) -> list[tuple[JsonPath, Any]]:
    """Every (path, value) the steps reach; nulls are dropped, as JMESPath does."""
    current: list[tuple[JsonPath, Any]] = [((), data)]
    for step in steps:
        reached: list[tuple[JsonPath, Any]] = []
        for path, value in current:
            if isinstance(step, str):
                if isinstance(value, dict) and step in value:
                    reached.append(((*path, step), value[step]))
            elif isinstance(step, int):
                if isinstance(value, list) and step < len(value):
                    reached.append(((*path, step), value[step]))
            elif isinstance(value, list):
                reached.extend(((*path, i), item) for i, item in enumerate(value))
        current = reached
    return [(path, value) for path, value in current if value is not None]


@lru_cache(maxsize=256)
def _compiled(expression: str) -> Any:
    return jmespath.compile(expression)


def select(data: Any, expression: str) -> list[Located]:
    """The values an expression selects; a projection gives one Located per element."""
    steps = parse_simple(expression)
    if steps is not None:
        return [Located(value, path, expression) for path, value in walk(data, steps)]
    try:
        result = _compiled(expression).search(data)
    except (JMESPathError, TypeError, ValueError, KeyError, AttributeError):
        return []
    if result is None:
        return []
    return [Located(result, _guess_path(data, expression, result), expression)]


def _guess_path(data: Any, expression: str, result: Any) -> JsonPath | None:
    """A plain path holding the same value, e.g. ``templateContent`` for a filtered pick."""
    plain = _LITERAL.sub("", _FILTER.sub("", expression.split("|")[0]))
    names = _IDENTIFIER.findall(plain)
    candidates = [".".join(names), *names[::-1]] if names else []
    for candidate in candidates:
        steps = parse_simple(candidate)
        if steps is None:
            continue
        found = walk(data, steps)
        if len(found) == 1 and found[0][1] == result:
            return found[0][0]
    return None


def format_path(path: JsonPath) -> str:
    """``("messages", 3, "to")`` → ``messages[3].to``; odd keys are quoted, JMESPath style."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
            continue
        name = segment if _IDENTIFIER.fullmatch(segment) else json.dumps(segment)
        out.append(("." if out else "") + name)
    return "".join(out)


def parse_path(text: str) -> JsonPath | None:
    """The inverse of ``format_path`` (indexes only, no projections); None when malformed."""
    if text == "":
        return ()
    steps = parse_simple(text, allow_flatten=False)
    if steps is None:
        return None
    return tuple(step for step in steps if not isinstance(step, _Flatten))


def set_at(data: Any, path: JsonPath, value: Any) -> bool:
    """Replace the value at ``path`` in place; False when the path no longer exists."""
    if not path:
        return False
    parent = data
    for segment in path[:-1]:
        if isinstance(segment, int):
            if not isinstance(parent, list) or segment >= len(parent):
                return False
        elif not isinstance(parent, dict) or segment not in parent:
            return False
        parent = parent[segment]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or last >= len(parent):
            return False
    elif not isinstance(parent, dict):
        return False
    parent[last] = value
    return True

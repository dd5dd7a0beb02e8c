"""Reading a file someone else wrote, safely: bounded size, depth, nodes and YAML aliases.

An import file may be huge, nested 100,000 deep, a YAML "billion laughs"
or not what its name says. Each of those is an ``ImportFileError`` naming
the file and the reason, never a traceback, a hang or unbounded memory:

- the bytes read are capped (``MAX_IMPORT_BYTES``, less for YAML) before anything parses;
- JSON goes through the standard parser (its C scanner refuses absurd
  nesting with RecursionError, which is caught);
- YAML is first read as a stream of events (libyaml when present) to count
  aliases and nesting before ``safe_load`` builds anything; PyYAML's
  ``safe_load`` shares aliased nodes, so the document is then copied into
  plain JSON values under a node budget, which is where an alias bomb would
  otherwise expand.
"""

from __future__ import annotations

import codecs
import json
import stat
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_YAML_BYTES = 20 * 1024 * 1024
"""YAML is parsed in Python objects several times its size, and slower: a lower bound."""
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_ALIASES = 1_000


class ImportFileError(Exception):
    """A file that cannot be imported: ``str()`` is one line naming the file and the reason."""

    def __init__(self, source: str | Path, reason: str) -> None:
        self.source = _one_line(str(source))
        self.reason = _one_line(reason)  # reasons may quote the file: it chooses the text
        super().__init__(f"{self.source}: {self.reason}")


def _one_line(text: str) -> str:
    """Control characters shown escaped (``\\n``), so a message stays one line on a terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def read_source(source: str | Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a regular file (or of standard input for ``-``), at most ``limit``."""
    if str(source) == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(source)
        try:
            info = path.stat()
        except OSError as exc:
            raise ImportFileError(source, f"cannot be read ({exc.strerror or exc})") from exc
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            # A pipe (`<(...)` in a shell) is read up to the limit; a device is refused.
            raise ImportFileError(source, "is not a regular file")
        if info.st_size > limit:
            raise ImportFileError(source, f"is {info.st_size:,} bytes; files over "
                                  f"{limit:,} bytes are refused")
        try:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise ImportFileError(source, f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise ImportFileError(source, f"is larger than {limit:,} bytes; refused")
    return data


def decode(data: bytes, source: str | Path) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 when a BOM says so (Windows exports)."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ImportFileError(source, f"is not valid {codec.upper()} text") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(source, f"is not UTF-8 text (byte {exc.start})") from exc


def parse(text: str, source: str | Path, *, allow_yaml: bool = True) -> Any:
    """JSON (text starting with ``{`` or ``[``) or, when allowed, YAML; as plain JSON values."""
    stripped = text.lstrip()
    if not stripped:
        raise ImportFileError(source, "is empty")
    if stripped[0] in "{[":
        try:
            document = json.loads(text)
        except RecursionError:
            raise ImportFileError(source, f"nests deeper than {MAX_DEPTH} levels") from None
        except ValueError as exc:
            raise ImportFileError(source, f"is not valid JSON ({exc})") from None
        return plain(document, source)
    if not allow_yaml:
        raise ImportFileError(source, "is not JSON")
    if len(text) > MAX_YAML_BYTES:
        raise ImportFileError(source, f"is YAML of more than {MAX_YAML_BYTES:,} characters; "
                              "convert it to JSON to import it")
    return plain(_load_yaml(text, source), source)


def load(source: str | Path, *, allow_yaml: bool = True,
         limit: int = MAX_IMPORT_BYTES) -> Any:
    """Read, decode and parse one import file."""
    return parse(decode(read_source(source, limit), source), source, allow_yaml=allow_yaml)


_LOADER: type | None = None


def _yaml_loader() -> type:
    """PyYAML's safe loader (libyaml's when present), with timestamps kept as text: a date in
    a document is data to us, and an impossible one (month 13) must not be an exception."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _LOADER = type("ImportLoader", (base,), {})
        _LOADER.add_constructor("tag:yaml.org,2002:timestamp",
                                lambda loader, node: loader.construct_scalar(node))
    return _LOADER


def _load_yaml(text: str, source: str | Path) -> Any:
    import yaml

    loader = _yaml_loader()
    aliases = depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise ImportFileError(source, f"uses more than {MAX_ALIASES} YAML aliases "
                                          "(an alias bomb?); refused")
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
                if depth > MAX_DEPTH:
                    raise ImportFileError(source, f"nests deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=loader)  # a safe loader; checked above
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ImportFileError(source, f"is not valid JSON or YAML ({problem}{where})") from None
    except RecursionError:
        raise ImportFileError(source, f"nests deeper than {MAX_DEPTH} levels") from None
    except ImportFileError:
        raise
    except Exception as exc:
        # PyYAML's constructors raise plain ValueError, IndexError, AttributeError... for
        # values such as `!!int 0xZZ`, `!!int ` or `!!float abc`: bad input, said as such.
        raise ImportFileError(source, f"is not valid YAML (a value cannot be read: "
                              f"{str(exc)[:120]})") from None


def plain(document: Any, source: str | Path, *, max_nodes: int = MAX_NODES) -> Any:
    """A fresh copy made of dict/list/str/int/float/bool/None, built without recursion.

    Keys become strings (YAML's ``200:``), dates ISO text. Shared (aliased) nodes
    are copied each time they are reached, so the node budget bounds what an alias
    bomb could make; nesting is bounded too.
    """
    nodes = 0
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(document, root, 0, 1)]
    while stack:
        value, parent, slot, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise ImportFileError(source, f"expands to more than {max_nodes:,} values (too "
                                  "big, or YAML aliases that multiply); refused")
        if depth > MAX_DEPTH:
            raise ImportFileError(source, f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            copy: Any = {}
            for key, item in value.items():
                name = _scalar_text(key)
                copy[name] = None
                stack.append((item, copy, name, depth + 1))
        elif isinstance(value, list | tuple):
            copy = [None] * len(value)
            for index, item in enumerate(value):
                stack.append((item, copy, index, depth + 1))
        elif isinstance(value, str | int | float | bool) or value is None:
            copy = value
        else:
            copy = _scalar_text(value)
        parent[slot] = copy
    return root[0]


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)

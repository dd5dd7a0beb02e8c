"""TOML in and out for collection files: tomllib to read, a small writer for what we emit.

Python reads TOML (``tomllib``) but cannot write it. The files a collection
holds use a fixed, small subset: strings, integers, booleans, one level of
tables and arrays of tables with scalar values. Writing that subset is a
few dozen lines, so it is done here rather than through another dependency;
``tests/core/test_collections_toml.py`` round-trips it through ``tomllib``
with Hypothesis. Multi-line text (request bodies) is written as a literal
block so a body reads, and diffs, line by line.
"""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.core.paths import atomic_write_text, clean_orphans

Scalar = str | int | bool
Table = Mapping[str, Any]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
            "\\": "\\\\"}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_LITERAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''|'$|^\n")


class TomlFileError(ValueError):
    """A collection file cannot be read: the message says why, in words."""


def clean_text(text: str) -> str:
    """Text that UTF-8 can hold: lone surrogates (valid in JSON, not in a file) become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else basic_string(name)


def basic_string(text: str) -> str:
    """``"..."`` with TOML's escapes (control characters as ``\\uXXXX``)."""
    text = clean_text(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        return _ESCAPES.get(char) or f"\\u{ord(char):04X}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def string(text: str) -> str:
    """A one-line basic string, or a literal block for text with newlines when it can be."""
    text = clean_text(text)
    if "\n" in text and not _LITERAL_UNSAFE.search(text):
        return "'''\n" + text + "'''"
    return basic_string(text)


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    raise TypeError(f"cannot write {type(item).__name__} to a collection file")


def dumps(document: Table, *, header: str = "") -> str:
    """The document as TOML: scalars first, then tables, then arrays of tables.

    Values may be scalars, tables of scalars or lists of tables of scalars;
    keys keep the order they have in the mapping (the caller's order is the
    file's order, which keeps diffs small).
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    scalars = [(k, v) for k, v in document.items() if not isinstance(v, Mapping | list)]
    tables = [(k, v) for k, v in document.items() if isinstance(v, Mapping)]
    arrays = [(k, v) for k, v in document.items() if isinstance(v, list)]
    for name, item in scalars:
        if item is not None:
            lines.append(f"{key(name)} = {value(item)}")
    for name, table in tables:
        lines.extend(("", f"[{key(name)}]"))
        lines.extend(f"{key(k)} = {value(v)}" for k, v in table.items() if v is not None)
    for name, rows in arrays:
        for row in rows:
            lines.extend(("", f"[[{key(name)}]]"))
            lines.extend(f"{key(k)} = {value(v)}" for k, v in row.items() if v is not None)
    return "\n".join(lines) + "\n"


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refusing anything larger than ``limit`` (or not a file).

    The size is checked before and while reading, so a file that grows (or a
    device that never ends) cannot make us read more than ``limit`` bytes.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise TomlFileError(f"cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise TomlFileError("is not a regular file")
    if info.st_size > limit:
        raise TomlFileError(f"is {info.st_size:,} bytes, more than the {limit:,} allowed")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise TomlFileError(f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise TomlFileError(f"is more than the {limit:,} bytes allowed")
    return data


def load(path: Path, limit: int) -> dict[str, Any]:
    """Parse one TOML file of at most ``limit`` bytes; raises TomlFileError with the reason."""
    data = read_bounded(path, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlFileError(f"is not UTF-8 (byte {exc.start})") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(f"is not valid TOML ({exc})") from exc
    except RecursionError as exc:
        raise TomlFileError("nests too deeply") from exc


def atomic_write(path: Path, text: str) -> None:
    """All or nothing, with ``\\n`` line ends on every platform (the files go into git)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_orphans(path.parent, only=path.name)  # an earlier write of this file, killed
    atomic_write_text(path, text, newline="\n")


def rows(items: Sequence[Mapping[str, Scalar | None]]) -> list[dict[str, Scalar]]:
    """Rows for an array of tables, without the None fields."""
    return [{k: v for k, v in item.items() if v is not None} for item in items]

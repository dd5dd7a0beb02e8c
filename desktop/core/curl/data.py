"""Where the bytes of ``-d @file``, ``--data-urlencode`` and ``-F`` come from, as in curl."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from desktop.core.curl.ansi_c import ESCAPE, escape_bytes
from desktop.core.curl.request import CurlParseError
from desktop.core.curl.shell import ShellSyntaxError, split

_PRINTF_PIECES = re.compile(r"%%|%|" + ESCAPE + r"|[^%\\]+", re.DOTALL)

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Largest file ``@file`` may name: a pasted command should not load a disk image."""


def read_file(cwd: Path, path: str, shown: str, substitutions: Sequence[str] = ()) -> bytes:
    """The bytes of ``@path`` relative to *cwd*, or of a ``<(printf ...)`` in *substitutions*."""
    if is_inline(path, substitutions):
        return printf_output(path[2:-1])
    check_reference(path, shown)
    shown_file = f"{shown} @{path if len(path) <= 40 else path[:39] + '…'}"
    return _read_bounded(cwd / path, shown_file)


def is_inline(path: str, substitutions: Sequence[str]) -> bool:
    """``@<(printf ...)``: text in the command itself, not a file."""
    return path.startswith("<(") and path.endswith(")") and path[2:-1] in substitutions


def check_reference(path: str, shown: str) -> None:
    """Refuse what no file name can stand for here (standard input, nothing)."""
    if path == "-":
        raise CurlParseError(
            f"{shown} @- reads standard input, which Switchboard cannot do; "
            "paste the data in the command instead"
        )
    if not path:
        raise CurlParseError(f"{shown} @ needs a file name after the @")


def _read_bounded(file: Path, shown_file: str) -> bytes:
    """At most ``MAX_FILE_BYTES`` of a regular file; a FIFO or device (which could block or
    never end) is refused on the open descriptor, so it cannot be swapped in after a check."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(file, flags)
    except (OSError, ValueError):
        raise CurlParseError(f"{shown_file}: there is no such file") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CurlParseError(f"{shown_file}: there is no such file (not a regular file)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CurlParseError(f"{shown_file}: cannot read it ({error.strerror})") from None
    finally:
        if fd != -1:
            os.close(fd)
    if len(content) > MAX_FILE_BYTES:
        raise CurlParseError(f"{shown_file}: larger than {MAX_FILE_BYTES >> 20} MiB")
    return content


def file_to_string(content: bytes) -> bytes:
    """What ``-d @file`` keeps: curl reads lines of up to 255 bytes and cuts each at NUL, CR, LF."""
    out = bytearray()
    position = 0
    while position < len(content):
        newline = content.find(b"\n", position, position + 255)
        end = newline + 1 if newline != -1 else min(position + 255, len(content))
        chunk = content[position:end]
        position = end
        for stop in (b"\0", b"\r", b"\n"):
            chunk = chunk.split(stop, 1)[0]
        out += chunk
    return bytes(out)


def urlencode(text: str, read: Callable[[str], bytes] | None) -> str:
    """``--data-urlencode``: ``name=content``, ``=content``, ``content`` or ``name@file``.

    The content is percent-encoded except ``A-Za-z0-9-._~`` and a space
    becomes ``+``; the name is kept as written. With ``read=None``
    (``--url-query``) ``name@file`` is refused.
    """
    name, equals, content = text.partition("=")
    if equals:
        data = _bytes(content)
    else:
        name, at, path = text.partition("@")
        if not at:
            name, data = "", _bytes(text)
        elif read is None:
            raise CurlParseError("--url-query name@file is not supported")
        else:
            data = read(path)
    encoded = quote(data, safe="").replace("%20", "+")
    return f"{name}={encoded}" if name else encoded


def printf_output(inner: str) -> bytes:
    """The output of ``printf 'FORMAT'``, the form ``to_curl`` writes for NUL bytes."""
    try:
        words = split(inner)
    except ShellSyntaxError as error:
        raise CurlParseError(f"inside <(...): {error}") from None
    if len(words) != 2 or words[0] != "printf":
        raise CurlParseError("only <(printf 'TEXT') is understood in place of a file")
    out = bytearray()
    for match in _PRINTF_PIECES.finditer(words[1]):
        piece = match.group()
        if piece == "%%":
            out += b"%"
        elif piece == "%":
            raise CurlParseError("printf conversions other than %% are not supported")
        elif piece.startswith("\\"):
            out += escape_bytes(piece)
        else:
            out += _bytes(piece)
    return bytes(out)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")

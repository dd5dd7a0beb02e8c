"""Write a request as a curl command a user can paste into bash (or zsh).

Every value is quoted so the shell passes it through untouched: single
quotes by default, ANSI-C ``$'...'`` when the value holds control
characters or bytes that are not UTF-8. The body goes in ``--data-raw``
(which, unlike ``-d``, gives ``@`` no meaning). A shell argument cannot
carry a NUL byte, so a body containing one is written as ``--data-binary
@<(printf '...')``: still one self-contained command, the bytes spelt as
octal escapes. :func:`desktop.core.curl.parse.parse_curl` reads all of this
back to the same method, URL, headers and body.

No redaction happens here: callers pass the request through the redactor
first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SAFE_WORD = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_NAMED_ESCAPES = {0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v",
                  0x0C: "\\f", 0x0D: "\\r", 0x1B: "\\e", 0x27: "\\'", 0x5C: "\\\\"}  # fmt: skip
_GLOB_CHARACTERS = frozenset("[]{}")
_NEEDS_ANSI_C = re.compile("[\x00-\x1f\x7f\udc80-\udcff]")


class CurlExportError(ValueError):
    """The request cannot be written as a curl command; the message says why."""


def quote(value: str | bytes) -> str:
    """*value* as one bash word.

    ``str`` values may carry raw bytes as ``surrogateescape`` code points,
    the way :func:`parse_curl` reads them.
    """
    raw = value if isinstance(value, bytes) else _encode(value)
    if b"\0" in raw:
        raise CurlExportError("a shell argument cannot contain a NUL byte")
    text = raw.decode("utf-8", "surrogateescape")
    if not text:
        return "''"
    if _NEEDS_ANSI_C.search(text):
        return _ansi_c(text)
    if _SAFE_WORD.fullmatch(text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def to_curl(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    *,
    multiline: bool = True,
    insecure: bool = False,
    follow_redirects: bool = False,
) -> str:
    """A curl command that sends this request; raises :class:`CurlExportError`."""
    if not _TOKEN.fullmatch(method):
        raise CurlExportError(f"{method!r} is not a valid HTTP method name")
    headers = list(headers)
    lines: list[list[str]] = [["curl", quote(url)]]
    if _GLOB_CHARACTERS & set(url):
        lines.append(["--globoff"])  # else curl reads [] and {} in the URL as patterns
    if method == "HEAD" and not body:
        lines.append(["--head"])
    elif method != ("POST" if body else "GET"):
        lines.append(["-X", quote(method)])
    for name, value in headers:
        lines.append(["-H", quote(_header_line(name, value))])
    if body and not any(name.lower() == "content-type" for name, _ in headers):
        lines.append(["-H", quote("Content-Type:")])  # else curl adds a form Content-Type
    if b"\0" in body:
        lines.append(["--data-binary", f"@<(printf {_printf_format(body)})"])
    elif body:
        lines.append(["--data-raw", quote(body)])
    if insecure:
        lines.append(["--insecure"])
    if follow_redirects:
        lines.append(["--location"])
    separator = " \\\n  " if multiline else " "
    return separator.join(" ".join(line) for line in lines)


def _header_line(name: str, value: str) -> str:
    if not _TOKEN.fullmatch(name):
        raise CurlExportError(f"{name!r} is not a valid header name")
    if any((ord(c) < 0x20 and c != "\t") or c == "\x7f" for c in value):
        raise CurlExportError(f"the value of the {name} header contains a control character")
    value = value.strip(" \t")
    return f"{name}: {value}" if value else f"{name};"  # "Name;" is curl for an empty header


def _printf_format(body: bytes) -> str:
    """A single-quoted printf format that prints exactly *body* (octal for what is not plain)."""
    return "'" + "".join(_PRINTF_SPELLING[byte] for byte in body) + "'"


def _printf_spelling(byte: int) -> str:
    if byte == 0x25:
        return "%%"
    if byte == 0x5C:
        return "\\\\"
    if byte == 0x0A:
        return "\\n"
    if 0x20 <= byte < 0x7F and byte != 0x27:
        return chr(byte)
    return f"\\{byte:03o}"  # always three digits, so a next digit stays literal


_PRINTF_SPELLING = [_printf_spelling(byte) for byte in range(256)]


def _ansi_c(text: str) -> str:
    return "$'" + text.translate(_ANSI_C_ESCAPES) + "'"


def _ansi_c_escapes() -> dict[int, str]:
    escapes = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}
    escapes.update({0xDC00 + byte: f"\\x{byte:02x}" for byte in range(0x80, 0x100)})  # not UTF-8
    escapes.update(_NAMED_ESCAPES)
    return escapes


_ANSI_C_ESCAPES = _ansi_c_escapes()


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise CurlExportError("the text contains a lone surrogate code point") from None

"""``-F``: curl's form-field syntax, and the multipart body curl builds from it.

Hand-rolled because the field syntax (``name=@file;type=x;filename=y``,
quoted words with ``\\"``, ``<file`` for contents) is curl's own, ported
from curl 8.2.1's ``src/tool_formparse.c``; and the body must be byte for
byte what curl sends (``lib/mime.c``), which the stdlib's ``email`` package
does not produce (other header folding, other boundary, no ``%22`` escape).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from desktop.core.curl.request import CurlParseError

_ISSPACE = " \t\n\v\f\r"
_TYPE_SYNTAX = re.compile(r"[^/ ]{1,127}/[^;, \n]{1,127}")
_TYPES_BY_EXTENSION = (
    (".gif", "image/gif"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".png", "image/png"),
    (".svg", "image/svg+xml"),
    (".txt", "text/plain"),
    (".htm", "text/html"),
    (".html", "text/html"),
    (".pdf", "application/pdf"),
    (".xml", "application/xml"),
)
_NAME_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})

ReadFile = Callable[[str], bytes]
Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class FormPart:
    name: str | None
    data: bytes
    filename: str | None = None
    content_type: str | None = None
    headers: tuple[str, ...] = ()
    """Extra part headers given with ``;headers=``."""


@dataclass(slots=True)
class _Params:
    type: str | None = None
    filename: str | None = None
    headers: list[str] = field(default_factory=list)
    encoder: str | None = None


def parse_field(arg: str, *, literal: bool, read_file: ReadFile, warn: Warn) -> FormPart:
    """One ``-F``/``--form-string`` argument as curl reads it."""
    name_part, equals, rest = arg.partition("=")
    if not equals:
        raise CurlParseError(f"-F needs name=value; got {_shorten(arg)!r}")
    name = name_part or None
    if literal:
        return FormPart(name, _bytes(rest))
    if rest.startswith("(") or (name is None and rest == ")"):
        raise CurlParseError("nested multipart fields (-F 'name=(' ... ')') are not supported")
    if rest.startswith("@"):
        path, params, sep = _param_part(rest[1:], ",", warn)
        if sep == ",":
            raise CurlParseError("several files in one -F field (@a,b) are not supported")
        data = read_file(path)
        filename = params.filename if params.filename is not None else PurePath(path).name
        custom = _custom_type(params)
        ctype = custom or _guess_type(filename) or _guess_type(path) or "application/octet-stream"
    elif rest.startswith("<"):
        path, params, _ = _param_part(rest[1:], "", warn)
        if params.filename is not None:
            warn(f"-F field {name!r}: filename= is not allowed with '<'; curl ignores it")
        data = read_file(path)
        filename = None
        custom = _custom_type(params)
        ctype = custom or _guess_type(path)
    else:
        text, params, _ = _param_part(rest, "", warn)
        data = _bytes(text)
        filename = params.filename
        custom = _custom_type(params)
        ctype = custom or _guess_type(filename)
    if params.encoder is not None:
        raise CurlParseError("-F ...;encoder= is not supported")
    if ctype and not custom and filename is None and _is_text_plain(ctype):
        ctype = None  # curl leaves text/plain implicit on fields without a file name
    return FormPart(name, data, filename, ctype, tuple(params.headers))


def encode_multipart(
    parts: Sequence[FormPart], content_type: str = "multipart/form-data"
) -> tuple[bytes, str]:
    """The body and the Content-Type header value curl sends for *parts*."""
    disposition = (
        "form-data" if content_type.lower().startswith("multipart/form-data") else "attachment"
    )
    rendered = [_render_part(part, disposition) for part in parts]
    boundary = _boundary(rendered)
    body = bytearray()
    for part in rendered:
        body += b"--" + boundary + b"\r\n" + part + b"\r\n"
    body += b"--" + boundary + b"--\r\n"
    return bytes(body), f"{content_type}; boundary={boundary.decode('ascii')}"


def _render_part(part: FormPart, disposition: str) -> bytes:
    lines: list[str] = []
    named = disposition == "form-data" or part.name is not None or part.filename is not None
    if named and not any(_is_header(h, "content-disposition") for h in part.headers):
        line = f"Content-Disposition: {disposition}"
        if part.name is not None:
            line += f'; name="{part.name.translate(_NAME_ESCAPES)}"'
        if part.filename is not None:
            line += f'; filename="{part.filename.translate(_NAME_ESCAPES)}"'
        lines.append(line)
    if part.content_type:
        lines.append(f"Content-Type: {part.content_type}")
    lines += [h for h in part.headers if not _is_header(h, "content-type")]
    head = b"".join(_bytes(line) + b"\r\n" for line in lines)
    return head + b"\r\n" + part.data


def _boundary(rendered: Sequence[bytes]) -> bytes:
    """curl's shape (24 dashes, 16 hex digits), from the content so parsing is repeatable."""
    digest = hashlib.sha256(b"\0".join(rendered))
    while True:
        boundary = b"-" * 24 + digest.hexdigest()[:16].encode("ascii")
        if not any(boundary in part for part in rendered):
            return boundary
        digest.update(b"again")


def _param_part(text: str, endchar: str, warn: Warn) -> tuple[str, _Params, str]:
    """Port of curl's ``get_param_part``: the value, its ``;params``, and the stop character."""
    params = _Params()
    pos = _skip_space(text, 0)
    data, pos, quoted = _param_word(text, pos, endchar, warn)
    if not quoted:
        data = data.rstrip(_ISSPACE)
    sep = text[pos : pos + 1]
    type_start = type_end = -1
    while sep == ";":
        pos = _skip_space(text, pos + 1)
        if type_end < 0 and text.startswith("type=", pos):
            pos = _skip_space(text, pos + 5)
            match = _TYPE_SYNTAX.match(text, pos)
            if not match:
                raise CurlParseError("-F has a badly formatted type= (it needs type/subtype)")
            type_start = pos
            pos, type_end = _extend_type(text, match.end(), endchar, match.end())
        elif text.startswith(("filename=", "headers=", "encoder="), pos):
            if type_end >= 0:
                params.type, type_end = text[type_start:type_end], -1
            key, _, _ = text[pos:].partition("=")
            pos = _skip_space(text, pos + len(key) + 1)
            if key == "headers" and text[pos : pos + 1] in ("@", "<"):
                raise CurlParseError("-F ...;headers=@file is not supported")
            value, pos, quoted = _param_word(text, pos, endchar, warn)
            value = value if quoted else value.rstrip(_ISSPACE)
            if key == "filename":
                params.filename = value
            elif key == "headers":
                params.headers.append(value)
            else:
                params.encoder = value
        elif type_end >= 0:  # a parameter of the content type, such as charset=
            pos, type_end = _extend_type(text, pos, endchar, type_end)
        else:
            unknown, pos, _ = _param_word(text, pos, endchar, warn)
            if unknown:
                warn(f"curl skips the unknown -F parameter {_shorten(unknown)!r}")
        sep = text[pos : pos + 1]
    if type_end >= 0:
        params.type = text[type_start:type_end]
    return data, params, sep


def _extend_type(text: str, pos: int, endchar: str, type_end: int) -> tuple[int, int]:
    while pos < len(text) and text[pos] != ";" and text[pos] != endchar:
        if text[pos] not in _ISSPACE:
            type_end = pos + 1
        pos += 1
    return pos, type_end


def _param_word(text: str, pos: int, endchar: str, warn: Warn) -> tuple[str, int, bool]:
    """Port of curl's ``get_param_word``: a quoted word (``\\\\`` and ``\\"``) or up to ``;``."""
    if text.startswith('"', pos):
        out: list[str] = []
        i = pos + 1
        while i < len(text):
            ch = text[i]
            if ch == "\\" and text[i + 1 : i + 2] in ("\\", '"'):
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                end = i + 1
                trailing = False
                while end < len(text) and text[end] != ";" and text[end] != endchar:
                    trailing = trailing or text[end] not in _ISSPACE
                    end += 1
                if trailing:
                    warn("curl ignores text after a quoted -F value")
                return "".join(out), end, True
            out.append(ch)
            i += 1
        # no closing quote: curl reads it as an unquoted word
    end = pos
    while end < len(text) and text[end] != ";" and text[end] != endchar:
        end += 1
    return text[pos:end], end, False


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _ISSPACE:
        pos += 1
    return pos


def _custom_type(params: _Params) -> str | None:
    if params.type:
        return params.type
    for header in params.headers:
        if _is_header(header, "content-type"):
            return header.partition(":")[2].lstrip(" ")
    return None


def _guess_type(filename: str | None) -> str | None:
    if not filename:
        return None
    lowered = filename.lower()
    for extension, ctype in _TYPES_BY_EXTENSION:
        if lowered.endswith(extension):
            return ctype
    return None


def _is_text_plain(ctype: str) -> bool:
    return ctype.lower().startswith("text/plain") and ctype[10:11] in ("", " ", "\t", ";")


def _is_header(line: str, lowered_name: str) -> bool:
    name, colon, _ = line.partition(":")
    return bool(colon) and name.strip().lower() == lowered_name


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

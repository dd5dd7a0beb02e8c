"""Body shapes: what a body is (JSON, form, text, opaque), and turning it back into bytes.

The redactor edits text and must give back bytes in the body's own
encoding and, for JSON it had to rebuild, in the body's own layout
(compact stays compact, indented stays indented).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

_TEXT_HINTS = ("json", "xml", "javascript", "html", "csv", "yaml", "graphql", "text/",
               "x-www-form-urlencoded", "multipart/", "problem", "ndjson")
_BINARY_HINTS = ("image/", "audio/", "video/", "font/", "application/zip", "application/pdf",
                 "application/gzip", "protobuf", "octet-stream", "application/x-tar")


@dataclass(frozen=True, slots=True)
class RedactedBody:
    text: str | None
    """The redacted body as text, or None when the body is not text (binary)."""
    data: bytes
    """The redacted body as bytes, in the body's own charset."""


class BodyKind(Enum):
    JSON = "json"
    FORM = "form"
    TEXT = "text"
    BINARY = "binary"
    UNCHANGED = "unchanged"


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset_of(content_type: str | None) -> str:
    """The charset parameter if Python knows it, utf-8 otherwise."""
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            candidate = value.strip().strip('"').lower()
            try:
                codecs.lookup(candidate)
            except LookupError:
                break
            return candidate
    return "utf-8"


def body_kind(data: bytes, content_type: str | None) -> BodyKind:
    """Decide from the Content-Type, sniffing only when it is missing or generic."""
    media = media_type(content_type)
    if "json" in media:
        return BodyKind.JSON
    if media == "application/x-www-form-urlencoded":
        return BodyKind.FORM
    if any(hint in media for hint in _TEXT_HINTS):
        return BodyKind.TEXT
    if media != "application/octet-stream" and any(hint in media for hint in _BINARY_HINTS):
        return BodyKind.BINARY
    head = data[:1024]
    if b"\x00" in head:
        return BodyKind.BINARY
    return BodyKind.TEXT


def decode_body(data: bytes, content_type: str | None) -> tuple[str, str] | None:
    """(text, charset), or None when the bytes are not text in their declared charset."""
    charset = charset_of(content_type)
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
    if "\x00" in text:
        return None
    return text, charset


def decode(data: bytes, content_type: str | None) -> tuple[BodyKind, str | None, str]:
    """(kind, text or None when binary, charset) of a body."""
    if not data:
        return BodyKind.TEXT, "", "utf-8"
    kind = body_kind(data, content_type)
    decoded = decode_body(data, content_type) if kind is not BodyKind.BINARY else None
    if decoded is None:
        return BodyKind.BINARY, None, ""
    return kind, decoded[0], decoded[1]


def encode_body(text: str, charset: str) -> bytes:
    """Markers and masks are ASCII, so a body that decoded in its charset encodes back."""
    return text.encode(charset, errors="replace")


def dump_like(obj: Any, original: str) -> str:
    """Serialise ``obj`` in the layout of ``original``: indented, spaced or compact."""
    ensure_ascii = original.isascii()
    if "\n" in original.strip():
        return json.dumps(obj, ensure_ascii=ensure_ascii, indent=2)
    if '": ' in original or '", "' in original:
        return json.dumps(obj, ensure_ascii=ensure_ascii)
    return json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":"))


def url_marker(kind: str) -> str:
    """``[REDACTED:kind]`` percent-encoded, so a redacted URL is still a valid URI."""
    return f"%5BREDACTED:{kind}%5D"

"""URLs and form bodies: redact decoded values, re-encode only what changed.

A URL that contained nothing secret comes back byte for byte; one that did
keeps every other parameter exactly as it was written. Markers are
percent-encoded (``%5BREDACTED:api_key%5D``) so the result is still a
valid URI; decoding it gives the same ``[REDACTED:api_key]`` as elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit, urlunsplit

from desktop.core.redact import hits as h
from desktop.core.redact import rules
from desktop.core.redact.formats import redact_formats
from desktop.core.redact.names import PHONE, field_kind
from desktop.core.redact.phones import looks_like_phone, mask_phone
from desktop.core.redact.structure import url_marker

if TYPE_CHECKING:
    from desktop.core.redact.redactor import Redactor

_PATH_SAFE = ":@!$&'()*+,;="
_QUERY_SAFE = ":/@!$'()*,;"
"""'*' stays readable: it is the phone mask (``+1******0123``)."""
"""'+' is encoded in queries: form decoders read a bare '+' as a space."""


def redact_url_with(url: str, redactor: Redactor, hits: int | None = None) -> str:
    """``hits`` may come from a larger text holding the URL (the whole Exchange)."""
    if not url:
        return url
    if hits is None:
        hits = redactor.hits(url)
    if not hits and not any(char in url for char in "?#@%"):
        return url  # nothing to scrub and no named values: the common case, kept cheap
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host: still text that may hold a secret
        return redactor._scrub(url, hits)
    netloc = _netloc(parts.netloc, redactor, hits)
    path = _path(parts.path, redactor, hits)
    query = _pairs(parts.query, redactor, hits, form=False) if parts.query else parts.query
    fragment = parts.fragment
    if fragment:
        fragment = (_pairs(fragment, redactor, hits, form=False) if "=" in fragment
                    else _component(fragment, redactor, hits, _QUERY_SAFE))
    rebuilt = (parts.scheme, netloc, path, query, fragment)
    out = url if rebuilt == tuple(parts) else urlunsplit(rebuilt)
    if hits & h.KNOWN:  # encodings the decoding above did not undo
        out = redactor.known.replace(out, url_marker, redactor._count)
    if hits & h.SHAPES:  # key formats spanning path segments (a Slack webhook URL)
        out = redact_formats(out, redactor._count, url_marker)
    return out


def redact_form(text: str, redactor: Redactor, hits: int) -> str:
    """An ``application/x-www-form-urlencoded`` body."""
    return _pairs(text, redactor, hits, form=True)


def _netloc(netloc: str, redactor: Redactor, hits: int) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        return netloc
    user, colon, password = userinfo.partition(":")
    if colon and password and not rules.is_redacted(unquote(password)):
        redactor._count("password")
        password = url_marker("password")
    user = _component(user, redactor, hits, "")
    return f"{user}{colon}{password}@{hostport}"


def _path(path: str, redactor: Redactor, hits: int) -> str:
    if not path or path == "/" or (not hits and "%" not in path):
        return path
    return "/".join(_component(segment, redactor, hits, _PATH_SAFE)
                    for segment in path.split("/"))


def _component(raw: str, redactor: Redactor, hits: int, safe: str) -> str:
    if not raw:
        return raw
    if "%" in raw:
        decoded = unquote(raw)
        hits = redactor.hits(decoded)  # decoding can reveal what the encoded form hid
    else:
        decoded = raw
    new = redactor._scrub(decoded, hits)
    return raw if new == decoded else quote(new, safe=safe + ":")


def _pairs(text: str, redactor: Redactor, hits: int, *, form: bool) -> str:
    """``a=1&b=2`` with each value redacted by its name, or scrubbed as text."""
    decode = unquote_plus if form else unquote
    out = []
    for part in text.split("&"):
        name_raw, eq, value_raw = part.partition("=")
        if not eq:
            out.append(_component(part, redactor, hits, _QUERY_SAFE))
            continue
        value = decode(value_raw)
        new = _value(decode(name_raw), value, redactor,
                     hits if value == value_raw else redactor.hits(value))
        if new == value:
            out.append(part)
        else:
            encoded = quote_plus(new, safe=":*") if form else quote(new, safe=_QUERY_SAFE)
            out.append(f"{name_raw}={encoded}")
    return "&".join(out)


def _value(name: str, value: str, redactor: Redactor, hits: int) -> str:
    kind = field_kind(name)
    if kind is None:
        return redactor._scrub(value, hits)
    if kind == PHONE:
        if redactor.mask_phones and looks_like_phone(value):
            redactor._count("phone")
            return mask_phone(value)
        return redactor._scrub(value, hits)
    if not value or rules.is_redacted(value):
        return value
    redactor._count(kind)
    return rules.marker(kind)

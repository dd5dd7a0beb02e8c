"""The URL of a curl command, read and sent the way curl does.

curl guesses a missing scheme from the host name, takes credentials out of
``user:password@``, appends ``-G`` data and ``--url-query`` to the query,
rejects spaces, and sends a request target with dot segments removed and a
Host header without a default port. Hand-rolled because
:func:`urllib.parse.urlsplit` normalises (drops an empty ``?``) and raises
on some inputs curl accepts, while we must keep the text as typed.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from desktop.core.curl.request import CurlParseError

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_GUESSES = (
    ("ftp.", "ftp"),
    ("dict.", "dict"),
    ("ldap.", "ldap"),
    ("imap.", "imap"),
    ("smtp.", "smtp"),
    ("pop3.", "pop3"),
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def split_credentials(raw: str) -> tuple[str, str | None]:
    """The URL curl would use (scheme added, credentials removed) and its ``user:password``."""
    if any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in raw):
        raise CurlParseError(
            "the URL contains a space or a control character, which curl "
            "rejects; write a space as %20"
        )
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise CurlParseError("the URL is not valid UTF-8") from None
    match = _SCHEME.match(raw)
    if match:
        scheme, prefix, rest = match.group(1).lower(), raw[: match.end()], raw[match.end() :]
    else:
        host = raw.lower()
        scheme = next((s for start, s in _GUESSES if host.startswith(start)), "http")
        prefix, rest = f"{scheme}://", raw
    if scheme not in _DEFAULT_PORTS:
        raise CurlParseError(
            f"Switchboard sends only http:// and https:// requests; this URL is {scheme}://"
        )
    authority, tail = _split_authority(rest)
    credentials = None
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
        credentials = unquote_to_bytes(userinfo).decode("utf-8", "surrogateescape")
        if ":" not in credentials:
            credentials += ":"
    host, port = _split_port(authority)
    if not host:
        raise CurlParseError("the URL has no host name")
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535):
        raise CurlParseError("the port in the URL is not a number from 1 to 65535")
    return prefix + authority + tail, credentials


def append_query(url: str, query: str) -> str:
    """Add *query* to the URL's query as curl does (an ``&`` only when one is needed)."""
    base, hash_mark, fragment = url.partition("#")
    if "?" in base:
        existing = base.partition("?")[2]
        base += ("" if not existing or existing.endswith("&") else "&") + query
    else:
        base += "?" + query
    return base + hash_mark + fragment


def request_target(url: str) -> str:
    """What follows the method on curl's request line: path (dot segments removed) and query."""
    rest = url.partition("://")[2] if "://" in url else url
    _, tail = _split_authority(rest)
    path, question, query = tail.partition("#")[0].partition("?")
    path = _remove_dot_segments(path) if "." in path else path
    if not path.startswith("/"):
        path = "/" + path
    return path + question + query


def host_header(url: str) -> str:
    """The Host header curl sends: the authority without credentials or a default port."""
    scheme, _, rest = url.partition("://")
    authority = _split_authority(rest)[0].rpartition("@")[2]
    host, port = _split_port(authority)
    if not port or port == _DEFAULT_PORTS.get(scheme.lower()):
        return host
    return f"{host}:{port}"


def _split_authority(rest: str) -> tuple[str, str]:
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    return rest[:end], rest[end:]


def _split_port(authority: str) -> tuple[str, str]:
    if authority.startswith("["):
        close = authority.find("]")
        after = authority[close + 1 :] if close != -1 else ""
        if close == -1 or (after and not after.startswith(":")):
            raise CurlParseError("the URL has a malformed [IPv6] host")
        return authority[: close + 1], after[1:]
    host, _, port = authority.partition(":")
    return host, port


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, which curl applies unless --path-as-is."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)

"""The headers a curl command implies: ``-H`` lines read with curl's rules, plus options.

curl's ``-H`` rules (``lib/http.c``, ``Curl_add_custom_headers``): ``Name:
value`` is sent; ``Name:`` with a blank value is not sent and stops curl
sending its own header of that name; ``Name;`` sends an empty header; a
line without ``:`` or ``;`` is dropped. A header given with ``-H`` also
overrides the one an option would add (``-u``, ``-A``, ``-e``, ``-b``,
``--compressed``, ``--json``, ``-d``'s Content-Type).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.core.curl.request import CurlParseError, HeaderOrigin

ACCEPT_ENCODING = "deflate, gzip"
"""What curl 8.2.1 built with zlib sends for ``--compressed``."""

_ISSPACE = " \t\n\v\f\r"
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_OTHER_AUTH = frozenset({"digest", "ntlm", "ntlm-wb", "negotiate", "anyauth"})


@dataclass(slots=True)
class HeaderOptions:
    """The header-related options of one command, as the reader collected them."""

    lines: list[str] = field(default_factory=list)
    """``-H`` arguments, in order."""
    user: str | None = None
    password_missing: bool = False
    auth: str = "basic"
    bearer: str | None = None
    user_agent: str | None = None
    referer: str | None = None
    cookies: list[str] = field(default_factory=list)
    compressed: bool = False
    json: bool = False


@dataclass(slots=True)
class Assembled:
    headers: list[tuple[str, str]] = field(default_factory=list)
    origins: list[HeaderOrigin] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)
    """Lower-case names of every ``-H`` line, sent or not: they override defaults."""

    def add(self, name: str, value: str, origin: HeaderOrigin) -> None:
        self.headers.append((name, value))
        self.origins.append(origin)


def assemble_headers(options: HeaderOptions, warn: Callable[[str], None]) -> Assembled:
    """Headers in the order curl sends them, minus curl's own defaults."""
    custom = Assembled()
    for line in options.lines:
        _read_line(line, custom, warn)
    if options.json:
        for name in ("Content-Type", "Accept"):
            if name.lower() not in custom.mentioned:  # curl appends these to the -H list
                custom.add(name, "application/json", HeaderOrigin.HEADER)
                custom.mentioned.add(name.lower())
    result = Assembled(removed=custom.removed, mentioned=custom.mentioned)
    for name, value in _option_headers(options, custom.mentioned, warn):
        result.add(name, value, HeaderOrigin.OPTION)
    if options.user_agent == "":
        result.removed.append("user-agent")  # curl: an empty -A removes the header
    result.headers += custom.headers
    result.origins += custom.origins
    return result


def _option_headers(
    options: HeaderOptions, mentioned: set[str], warn: Callable[[str], None]
) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if "authorization" not in mentioned:
        if options.bearer is not None:
            headers.append(("Authorization", f"Bearer {options.bearer}"))
        elif options.user is not None and options.auth in _OTHER_AUTH:
            warn(
                f"--{options.auth} authentication is not supported; the -u credentials are not sent"
            )
        elif options.user is not None:
            user = options.user
            if options.password_missing:
                warn("-u has no ':password'; curl would ask for it, an empty one is used")
                user += ":"
            raw = user.encode("utf-8", "surrogateescape")
            headers.append(("Authorization", "Basic " + base64.b64encode(raw).decode("ascii")))
    if options.user_agent and "user-agent" not in mentioned:
        headers.append(("User-Agent", options.user_agent))
    if options.compressed and "accept-encoding" not in mentioned:
        headers.append(("Accept-Encoding", ACCEPT_ENCODING))
    if options.referer and "referer" not in mentioned:
        headers.append(("Referer", options.referer))
    if options.cookies and "cookie" not in mentioned:
        headers.append(("Cookie", ";".join(options.cookies)))
    return headers


def _read_line(line: str, into: Assembled, warn: Callable[[str], None]) -> None:
    label = _label(line)
    colon = line.find(":")
    if colon == -1:
        semicolon = line.find(";")
        rest = line[semicolon + 1 :]
        if semicolon <= 0 or rest.strip(_ISSPACE):
            warn(f"-H '{label}' has no ':' so curl does not send it")
            return
        name = _checked_name(line[:semicolon])
        into.mentioned.add(name.lower())
        if rest:  # "Name;  " is blank, which curl treats like "Name:"
            into.removed.append(name.lower())
        else:
            into.add(name, "", HeaderOrigin.HEADER)
        return
    if colon == 0:
        warn(f"-H '{label}' has no header name so curl does not send it")
        return
    name = _checked_name(line[:colon])
    value = line[colon + 1 :].lstrip(_ISSPACE).rstrip(" \t")
    if "\r" in value or "\n" in value:
        raise CurlParseError(f"the header {name!r} contains a line break")
    value = as_text(value, f"the {name} header", warn)
    lowered = name.lower()
    into.mentioned.add(lowered)
    if not value:
        into.removed.append(lowered)
    elif lowered == "host" and any(n.lower() == "host" for n, _ in into.headers):
        warn("curl sends only the first Host header; the others were dropped")
    else:
        into.add(name, value, HeaderOrigin.HEADER)


def as_text(value: str, what: str, warn: Callable[[str], None]) -> str:
    """A header value as text: UTF-8 when it is, else Latin-1 (HTTP's historical charset)."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(f"{what} is not UTF-8; it was read as Latin-1")
        return raw.decode("latin-1")


def _checked_name(name: str) -> str:
    if not _TOKEN.fullmatch(name):
        raise CurlParseError(
            f"{_label(name)!r} is not a valid header name "
            "(letters, digits and !#$%&'*+-.^_`|~ only)"
        )
    return name


def _label(line: str) -> str:
    """The start of a header line, safe to show: never its value, which may be a secret."""
    head = re.split(r"[:;\s]", line, maxsplit=1)[0]
    shown = head if len(head) <= 40 else head[:39] + "…"
    return shown if head == line else shown + "…"

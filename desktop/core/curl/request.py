"""The request a curl command describes, and the error for commands we cannot read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop.core.exchange import Headers, header_value


class CurlParseError(ValueError):
    """A pasted command we cannot turn into a request; the message is for the user."""


class HeaderOrigin(StrEnum):
    """Why a header is there; curl places each kind at a different point of the request."""

    OPTION = "option"
    """From ``-u``, ``-A``, ``-e``, ``-b``, ``--compressed``, or the URL's user name."""
    HEADER = "header"
    """Written with ``-H`` (or implied by ``--json``): sent in the order given."""
    BODY = "body"
    """The Content-Type curl adds for ``-d`` or ``-F``, sent after Content-Length."""


class BodyKind(StrEnum):
    NONE = "none"
    DATA = "data"
    """``-d`` and friends, or ``--json``: Content-Length is sent even for an empty body."""
    MULTIPART = "multipart"
    """``-F``: a multipart body built from the fields."""


@dataclass(frozen=True, slots=True)
class CurlRequest:
    """What the command sends, minus the headers curl adds by itself.

    ``headers`` are those the command implies: every ``-H``, plus
    Authorization, User-Agent, Referer, Cookie, Accept-Encoding and
    Content-Type when options ask for them, in the order curl sends them.
    :func:`desktop.core.curl.wire.wire_headers` adds Host, the default
    User-Agent and Accept, and Content-Length, as curl would.
    """

    method: str
    url: str
    headers: Headers = ()
    body: bytes = b""
    insecure: bool = False
    follow_redirects: bool = False
    warnings: tuple[str, ...] = ()
    """Options that were ignored or read differently from curl, in words."""
    removed_headers: tuple[str, ...] = ()
    """Lower-case names blanked with ``-H 'Name:'``: curl sends neither its default nor any."""
    header_origins: tuple[HeaderOrigin, ...] = ()
    """One per header; empty means every header came from ``-H``."""
    body_kind: BodyKind = BodyKind.NONE
    local_files: tuple[str, ...] = ()
    """Local files the command would send (``-d @f``, ``-F x=@f``, ``-H @f``...) that were
    not read: unless the caller names a folder to read from, their contents are left out."""

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    def origin(self, index: int) -> HeaderOrigin:
        if len(self.header_origins) == len(self.headers):
            return self.header_origins[index]
        return HeaderOrigin.HEADER

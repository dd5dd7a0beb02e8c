"""Reading pasted request headers: ``Name: value`` lines as in an HTTP message.

People check a delivery by pasting its headers from a request log, a
browser's dev tools or a proxy, so the text comes with CRLF or LF, maybe a
request line first, maybe HTTP/2 pseudo-headers, maybe blank lines or even
the body after it. A small reader of our own (rather than
``http.client.parse_headers``, which stops silently at the first odd line
and loses the rest) tolerates all that and says which lines it skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.exchange import Headers

_START_LINE = re.compile(r"([A-Z]+ \S+ HTTP/\d(\.\d)?|HTTP/\d(\.\d)? \d{3}.*)", re.ASCII)
_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    headers: Headers
    problems: tuple[str, ...] = ()
    """One sentence per skipped line, with its line number."""


def parse_header_block(text: str) -> HeaderBlock:
    """Headers from pasted text; never raises, reports what it skipped."""
    lines = text.splitlines()
    headers: list[tuple[str, str]] = []
    problems: list[str] = []
    started = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if started:
                break  # the blank line that ends the header section; a body may follow
            continue
        if not started and _START_LINE.fullmatch(line.strip()):
            started = True
            continue
        started = True
        if line[0] in " \t" and headers:  # obsolete line folding: continues the last value
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}".strip())
            continue
        name, colon, value = line.partition(":")
        if name == "" and colon:  # an HTTP/2 pseudo-header such as ":authority: example.com"
            continue
        if not colon or not _NAME.fullmatch(name.strip()):
            problems.append(f"line {number}: not a 'Name: value' header: {line[:60]!r}")
            continue
        headers.append((name.strip(), value.strip()))
    return HeaderBlock(tuple(headers), tuple(problems))

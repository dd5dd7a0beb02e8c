"""A response someone pasted into a ticket, as an Exchange the diagnosis can read.

``switchboard explain`` (and the window, when a support engineer pastes a
status, headers and a body) builds a synthetic Exchange here and runs the
same diagnosis the Composer runs on a live answer: the provider's catalog,
then generic HTTP knowledge. Nothing is sent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from desktop.core.collections.har_import import explain_exchange
from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    Timings,
    TransportError,
)
from desktop.core.provider.model import Provider

MAX_PASTED_BODY = 10 * 1024 * 1024


class PastedInputError(ValueError):
    """The pasted parts do not make a response (a header line without a colon...)."""


def parse_header_lines(lines: Iterable[str]) -> list[tuple[str, str]]:
    """``Name: value`` lines as pairs; raises PastedInputError naming the bad line."""
    pairs = []
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise PastedInputError(f"{line[:80]!r} is not a 'Name: value' header")
        pairs.append((name.strip(), value.strip()))
    return pairs


def pasted_exchange(provider: Provider | None, *, status: int | None = None,
                    headers: Iterable[tuple[str, str]] = (), body: bytes = b"",
                    method: str = "GET", url: str = "", transport: str | None = None,
                    message: str = "") -> Exchange:
    """An Exchange from pasted parts, with its request id and findings filled in.

    ``status`` for an answer, or ``transport`` (an ``ErrorKind`` value such as
    ``connect_refused``) for a request that got none. ``url`` lets path-specific
    catalog entries match; without it the request goes to ``/``.
    """
    if (status is None) == (transport is None):
        raise PastedInputError("give either a status or a transport error")
    if status is not None and not 100 <= status <= 599:
        raise PastedInputError(f"status {status} is not an HTTP status (100-599)")
    has_host = "://" in url
    if not has_host:  # a path alone (or nothing): the catalog matches paths, not hosts
        url = "https://api.invalid" + (url if url.startswith("/") else "/" + url)
    request = RequestRecord(method=method.upper() or "GET", url=url)
    error = None
    response = None
    if transport is not None:
        try:
            kind = ErrorKind(transport)
        except ValueError:
            known = ", ".join(k.value for k in ErrorKind)
            raise PastedInputError(f"{transport!r} is not a transport error kind ({known})") \
                from None
        error = TransportError(kind, message or kind.value.replace("_", " "))
    else:
        assert status is not None
        kept = body[:MAX_PASTED_BODY]
        response = ResponseRecord(status=status, headers=tuple(headers), body=kept,
                                  body_size=len(body), truncated=len(body) > len(kept))
    exchange = Exchange(request=request, started_at=time.time(), response=response,
                        error=error, timings=Timings(), profile="pasted")
    # Without a host there is none to name: the findings say "the API host".
    explain_exchange(exchange, provider, None if has_host else {"host": ""})
    return exchange

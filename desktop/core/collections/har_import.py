"""HAR 1.2 files in: each entry an Exchange, explained with the chosen provider's catalog.

A HAR a customer exported from Chrome, Firefox, Safari, Charles or a
Switchboard bundle is read entry by entry. Browsers bend the spec (status
0 for a blocked request, HTTP/2 pseudo-headers, base64 bodies, missing
timings), so the file is not refused for one odd entry: an entry that
cannot be read is reported as dropped and the others come in. Switchboard's
own ``_transportError`` and Chrome's ``_error`` become transport errors.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.core.collections.common import MAX_ITEMS, as_dict, as_list, method_of, text
from desktop.core.collections.loading import ImportFileError
from desktop.core.collections.model import Body, Header, SavedRequest
from desktop.core.collections.preview import ImportKind, ImportPreview
from desktop.core.collections.safety import is_credential
from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    Timings,
    TransportError,
)
from desktop.core.provider.model import Provider

MAX_BODY = 10 * 1024 * 1024
"""A body in a HAR larger than this is kept truncated (as the client caps what it keeps)."""
_CHROME_ERRORS = (
    ("NAME_NOT_RESOLVED", ErrorKind.DNS), ("CONNECTION_REFUSED", ErrorKind.CONNECT_REFUSED),
    ("CONNECTION_TIMED_OUT", ErrorKind.CONNECT_TIMEOUT), ("TIMED_OUT", ErrorKind.READ_TIMEOUT),
    ("CONNECTION_RESET", ErrorKind.RESET), ("CONNECTION_CLOSED", ErrorKind.RESET),
    ("CERT", ErrorKind.TLS), ("SSL", ErrorKind.TLS), ("ABORTED", ErrorKind.CANCELLED),
    ("INTERNET_DISCONNECTED", ErrorKind.CONNECT), ("ADDRESS_UNREACHABLE", ErrorKind.CONNECT),
)


def looks_like_har(doc: Any) -> bool:
    return isinstance(as_dict(as_dict(doc).get("log")).get("entries"), list)


def import_har(doc: Any, source: str, provider: Provider | None) -> ImportPreview:
    log = as_dict(as_dict(doc).get("log"))
    if not isinstance(log.get("entries"), list):
        raise ImportFileError(source, "is not a HAR file (no log.entries list)")
    version = text(log.get("version"), "?")
    creator = as_dict(log.get("creator"))
    made_by = " ".join(p for p in (text(creator.get("name")), text(creator.get("version"))) if p)
    label = f"HAR {version}" + (f" ({made_by})" if made_by else "")
    preview = ImportPreview(source, ImportKind.HAR, label, Path(source).stem or "HAR import")
    label_profile = f"har:{Path(source).name}"
    for index, entry in enumerate(log["entries"]):
        if index >= MAX_ITEMS:
            preview.drop("", "the remaining entries", f"more than {MAX_ITEMS}")
            break
        try:
            exchange = exchange_from_entry(as_dict(entry), label_profile)
        except ValueError as exc:
            preview.drop(f"entry {index + 1}", "the entry", str(exc))
            continue
        explain_exchange(exchange, provider)
        preview.exchanges.append(exchange)
        preview.add_request((), request_from_exchange(exchange, index))
    who = provider.name if provider is not None else "generic HTTP knowledge"
    preview.notes.append(f"each exchange is explained with {who}")
    preview.notes.append("exchanges go to the History of the window; with --into NAME their "
                         "requests are saved as a collection (credentials left out)")
    return preview


def explain_exchange(exchange: Exchange, provider: Provider | None,
                     facts: dict[str, Any] | None = None) -> None:
    """Request id, rate-limit sample and findings, as the client adds them to a live answer."""
    from desktop.core.client.response_facts import find_request_id, sample_for
    from desktop.core.diagnosis import explain

    exchange.request_id = find_request_id(exchange, provider)
    exchange.ratelimit = sample_for(exchange, provider)
    exchange.findings = explain(exchange, provider, facts)


def exchange_from_entry(entry: dict[str, Any], profile: str) -> Exchange:
    """One HAR entry as an Exchange; ValueError (with the reason) when it has no request."""
    request = as_dict(entry.get("request"))
    url = text(request.get("url")).strip()
    if not url:
        raise ValueError("it has no request URL")
    post = as_dict(request.get("postData"))
    record = RequestRecord(method=method_of(request.get("method")), url=url,
                           headers=_headers(request.get("headers")),
                           body=_body(text(post.get("text")), text(post.get("encoding"))
                                      or text(post.get("_encoding")))[0])
    response = as_dict(entry.get("response"))
    status = response.get("status")
    error = _error(entry, response)
    answer = None
    if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 999:
        content = as_dict(response.get("content"))
        body, truncated = _body(text(content.get("text")), text(content.get("encoding")))
        size = content.get("size")
        answer = ResponseRecord(
            status=status, reason=text(response.get("statusText")),
            http_version=text(response.get("httpVersion"), "HTTP/1.1").upper() or "HTTP/1.1",
            headers=_headers(response.get("headers")), body=body,
            body_size=size if isinstance(size, int) and size >= len(body) else len(body),
            truncated=truncated)
    elif error is None:
        error = TransportError(ErrorKind.OTHER, "the browser recorded no response (status "
                               f"{status!r})")
    return Exchange(request=record, started_at=_started(entry.get("startedDateTime")),
                    response=answer, error=error if answer is None else None,
                    timings=_timings(entry), profile=profile)


def request_from_exchange(exchange: Exchange, index: int) -> SavedRequest:
    """The request of a HAR entry as a saved one: no credentials, no transport headers."""
    from desktop.core.compose import TRANSPORT_HEADERS

    headers = tuple(Header(k, v) for k, v in exchange.request.headers
                    if k.lower() not in TRANSPORT_HEADERS and not is_credential(k)
                    and not k.lower().startswith(("sec-", "user-agent")))
    path = exchange.request.path.split("?")[0] or "/"
    return SavedRequest(name=f"{index + 1:03d} {exchange.request.method} {path}"[:200],
                        method=exchange.request.method, url=exchange.request.url,
                        headers=headers,
                        body=Body.from_bytes(exchange.request.body,
                                             exchange.request.header("Content-Type") or ""),
                        extras={"source": "har"})


def _headers(value: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for header in as_list(value)[:500]:
        header = as_dict(header)
        name = text(header.get("name")).strip()
        if name and not name.startswith(":"):  # HTTP/2 pseudo-headers are not headers
            out.append((name, text(header.get("value")).replace("\r", " ").replace("\n", " ")))
    return tuple(out)


def _body(content: str, encoding: str) -> tuple[bytes, bool]:
    if not content:
        return b"", False
    if encoding.lower() == "base64":
        try:
            data = base64.b64decode(content[: (MAX_BODY // 3 + 1) * 4], validate=False)
        except (binascii.Error, ValueError):
            data = content.encode("utf-8", "replace")
    else:
        data = content.encode("utf-8", "replace")
    return (data[:MAX_BODY], True) if len(data) > MAX_BODY else (data, False)


def _error(entry: dict[str, Any], response: dict[str, Any]) -> TransportError | None:
    ours = as_dict(entry.get("_transportError"))
    if ours:
        try:
            kind = ErrorKind(text(ours.get("kind")))
        except ValueError:
            kind = ErrorKind.OTHER
        return TransportError(kind, text(ours.get("message")))
    message = text(response.get("_error")) or text(entry.get("_error"))
    if not message:
        return None
    upper = message.upper()
    kind = next((k for word, k in _CHROME_ERRORS if word in upper), ErrorKind.OTHER)
    return TransportError(kind, message[:500])


def _started(value: Any) -> float:
    try:
        return datetime.fromisoformat(text(value).replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0


def _timings(entry: dict[str, Any]) -> Timings:
    timings = as_dict(entry.get("timings"))

    def ms(name: str) -> float | None:
        value = timings.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1e9:
            return float(value)
        return None

    total = entry.get("time")
    total_ms = float(total) if isinstance(total, int | float) and not isinstance(total, bool) \
        and 0 <= total < 1e9 else 0.0
    connect, tls = ms("connect"), ms("ssl")
    if connect is not None and tls is not None:
        connect = max(connect - tls, 0.0)  # HAR's connect includes ssl; ours does not
    return Timings(connect_ms=connect, tls_ms=tls, send_ms=ms("send"), wait_ms=ms("wait"),
                   receive_ms=ms("receive"), total_ms=total_ms)

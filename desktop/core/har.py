"""HAR 1.2 export of Exchanges, every byte through the redactor.

HAR is what support teams and browsers' devtools already read, so the
bundle's request log is a HAR file rather than a format of our own. The
spec (http://www.softwareishard.com/blog/har-12-spec/) fixes the fields;
what Switchboard knows beyond them (profile, checklist step, request id,
findings, transport error) goes in ``_``-prefixed custom fields, which the
spec reserves for exactly that.

A request that never got a response is an entry with response status 0 and
``_error``, as browsers write failed requests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from desktop import APP_NAME
from desktop.core import jsondump
from desktop.core.exchange import Exchange, Timings, header_value
from desktop.core.redact import Redactor
from desktop.core.redact.exchanges import ExchangeParts
from desktop.core.redact.structure import RedactedBody, media_type

HAR_VERSION = "1.2"
UNKNOWN_MIME = "x-unknown"


def to_har(
    exchanges: Iterable[Exchange],
    *,
    redactor: Redactor,
    creator_version: str,
    comment: str | None = None,
) -> dict[str, Any]:
    """A HAR 1.2 document (a dict ready for ``json.dumps``) of the exchanges, redacted."""
    log: dict[str, Any] = {
        "version": HAR_VERSION,
        "creator": {"name": APP_NAME, "version": creator_version},
        "entries": [har_entry(exchange, redactor) for exchange in exchanges],
    }
    if comment is not None:
        log["comment"] = redactor.redact_text(comment)
    return {"log": log}


def har_entry(exchange: Exchange, redactor: Redactor) -> dict[str, Any]:
    """One HAR entry: request, response (or status 0 with ``_error``), timings, our fields."""
    response = exchange.response
    http_version = response.http_version if response is not None else "HTTP/1.1"
    parts = redactor.redact_parts(exchange)
    entry: dict[str, Any] = {
        "startedDateTime": iso_datetime(exchange.started_at),
        "time": round(max(exchange.timings.total_ms, 0.0), 3),
        "request": _request(exchange, parts, http_version or "HTTP/1.1"),
        "response": _response(exchange, parts),
        "cache": {},
        "timings": har_timings(exchange.timings),
        "_exchangeId": exchange.id,
        "_profile": exchange.profile,
    }
    if exchange.step is not None:
        entry["_step"] = exchange.step
    if parts.request_id is not None:
        entry["_requestId"] = parts.request_id
    if exchange.token_fresh is not None:
        entry["_tokenFresh"] = exchange.token_fresh
    if exchange.findings:
        entry["_findings"] = [redactor.redact_finding(f).to_dict() for f in exchange.findings]
    if parts.error is not None:
        entry["_transportError"] = {"kind": parts.error.kind.value, "message": parts.error.message}
    return entry


def iso_datetime(epoch_seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds and a 'Z', as browsers write startedDateTime."""
    try:
        moment = datetime.fromtimestamp(epoch_seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        moment = datetime.fromtimestamp(0, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def har_timings(timings: Timings) -> dict[str, float]:
    """HAR timings: -1 where unknown; ``connect`` includes ``ssl``; DNS is inside connect.

    httpcore does not split DNS out of connect, so ``dns`` is -1 and its time
    is counted in ``connect``. send/wait/receive must not be -1: unknown ones
    are 0, except ``wait``, which takes the rest of the total.
    """
    def known(value: float | None) -> float:
        return -1 if value is None else round(max(value, 0.0), 3)

    connect = -1.0
    if timings.connect_ms is not None:
        connect = known(timings.connect_ms + (timings.tls_ms or 0.0))
    send = known(timings.send_ms) if timings.send_ms is not None else 0.0
    receive = known(timings.receive_ms) if timings.receive_ms is not None else 0.0
    if timings.wait_ms is not None:
        wait = known(timings.wait_ms)
    else:
        wait = round(max(timings.total_ms - max(connect, 0.0) - send - receive, 0.0), 3)
    return {
        "blocked": -1,
        "dns": -1,
        "connect": connect,
        "ssl": known(timings.tls_ms) if timings.connect_ms is not None else -1,
        "send": send,
        "wait": wait,
        "receive": receive,
    }


def _request(exchange: Exchange, parts: ExchangeParts, http_version: str) -> dict[str, Any]:
    request = exchange.request
    url = parts.url
    headers = parts.request_headers
    out: dict[str, Any] = {
        "method": request.method,
        "url": url,
        "httpVersion": http_version,
        "cookies": _request_cookies(headers),
        "headers": _name_values(headers),
        "queryString": _query(url),
        "headersSize": -1,
        "bodySize": len(request.body),
    }
    if request.body:
        out["postData"] = _post_data(parts.request_body,
                                     header_value(request.headers, "content-type"))
    return out


def _post_data(body: RedactedBody, content_type: str | None) -> dict[str, Any]:
    text = body.text
    post: dict[str, Any] = {"mimeType": content_type or ""}
    if text is None:
        post["text"] = base64.b64encode(body.data).decode("ascii")
        post["_encoding"] = "base64"
        post["comment"] = "binary body, base64-encoded"
        return post
    post["text"] = text
    if media_type(content_type) == "application/x-www-form-urlencoded":
        post["params"] = [{"name": name, "value": value}
                          for name, value in parse_qsl(text, keep_blank_values=True)]
    return post


def _response(exchange: Exchange, parts: ExchangeParts) -> dict[str, Any]:
    response = exchange.response
    error = parts.error
    if response is None or parts.response_body is None:
        message = f"{error.kind.value}: {error.message}" if error else "no response"
        return {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": UNKNOWN_MIME},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": message,
        }
    headers = parts.response_headers
    content_type = response.header("content-type")
    text = parts.response_body.text
    content: dict[str, Any] = {
        "size": response.body_size or len(response.body),
        "mimeType": content_type or UNKNOWN_MIME,
    }
    if text is None:
        content["text"] = base64.b64encode(parts.response_body.data).decode("ascii")
        content["encoding"] = "base64"
    else:
        content["text"] = text
    if response.truncated:
        content["comment"] = (f"truncated: {len(response.body)} of {response.body_size} bytes "
                              "kept")
    location = next((value for name, value in headers if name.lower() == "location"), "")
    out: dict[str, Any] = {
        "status": response.status,
        "statusText": parts.reason,
        "httpVersion": response.http_version or "HTTP/1.1",
        "cookies": _response_cookies(headers),
        "headers": _name_values(headers),
        "content": content,
        "redirectURL": location,
        "headersSize": -1,
        "bodySize": response.body_size or len(response.body),
    }
    if error is not None:
        out["_error"] = f"{error.kind.value}: {error.message}"
    if parts.incomplete:
        out["comment"] = f"incomplete body: {parts.incomplete}"
    return out


def _name_values(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _query(url: str) -> list[dict[str, str]]:
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    return [{"name": name, "value": value}
            for name, value in parse_qsl(query, keep_blank_values=True)]


def _request_cookies(headers: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    cookies = []
    for name, value in headers:
        if name.lower() != "cookie":
            continue
        for part in value.split(";"):
            cookie_name, eq, cookie_value = part.strip().partition("=")
            if eq and cookie_name:
                cookies.append({"name": cookie_name, "value": cookie_value})
    return cookies


def _response_cookies(headers: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Set-Cookie parsed by hand: http.cookies rejects many real-world cookies outright,
    and HAR needs only the name, the (redacted) value and the plain attributes."""
    cookies = []
    for name, value in headers:
        if name.lower() != "set-cookie":
            continue
        first, *attributes = value.split(";")
        cookie_name, eq, cookie_value = first.strip().partition("=")
        if not eq or not cookie_name:
            continue
        cookie: dict[str, Any] = {"name": cookie_name, "value": cookie_value}
        for attribute in attributes:
            key, _, attr_value = attribute.strip().partition("=")
            key = key.lower()
            if key in ("path", "domain"):
                cookie[key] = attr_value
            elif key == "httponly":
                cookie["httpOnly"] = True
            elif key == "secure":
                cookie["secure"] = True
        cookies.append(cookie)
    return cookies


def har_json_parts(creator_version: str, comment: str | None = None) -> tuple[bytes, bytes]:
    """The text before and after the entries of a HAR file, for writing it entry by entry."""
    head: dict[str, Any] = {"version": HAR_VERSION,
                            "creator": {"name": APP_NAME, "version": creator_version}}
    if comment is not None:
        head["comment"] = comment
    opening = json.dumps({"log": head})[:-2] + ', "entries": [\n'
    return opening.encode("ascii"), b"\n]}}\n"


def dump_entry(entry: dict[str, Any]) -> bytes:
    """One entry as a single line of compact UTF-8 JSON (so ``bundle inspect`` lines name
    entries), by orjson: five times faster on a typical entry, which a 10,000-Exchange
    bundle feels (tests/benchmarks, bundle export). See ``desktop.core.jsondump``."""
    return jsondump.compact(entry)

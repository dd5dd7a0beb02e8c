"""The two error shapes the modelled API uses, built in one place.

CORE routes answer with the CORE wrapper, ``{"error": {"code", "message",
"details"}, "requestId"}`` (``requestId`` beside ``error``, not inside); the
token endpoint answers OAuth-style, ``{"error", "error_description"}``.
Getting these exactly right is the point: Switchboard's error catalog is
tested against them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web

REQUEST_ID_KEY = web.RequestKey("request_id", str)
REQUEST_ID_HEADER = "X-Request-Id"

CODES: dict[int, str] = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    429: "RATE_LIMITED",
    500: "SERVER_ERROR",
    502: "UPSTREAM_ERROR",
}
"""Documented codes by status (429 is the Sandbox's choice: the seed names none)."""


def new_request_id() -> str:
    return "req_" + secrets.token_hex(12)


def request_id(request: web.Request) -> str:
    """The id of this request, made on first use so every response can carry it."""
    rid = request.get(REQUEST_ID_KEY)
    if rid is None:
        rid = new_request_id()
        request[REQUEST_ID_KEY] = rid
    return rid


def code_for(status: int) -> str:
    """The CORE code for a status; undocumented statuses get their reason phrase in CAPS."""
    if status in CODES:
        return CODES[status]
    try:
        return HTTPStatus(status).phrase.upper().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "ERROR"


def core_error(
    request: web.Request,
    status: int,
    message: str,
    details: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    body = {
        "error": {"code": code_for(status), "message": message, "details": dict(details or {})},
        "requestId": request_id(request),
    }
    return web.json_response(body, status=status, headers=headers)


def oauth_error(
    status: int, error: str, description: str, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    body = {"error": error, "error_description": description}
    all_headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})}
    return web.json_response(body, status=status, headers=all_headers)

"""The token endpoint and the bearer check in front of every CORE route.

Modelled on the seed: ``POST /api/auth/token`` takes a form-encoded
client-credentials grant with the client authenticated by HTTP Basic
(client_secret_basic: id and secret form-urlencoded, then base64) or by
``client_id``/``client_secret`` in the body, and answers OAuth-style errors.
Credentials are compared exactly, so a pasted secret with a trailing
newline fails here just as it does on the real API.
"""

from __future__ import annotations

import binascii
import hmac
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import unquote_plus

from aiohttp import web

from desktop.sandbox.context import sandbox_of
from desktop.sandbox.errors import core_error, oauth_error

FORM_TYPE = "application/x-www-form-urlencoded"
_BEARER = re.compile(r"Bearer +([A-Za-z0-9\-._~+/]+=*) *", re.IGNORECASE)
_BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="sandbox"'}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a valid bearer token speaks for."""

    token: str
    client_id: str


async def token_endpoint(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    config = sandbox.config
    if request.content_type == "application/json":
        return _invalid_request(
            f"The token endpoint takes a form-encoded body (Content-Type: {FORM_TYPE}), not JSON."
        )
    if request.body_exists and request.content_type != FORM_TYPE:
        return _invalid_request(f"Content-Type must be {FORM_TYPE}.")
    try:
        form = await request.post() if request.body_exists else {}
    except ValueError:
        return _invalid_request("The form body could not be decoded.")
    grant_type = form.get("grant_type")
    if not grant_type:
        return _invalid_request("grant_type is required: send grant_type=client_credentials.")
    if grant_type != "client_credentials":
        return oauth_error(
            400,
            "unsupported_grant_type",
            f"grant_type {grant_type!r} is not supported; use client_credentials.",
        )

    body_id, body_secret = form.get("client_id"), form.get("client_secret")
    authorization = request.headers.get("Authorization")
    used_basic = authorization is not None
    if authorization is not None:
        basic = parse_basic(authorization)
        if basic is None:
            return _invalid_request(
                "Malformed Authorization header: expected HTTP Basic with "
                "base64(urlencode(client_id):urlencode(client_secret))."
            )
        if body_secret is not None:
            return _invalid_request(
                "Client credentials were sent twice (HTTP Basic and the body); use one method."
            )
        client_id, client_secret = basic
    else:
        if body_id is None and body_secret is None:
            return _invalid_request(
                "Client credentials are required: HTTP Basic, or client_id and "
                "client_secret in the form body."
            )
        missing = "client_id" if body_id is None else "client_secret" if body_secret is None else ""
        if missing:
            return _invalid_request(f"{missing} is required in the form body.")
        client_id, client_secret = str(body_id), str(body_secret)

    challenge = _BASIC_CHALLENGE if used_basic else None
    matches = _same(client_id, config.client_id) & _same(client_secret, config.client_secret)
    if not matches or sandbox.faults.is_on("bad_secret"):
        return oauth_error(
            401,
            "invalid_client",
            "Client authentication failed: unknown client_id or wrong client_secret.",
            headers=challenge,
        )
    if sandbox.faults.is_on("inactive_client"):
        return oauth_error(
            401,
            "invalid_client",
            "Client authentication failed: API client is inactive.",
            headers=challenge,
        )
    if sandbox.faults.is_on("inactive_account"):
        return oauth_error(
            401,
            "invalid_client",
            "Client authentication failed: the API client's parent account is inactive.",
            headers=challenge,
        )
    token = sandbox.tokens.issue(config.client_id, config.token_lifetime)
    body: dict[str, object] = {"access_token": token, "token_type": "bearer"}
    if config.token_expires_in:
        body["expires_in"] = config.token_lifetime
    return web.json_response(
        body, status=config.token_status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


CoreHandler = Callable[[web.Request, Caller], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def protected(*, server_error_status: int = 500) -> Callable[[CoreHandler], Handler]:
    """Wrap a CORE route: bearer check first, then the ``server_error`` fault.

    Sends fail with 502 UPSTREAM_ERROR under that fault (the carrier side
    broke), reads with 500 SERVER_ERROR.
    """

    def decorate(handler: CoreHandler) -> Handler:
        @wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            caller = authenticate(request)
            if isinstance(caller, web.Response):
                return caller
            if sandbox_of(request).faults.is_on("server_error"):
                message = (
                    "Upstream carrier error: the message could not be accepted."
                    if server_error_status == 502
                    else "Internal server error."
                )
                return core_error(request, server_error_status, message)
            return await handler(request, caller)

        return wrapper

    return decorate


def bearer_token(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer`` value, or None."""
    match = _BEARER.fullmatch(header) if header else None
    return match.group(1) if match else None


def authenticate(request: web.Request) -> Caller | web.Response:
    """The caller behind ``Authorization: Bearer``, or the 401 to send instead."""
    sandbox = sandbox_of(request)
    header = request.headers.get("Authorization")
    if header is None:
        return _unauthorized(
            request,
            "Missing Authorization header: send Authorization: Bearer <token>.",
            "missing_token",
        )
    token = bearer_token(header)
    if token is None:
        return _unauthorized(
            request,
            "Malformed Authorization header: expected 'Bearer <token>'.",
            "malformed_authorization",
        )
    issued = sandbox.tokens.get(token)
    if issued is None or issued.client_id != sandbox.config.client_id:
        return _unauthorized(request, "The bearer token is invalid.", "invalid_token")
    if sandbox.faults.is_on("expired_token") or sandbox.tokens.expired(issued):
        return _unauthorized(
            request, "The bearer token expired: get a fresh token.", "token_expired"
        )
    return Caller(token, issued.client_id)


def _unauthorized(request: web.Request, message: str, reason: str) -> web.Response:
    if reason == "missing_token":
        challenge = 'Bearer realm="sandbox"'
    else:
        challenge = f'Bearer realm="sandbox", error="invalid_token", error_description="{message}"'
    return core_error(
        request, 401, message, {"reason": reason}, headers={"WWW-Authenticate": challenge}
    )


def _invalid_request(description: str) -> web.Response:
    return oauth_error(400, "invalid_request", description)


def parse_basic(header: str) -> tuple[str, str] | None:
    """(client_id, client_secret) from client_secret_basic, or None when malformed."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = binascii.a2b_base64(encoded.strip(), strict_mode=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, colon, password = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(user), unquote_plus(password)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))

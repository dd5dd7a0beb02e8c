"""The aiohttp application: routes, and the middlewares every API response passes.

Middlewares, outermost first:

1. request id: every response carries ``X-Request-Id`` (the same id as the
   CORE wrapper's ``requestId``); anything unexpected becomes a 500 wrapper.
2. wire faults (``/api/*`` only): ``drop_connection`` closes the socket
   without answering; ``slow`` waits the configured latency.
3. rate limit (``/api/*`` only): counts the request, answers 429 when over
   the limit or during ``rate_limit_storm`` (CORE routes), and adds the
   configured header family to every response.
4. errors: aiohttp's own 404/405/413 become the CORE wrapper, so even an
   unknown path answers in the API's shape.

The admin surface (``/__sandbox``) skips 2 and 3: it must stay usable while
the API is being made to misbehave.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler

from desktop.sandbox import account, admin, auth, messages
from desktop.sandbox.context import SANDBOX_KEY, sandbox_of
from desktop.sandbox.errors import REQUEST_ID_HEADER, core_error, request_id
from desktop.sandbox.ratelimit import rate_limit_headers

if TYPE_CHECKING:
    from desktop.sandbox.server import Sandbox

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
CORE_PREFIX = "/api/core/"


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[_request_id, _wire_faults, _rate_limit, _errors])
    app[SANDBOX_KEY] = sandbox
    app.router.add_post("/api/auth/token", auth.token_endpoint)
    app.router.add_get("/api/core/whoami", account.whoami)
    app.router.add_get("/api/core/numbers", account.numbers)
    app.router.add_post("/api/core/messages/send", messages.send)
    admin.add_routes(app.router)
    return app


@web.middleware
async def _request_id(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request_id(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # raised outside _errors' reach: still answer in shape
        response = core_error(request, exc.status, exc.reason)
    except Exception:
        log.exception("sandbox handler failed for %s %s", request.method, request.path)
        response = core_error(request, 500, "Internal server error.")
    response.headers[REQUEST_ID_HEADER] = rid
    return response


@web.middleware
async def _wire_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    sandbox = sandbox_of(request)
    if sandbox.faults.is_on("drop_connection"):
        transport = request.transport
        if transport is not None:
            transport.close()
        # Never written: the socket is gone. aiohttp needs a response object all the same.
        return web.Response(status=500)
    if sandbox.faults.is_on("slow"):
        await sandbox.pause(sandbox.config.latency)
    return await handler(request)


@web.middleware
async def _rate_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    sandbox = sandbox_of(request)
    config = sandbox.config
    token = auth.bearer_token(request.headers.get("Authorization"))
    key = f"token:{token}" if token else f"ip:{request.remote or 'unknown'}"
    quota = sandbox.limiter.hit(key, config.ratelimit_limit, config.ratelimit_window)
    if sandbox.faults.is_on("rate_limit_storm") and request.path.startswith(CORE_PREFIX):
        quota = quota.exhausted()
    if quota.exceeded:
        retry_after = quota.reset_seconds
        response: web.StreamResponse = core_error(
            request,
            429,
            f"Rate limit exceeded: retry after {retry_after} seconds.",
            {"limit": quota.limit, "windowSeconds": quota.window, "retryAfterSeconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
    else:
        response = await handler(request)
    for name, value in rate_limit_headers(config.ratelimit_family, quota):
        response.headers[name] = value
    return response


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status == 404:
            message = f"No such endpoint: {request.method} {request.path}."
        elif exc.status == 405:
            message = f"Method {request.method} is not allowed on {request.path}."
        else:
            message = exc.reason
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return core_error(request, exc.status, message, headers=headers)

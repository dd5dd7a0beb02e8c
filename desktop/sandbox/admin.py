"""``/__sandbox``: flip faults and settings on a running Sandbox from curl or a script.

No authentication: the Sandbox listens on loopback by default and holds
nothing but demo values. Secrets other than the public demo ones are
masked in what it returns.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from desktop.sandbox.context import sandbox_of
from desktop.sandbox.errors import core_error
from desktop.sandbox.faults import FAULT_NAMES, UnknownFaultError

PREFIX = "/__sandbox"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(PREFIX, overview)
    router.add_put(f"{PREFIX}/faults", put_faults)
    router.add_post(f"{PREFIX}/faults/{{name}}/{{switch:on|off}}", switch_fault)
    router.add_put(f"{PREFIX}/config", put_config)
    router.add_post(f"{PREFIX}/reset", reset)


async def overview(request: web.Request) -> web.Response:
    return web.json_response(sandbox_of(request).snapshot())


async def put_faults(request: web.Request) -> web.Response:
    body = await _json_object(request)
    if isinstance(body, web.Response):
        return body
    bad = [name for name, on in body.items() if not isinstance(on, bool)]
    if bad:
        return core_error(
            request, 400, f"Fault {bad[0]!r} must be true or false.", {"field": bad[0]}
        )
    sandbox = sandbox_of(request)
    try:
        sandbox.faults.update(body)
    except UnknownFaultError as exc:
        return _unknown_fault(request, exc, 400)
    return web.json_response({"faults": sandbox.faults.as_dict()})


async def switch_fault(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    try:
        sandbox.faults.set(request.match_info["name"], request.match_info["switch"] == "on")
    except UnknownFaultError as exc:
        return _unknown_fault(request, exc, 404)
    return web.json_response({"faults": sandbox.faults.as_dict()})


async def put_config(request: web.Request) -> web.Response:
    body = await _json_object(request)
    if isinstance(body, web.Response):
        return body
    sandbox = sandbox_of(request)
    try:
        sandbox.configure(**body)
    except (TypeError, ValueError) as exc:
        return core_error(request, 400, str(exc))
    return web.json_response({"config": sandbox.config.as_dict()})


async def reset(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    await sandbox.reset()
    return web.json_response(sandbox.snapshot())


async def _json_object(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):
        return core_error(request, 400, "The request body must be JSON.")
    if not isinstance(body, dict):
        return core_error(request, 400, "The request body must be a JSON object.")
    return body


def _unknown_fault(request: web.Request, exc: UnknownFaultError, status: int) -> web.Response:
    return core_error(request, status, str(exc), {"fault": exc.name, "faults": list(FAULT_NAMES)})

"""How request handlers reach the Sandbox that serves them, without an import cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from desktop.sandbox.server import Sandbox

SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("sandbox")


def sandbox_of(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]

"""``/api/core/whoami`` and ``/api/core/numbers``: who the token speaks for, what it owns.

These are steps two and three of the seed's debugging order; their answers
change with the faults so the checklist can show each documented symptom.
"""

from __future__ import annotations

from aiohttp import web

from desktop.sandbox.auth import Caller, protected
from desktop.sandbox.context import sandbox_of
from desktop.sandbox.errors import core_error
from desktop.sandbox.numbers import owned_numbers

CAPABILITIES = ("SMS", "MMS")


@protected()
async def whoami(request: web.Request, caller: Caller) -> web.Response:
    sandbox = sandbox_of(request)
    config = sandbox.config
    numbers = owned_numbers(sandbox.faults)
    inactive = sandbox.faults.is_on("inactive_client")
    return web.json_response(
        {
            "apiClientId": caller.client_id,
            "apiClientName": config.client_name,
            "apiClientStatus": "INACTIVE" if inactive else "ACTIVE",
            "capabilities": list(CAPABILITIES),
            "assignedNumbers": {
                "total": len(numbers),
                "smsEnabledCount": sum(n.sms_enabled for n in numbers),
                "mmsEnabledCount": sum(n.mms_enabled for n in numbers),
            },
            "inboundWebhookConfigured": False,
            "deliveryWebhookConfigured": config.webhook_url is not None,
        }
    )


@protected()
async def numbers(request: web.Request, caller: Caller) -> web.Response:
    sandbox = sandbox_of(request)
    if sandbox.faults.is_on("inactive_client"):
        return inactive_client(request)
    return web.json_response({"numbers": [n.as_dict() for n in owned_numbers(sandbox.faults)]})


def inactive_client(request: web.Request) -> web.Response:
    """What a token minted before the client was deactivated still gets on CORE routes."""
    return core_error(request, 403, "API client is inactive.", {"apiClientStatus": "INACTIVE"})

"""Servers written from each provider's public documentation, not from our sandbox.

Each app answers the calls its provider documents, in the shape the
documentation shows, and varies what the documentation leaves open (a list
under ``messages`` or a bare array, a token answered 200 or 201, a path
served somewhere else) through its ``Shape``. None of this code is shared
with ``desktop.sandbox`` or with the provider files: when the checklist
passes here, it is not because a parser and a server share one guess.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TRK_KEY = "trk_" + "A1b2C3d4" * 4
CAMPAIGNS_KEY = "campaigns-dev-key-0001"
ECD_CLIENT_ID = "ecd-client"
ECD_SECRET = "ecd-secret-value-0001"
RC_CLIENT_ID = "rc-client"
RC_SECRET = "rc-secret-value-0001"
RC_WEBHOOK_SECRET = "rc-webhook-secret-0001"


@dataclass
class Shape:
    """What the documentation leaves open, and the state of the simulated account."""

    token_status: int = 201
    token_expires_in: bool = False
    list_key: str | None = "lists"
    """trk_: where the sending lists sit (None: a bare array)."""
    lists_path: str = "/lists"
    send_path: str = "/send"
    status_key: str | None = "messages"
    """Campaigns: where the status list sits (None: a bare array)."""
    statuses: list[str] = field(default_factory=lambda: ["Sent"])
    """Campaigns: the status answered on each successive read (the last one repeats)."""
    details: Any = None
    """Campaigns: the ``details`` of a Failed message (None: the field is absent)."""
    sms_fallback: bool = True
    fallback_delivered: int = 3
    reads: int = 0
    webhook_url: str = ""
    """Red Cloud: where to POST lifecycle events (empty: none are sent)."""
    webhook_secret: str = RC_WEBHOOK_SECRET


def _error(status: int, error: str, code: str) -> web.Response:
    return web.json_response({"error": error, "code": code}, status=status)


# -- the SMS marketing API with trk_ keys (seed 003) --------------------------------------------

def trk_app(shape: Shape) -> web.Application:
    lists = [{"id": "65a1b2c3d4e5f6a7b8c9d0e1", "phone_number": "+18005551000",
              "name": "Main", "status": "active"}]

    def authorised(request: web.Request) -> web.Response | None:
        key = request.headers.get("X-Api-Key")
        if key is None:
            return _error(401, "API key required", "missing_api_key")
        if key != TRK_KEY:
            return _error(401, "Invalid API key", "invalid_api_key")
        return None

    async def get_lists(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        return web.json_response(lists if shape.list_key is None else {shape.list_key: lists})

    async def send(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        body = await request.json()
        number = body.get("list_number", "")
        if not str(number).startswith("+"):
            return _error(400, "Invalid list_number E.164 format", "invalid_list_number")
        if number not in {item["phone_number"] for item in lists}:
            return _error(400, "Sending list not found for this list_number", "list_not_found")
        return web.json_response({"message_id": uuid.uuid4().hex[:24], "status": "queued"})

    app = web.Application()
    app.router.add_get(shape.lists_path, get_lists)
    app.router.add_post(shape.send_path, send)
    return app


# -- the Viber/SMS campaigns API (seed 002 and its public reference) ---------------------------

CAMPAIGN_ID = "660e8400-e29b-41d4-a716-446655440001"
TEMPLATE_ID = "550e8400-e29b-41d4-a716-446655440000"


def campaigns_app(shape: Shape) -> web.Application:
    sent: list[dict[str, Any]] = []

    def authorised(request: web.Request) -> web.Response | None:
        if request.headers.get("X-API-Key") != CAMPAIGNS_KEY:
            return web.json_response({"error": "Unauthorized",
                                      "message": "Invalid or missing API key"}, status=401)
        return None

    async def services(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        return web.json_response([{"id": 12345, "name": "Acme"}])

    async def campaign(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        if request.match_info["id"] != CAMPAIGN_ID:
            return web.json_response({"error": "Not Found", "message": "Campaign not found"},
                                     status=404)
        return web.json_response({
            "campaignId": CAMPAIGN_ID, "name": "Order Notifications", "status": "InProgress",
            "channel": "Viber", "sendingMode": "Transactional", "templateId": TEMPLATE_ID,
            "smsFallbackDeliveredCount": shape.fallback_delivered})

    async def template(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        return web.json_response({
            "id": TEMPLATE_ID, "name": "Welcome", "messageType": 1, "channelType": "Viber",
            "templateContent": "Hello", "viberServiceId": 12345,
            "smsFallbackEnabled": shape.sms_fallback})

    async def add_message(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        body = await request.json()
        message = {"id": str(uuid.uuid4()), "phoneNumber": body.get("phoneNumber"),
                   "campaignId": request.match_info["id"]}
        sent.append(message)
        return web.json_response({"messageId": message["id"], "status": "Pending"}, status=201)

    async def messages(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        phone = request.query.get("phoneNumber")
        status = shape.statuses[min(shape.reads, len(shape.statuses) - 1)]
        shape.reads += 1
        found = []
        for message in reversed(sent):
            if message["phoneNumber"] == phone:
                item = {**message, "status": status}
                if status == "Failed" and shape.details is not None:
                    item["details"] = shape.details
                found.append(item)
        return web.json_response(found if shape.status_key is None
                                 else {shape.status_key: found, "totalCount": len(found)})

    app = web.Application()
    app.router.add_get("/api/v1/viber-services", services)
    app.router.add_get("/api/v1/campaigns/{id}", campaign)
    app.router.add_get("/api/v1/templates/{id}", template)
    app.router.add_post("/api/v1/{channel}/campaigns/{id}/messages", add_message)
    app.router.add_get("/api/v1/messages", messages)
    return app


# -- eCourtDate (seed 000 and its Authentication page) -----------------------------------------

def ecourtdate_app(shape: Shape) -> web.Application:
    tokens: set[str] = set()

    async def token(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "invalid_request",
                                      "message": "The body must be JSON."}, status=400)
        if (body.get("client_id"), body.get("client_secret")) != (ECD_CLIENT_ID, ECD_SECRET):
            return web.json_response({"error": "invalid_client",
                                      "message": "Client authentication failed"}, status=401)
        issued = uuid.uuid4().hex
        tokens.add(issued)
        answer: dict[str, Any] = {"access_token": issued, "token_type": "Bearer"}
        if shape.token_expires_in:
            answer["expires_in"] = 3600
        return web.json_response(answer, status=shape.token_status)

    def authorised(request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if header.removeprefix("Bearer ") not in tokens:
            return web.json_response({"message": "Unauthenticated."}, status=401)
        return None

    async def root(request: web.Request) -> web.Response:
        return web.json_response({"message": "eCourtDate API"})

    async def settings(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        return web.json_response({"agency_name": "Demo County Court", "timezone": "UTC"})

    async def oneoff(request: web.Request) -> web.Response:
        if (refused := authorised(request)) is not None:
            return refused
        return web.json_response({"uuid": str(uuid.uuid4()), "status": "scheduled"},
                                 status=201)

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_post("/oauth/token", token)
    app.router.add_get("/v1/settings", settings)
    app.router.add_post("/v1/messages/oneoffs", oneoff)
    return app


# -- Red Cloud CORE (seed 001): webhooks with the message id at the top level -------------------

def redcloud_app(shape: Shape) -> web.Application:
    tokens: set[str] = set()
    tasks: set[asyncio.Task[None]] = set()

    def credentials(request: web.Request, form: dict[str, str]) -> tuple[str, str]:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            pair = base64.b64decode(header[6:]).decode()
            client, _, secret = pair.partition(":")
            return client, secret
        return form.get("client_id", ""), form.get("client_secret", "")

    async def token(request: web.Request) -> web.Response:
        form = dict(await request.post())
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if credentials(request, form) != (RC_CLIENT_ID, RC_SECRET):
            return web.json_response({"error": "invalid_client",
                                      "error_description": "Client authentication failed"},
                                     status=401)
        issued = uuid.uuid4().hex
        tokens.add(issued)
        return web.json_response({"access_token": issued, "token_type": "bearer",
                                  "expires_in": 3600})

    def refused(request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization", "").removeprefix("Bearer ") in tokens:
            return None
        return web.json_response({"error": {"code": "UNAUTHORIZED", "message": "Unauthorized",
                                            "details": {}}, "requestId": "req_x"}, status=401)

    async def whoami(request: web.Request) -> web.Response:
        if (answer := refused(request)) is not None:
            return answer
        return web.json_response({
            "apiClientId": "cli_1", "apiClientName": "Independent", "apiClientStatus": "ACTIVE",
            "capabilities": ["SMS"], "assignedNumbers": {"total": 1, "smsEnabledCount": 1,
                                                         "mmsEnabledCount": 0},
            "inboundWebhookConfigured": True, "deliveryWebhookConfigured": True})

    async def numbers(request: web.Request) -> web.Response:
        if (answer := refused(request)) is not None:
            return answer
        return web.json_response({"numbers": [{
            "numberId": "num_1", "e164": "+12025550100", "status": "ACTIVE",
            "campaignRegId": "C1", "smsEnabled": True, "mmsEnabled": False}]})

    async def post_events(message_id: str) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            for sequence, kind in enumerate(("message.queued", "message.sent",
                                             "message.delivery"), start=1):
                body = json.dumps({"type": kind, "sequence": sequence,
                                   "messageId": message_id, "status": kind[8:]}).encode()
                stamp = str(int(time.time()))
                digest = hmac.new(shape.webhook_secret.encode(), stamp.encode() + b"." + body,
                                  hashlib.sha256).hexdigest()
                await session.post(shape.webhook_url, data=body, headers={
                    "Content-Type": "application/json", "X-RedCloud-Timestamp": stamp,
                    "X-RedCloud-Signature": digest})

    async def send(request: web.Request) -> web.Response:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        message_id = "msg_" + uuid.uuid4().hex[:12]
        if shape.webhook_url:
            task = asyncio.ensure_future(post_events(message_id))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return web.json_response({"results": [{"to": body["to"][0], "messageId": message_id,
                                                "status": "QUEUED"}], "errors": []}, status=202)

    app = web.Application()
    app.router.add_post("/api/auth/token", token)
    app.router.add_get("/api/core/whoami", whoami)
    app.router.add_get("/api/core/numbers", numbers)
    app.router.add_post("/api/core/messages/send", send)
    return app


class ThreadedServer:
    """An aiohttp app on 127.0.0.1 in its own thread, for code that runs its own loop."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.url = ""
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the server did not start")

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._runner = web.AppRunner(self._app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            port = self._runner.addresses[0][1]
            self.url = f"http://127.0.0.1:{port}"

        self._loop.run_until_complete(start())
        ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def cleanup() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> ThreadedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""The simulated provider's outbound side: signed lifecycle webhooks with retries.

After an accepted send, each messageId gets ``message.queued`` (sequence 1),
``message.sent`` (2) and ``message.delivery`` (3) — or ``message.failed`` —
POSTed to the configured webhook URL, signed like Red Cloud signs them:
``X-RedCloud-Signature`` = lowercase hex HMAC-SHA256(secret, timestamp + "."
+ raw body). The signing is written here on purpose, independently of the
verifier in core, so a bug in one cannot hide a bug in the other.

A non-2xx answer or a connection error is retried after 1, 5, 15 and 60
minutes, scaled by ``config.retry_scale`` (default 1/60: seconds), and every
attempt is recorded with what the receiver answered.

This ClientSession is the simulated provider's own traffic: it only ever
posts to the webhook URL the user configured on the Sandbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from desktop.sandbox.state import SentMessage, WebhookDelivery, utc_now_iso

if TYPE_CHECKING:
    import aiohttp

    from desktop.sandbox.server import Sandbox

log = logging.getLogger(__name__)

RETRY_MINUTES: tuple[int, ...] = (1, 5, 15, 60)
TIMESTAMP_HEADER = "X-RedCloud-Timestamp"
SIGNATURE_HEADER = "X-RedCloud-Signature"
USER_AGENT = "RedCloud-Sandbox-Webhooks/1.0"
POST_TIMEOUT_SECONDS = 10.0
FAILED_ERROR_CODE = "UNDELIVERABLE"
"""The errorCode a ``message.failed`` event carries (the seed documents none)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 over ``timestamp + "." + body``, as the provider signs."""
    # imported here: hashing stays unloaded while the idle window's sandbox waits
    # for its first client (see desktop.sandbox.server; idle RSS)
    import hashlib
    import hmac

    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def lifecycle(message: SentMessage, shape: str = "nested") -> list[dict[str, Any]]:
    """The events one message produces, in sequence order.

    ``shape`` is where the message's fields sit: ``nested`` under ``data``, or
    ``flat`` beside ``type`` and ``sequence`` (the documentation names the
    fields, not their place, so the sandbox serves both).
    """
    import secrets  # see sign()

    final = ("message.delivery", "delivered")
    if message.outcome == "failed":
        final = ("message.failed", "failed")
    steps = [("message.queued", "queued"), ("message.sent", "sent"), final]
    events = []
    for sequence, (event_type, status) in enumerate(steps, start=1):
        data: dict[str, Any] = {
            "messageId": message.message_id,
            "to": message.to,
            "from": message.from_e164,
            "status": status,
            "externalReference": message.external_reference,
        }
        if status == "failed":
            data["errorCode"] = FAILED_ERROR_CODE
        event: dict[str, Any] = {
            "id": "evt_" + secrets.token_hex(12),
            "type": event_type,
            "sequence": sequence,
            "createdAt": utc_now_iso(),
        }
        if shape == "flat":
            event.update(data)
        else:
            event["data"] = data
        events.append(event)
    return events


def event_message_id(event: dict[str, Any]) -> str:
    """The message id of an event built by ``lifecycle``, whatever its shape."""
    data = event.get("data")
    return str(data["messageId"] if isinstance(data, dict) else event["messageId"])


class WebhookSender:
    """Delivers lifecycle events for one Sandbox; owns its session and tasks."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Open the session (aiohttp is imported here: the server loads it on first use)."""
        import aiohttp

        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT_SECONDS)
            self._session = aiohttp.ClientSession(timeout=timeout)

    async def close(self) -> None:
        """Cancel every pending delivery and retry, then close the session."""
        await self.cancel_pending()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def cancel_pending(self) -> None:
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def idle(self) -> None:
        """Return once no delivery or retry is pending (tests, the CLI)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def schedule(self, messages: list[SentMessage]) -> None:
        if self._session is None:
            return  # stopping or never started: nobody to deliver for
        for message in messages:
            self._spawn(self._deliver_lifecycle(message))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_lifecycle(self, message: SentMessage) -> None:
        for index, event in enumerate(lifecycle(message, self._sandbox.config.webhook_shape)):
            if index:
                await asyncio.sleep(self._sandbox.config.event_delay)
            body = json.dumps(event, separators=(",", ":")).encode("utf-8")
            if not await self._attempt(event, body, attempt=1):
                self._spawn(self._retry(event, body))

    async def _retry(self, event: dict[str, Any], body: bytes) -> None:
        for attempt, minutes in enumerate(RETRY_MINUTES, start=2):
            await asyncio.sleep(minutes * 60 * self._sandbox.config.retry_scale)
            if await self._attempt(event, body, attempt=attempt):
                return

    async def _attempt(self, event: dict[str, Any], body: bytes, *, attempt: int) -> bool:
        """POST once and record it; True when no further attempt should be made."""
        import aiohttp  # loaded already: start() opened the session with it

        config = self._sandbox.config
        url = config.webhook_url
        if url is None or self._session is None:
            return True  # the URL was removed meanwhile: the provider would stop too
        wrong = self._sandbox.faults.is_on("webhook_bad_signature")
        secret = config.webhook_secret + ("-not-the-configured-secret" if wrong else "")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        status: int | None = None
        error: str | None = None
        try:
            async with self._session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        done = status is not None and 200 <= status < 300
        next_retry = None
        if not done and attempt <= len(RETRY_MINUTES):
            next_retry = RETRY_MINUTES[attempt - 1] * 60 * config.retry_scale
        self._sandbox.state.add_delivery(
            WebhookDelivery(
                event_id=event["id"],
                event_type=event["type"],
                sequence=event["sequence"],
                message_id=event_message_id(event),
                url=url,
                attempt=attempt,
                at=utc_now_iso(),
                status=status,
                error=error,
                signed_correctly=not wrong,
                next_retry_in=next_retry,
            )
        )
        return done or next_retry is None

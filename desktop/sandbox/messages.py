"""``POST /api/core/messages/send``: the rules the seed's send symptoms come from.

Order of checks: Idempotency-Key (and replay or 409 for a known key), JSON
body shape, message type against text/media, the ``sendFrom`` number
(numberId not E.164, owned, ACTIVE, campaign-registered, enabled for the
type), then each recipient. Valid recipients are queued even when others
are not; those come back in ``errors[]``. Only accepted sends are
remembered under their key, so a corrected retry may reuse it.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from desktop.sandbox.account import inactive_client
from desktop.sandbox.auth import Caller, protected
from desktop.sandbox.context import sandbox_of
from desktop.sandbox.errors import core_error
from desktop.sandbox.faults import Faults
from desktop.sandbox.idempotency import fingerprint
from desktop.sandbox.numbers import NUMBERS, WORKING_NUMBER_ID, Number, find_number
from desktop.sandbox.state import SentMessage, utc_now_iso

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
MAX_RECIPIENTS = 1000
FAILING_SUFFIX = "0199"
"""Recipients ending in these digits get ``message.failed`` instead of a delivery."""
MESSAGE_TYPES = ("SMS", "MMS")

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ().-]{5,}")


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SendRequest:
    send_from: str
    to: tuple[object, ...]
    message_type: str
    text: str | None
    media: tuple[str, ...]
    external_reference: str | None


@protected(server_error_status=502)
async def send(request: web.Request, caller: Caller) -> web.Response:
    sandbox = sandbox_of(request)
    if sandbox.faults.is_on("inactive_client"):
        return inactive_client(request)
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip() or None
    if key is None and sandbox.faults.is_on("reject_missing_idempotency"):
        return _error(
            request,
            Problem(
                400,
                "Idempotency-Key header is required: send a unique key per business operation "
                "and reuse it when retrying.",
                {"header": IDEMPOTENCY_HEADER},
            ),
        )
    if key is not None and len(key) > MAX_KEY_LENGTH:
        return _error(
            request,
            Problem(
                400,
                f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters.",
                {"header": IDEMPOTENCY_HEADER},
            ),
        )
    raw = await request.read()
    digest = fingerprint(raw)
    if key is not None:
        stored = sandbox.idempotency.lookup(caller.client_id, key)
        if stored is not None and stored.fingerprint == digest:
            return web.Response(
                status=stored.status,
                body=stored.body,
                content_type="application/json",
                headers={REPLAYED_HEADER: "true"},
            )
        if stored is not None:
            return _error(
                request,
                Problem(
                    409,
                    "Idempotency-Key was already used with a different request body: "
                    "a new operation needs a new key.",
                    {"header": IDEMPOTENCY_HEADER},
                ),
            )

    parsed = parse_send(raw)
    if isinstance(parsed, Problem):
        return _error(request, parsed)
    number = check_sender(sandbox.faults, parsed)
    if isinstance(number, Problem):
        return _error(request, number)
    valid, errors = split_recipients(parsed.to)
    if not valid:
        return _error(
            request,
            Problem(
                400,
                "No valid recipient: to[] must hold E.164 numbers such as +12025550123.",
                {"field": "to", "errors": errors},
            ),
        )

    config = sandbox.config
    if sandbox.faults.is_on("webhook_never_sent"):
        webhooks = "suppressed"
    else:
        webhooks = "scheduled" if config.webhook_url else "not_configured"
    accepted_at = utc_now_iso()
    messages = [
        SentMessage(
            message_id="msg_" + secrets.token_hex(12),
            to=to,
            send_from=number.number_id,
            from_e164=number.e164,
            message_type=parsed.message_type,
            text=parsed.text,
            media=parsed.media,
            external_reference=parsed.external_reference,
            idempotency_key=key,
            accepted_at=accepted_at,
            outcome="failed" if to.endswith(FAILING_SUFFIX) else "delivered",
            webhooks=webhooks,
        )
        for to in valid
    ]
    for message in messages:
        sandbox.state.add_message(message)
    if webhooks == "scheduled":
        sandbox.webhooks.schedule(messages)
    body = json.dumps(
        {
            "results": [
                {"to": m.to, "messageId": m.message_id, "status": "QUEUED"} for m in messages
            ],
            "errors": errors,
        }
    ).encode("utf-8")
    if key is not None:
        sandbox.idempotency.remember(caller.client_id, key, digest, 202, body)
    return web.Response(status=202, body=body, content_type="application/json")


def parse_send(raw: bytes) -> SendRequest | Problem:
    """The send body's shape and its type rules (SMS: text, no media; MMS: media)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return Problem(400, "The request body must be JSON.")
    if not isinstance(body, dict):
        return Problem(400, "The request body must be a JSON object.")
    message_type = body.get("messageType")
    if message_type not in MESSAGE_TYPES:
        return _field_problem("messageType", "messageType must be SMS or MMS.", message_type)
    send_from = body.get("sendFrom")
    if not isinstance(send_from, str) or not send_from:
        return _field_problem(
            "sendFrom",
            "sendFrom is required: the numberId of one of your numbers (GET /api/core/numbers).",
            send_from,
        )
    to = body.get("to")
    if not isinstance(to, list) or not to:
        return _field_problem("to", "to must be a non-empty array of E.164 numbers.", to)
    if len(to) > MAX_RECIPIENTS:
        return _field_problem("to", f"to holds at most {MAX_RECIPIENTS} recipients.", len(to))
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        return _field_problem("text", "text must be a string.", text)
    media = body.get("media")
    if media is None:
        media = []
    if not isinstance(media, list) or not all(_is_http_url(m) for m in media):
        return _field_problem("media", "media must be an array of http(s) URLs.", media)
    if message_type == "SMS" and media:
        return _field_problem("media", "An SMS cannot carry media: use messageType MMS.", media)
    if message_type == "SMS" and not text:
        return _field_problem("text", "An SMS needs text.", text)
    if message_type == "MMS" and not media:
        return _field_problem("media", "An MMS needs at least one media URL.", media)
    reference = body.get("externalReference")
    if reference is not None and not isinstance(reference, str):
        return _field_problem("externalReference", "externalReference must be a string.", reference)
    return SendRequest(send_from, tuple(to), message_type, text, tuple(media), reference)


def check_sender(faults: Faults, request: SendRequest) -> Number | Problem:
    """The owned number ``sendFrom`` names, if it may send this message type."""
    value = request.send_from
    if _PHONE_LIKE.fullmatch(value):
        details: dict[str, Any] = {"field": "sendFrom", "value": value}
        match = next((n for n in NUMBERS if n.e164 == value), None)
        if match is not None:
            details["numberId"] = match.number_id
        return Problem(
            400,
            "sendFrom takes a numberId from GET /api/core/numbers, not a phone number.",
            details,
        )
    number = find_number(faults, value)
    if number is None or (value == WORKING_NUMBER_ID and faults.is_on("number_not_owned")):
        return Problem(
            403,
            "sendFrom is not a number owned by this API client.",
            {"field": "sendFrom", "value": value},
        )
    base = {"field": "sendFrom", "numberId": number.number_id}
    if number.status != "ACTIVE":
        return Problem(
            400,
            f"sendFrom number is not ACTIVE (status {number.status}).",
            {**base, "status": number.status},
        )
    if not number.campaign_reg_id:
        return Problem(400, "sendFrom must have campaignRegId configured.", base)
    enabled = number.sms_enabled if request.message_type == "SMS" else number.mms_enabled
    if not enabled:
        flag = "smsEnabled" if request.message_type == "SMS" else "mmsEnabled"
        return Problem(
            400,
            f"sendFrom number is not enabled for {request.message_type} ({flag} is false).",
            {**base, flag: False},
        )
    return number


def split_recipients(to: tuple[object, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    """Valid E.164 recipients, and an error entry for each of the others."""
    valid: list[str] = []
    errors: list[dict[str, Any]] = []
    for value in to:
        reason = _recipient_problem(value)
        if reason is None:
            valid.append(str(value))
        else:
            errors.append({"to": value, "code": "INVALID_RECIPIENT", "message": reason})
    return valid, errors


def _recipient_problem(value: object) -> str | None:
    import phonenumbers  # ~10 MB: loaded by the first send, not with the sandbox

    if not isinstance(value, str):
        return "A recipient must be a string in E.164 format."
    if not _E164.fullmatch(value):
        return "Not in E.164 format: + then country code and number, digits only."
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return "Not a valid phone number."
    if not phonenumbers.is_valid_number(number):
        return "Not a valid phone number for its country code."
    return None


def _is_http_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) > 8


def _field_problem(name: str, message: str, value: object) -> Problem:
    return Problem(400, message, {"field": name, "value": value})


def _error(request: web.Request, problem: Problem) -> web.Response:
    return core_error(request, problem.status, problem.message, problem.details)

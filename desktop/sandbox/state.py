"""What the Sandbox has seen: accepted messages and every webhook delivery attempt.

The UI shows these beside the user's own Exchanges ("the provider got 401
from your handler"), so each record says plainly what happened. Both lists
are bounded: a Sandbox left running all day must not grow without limit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop.core.observable import Event


def utc_now_iso() -> str:
    """ISO-8601 UTC with milliseconds and a ``Z``, the shape webhooks carry."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One recipient of one accepted send: what a ``messageId`` stands for."""

    message_id: str
    to: str
    send_from: str
    """The numberId the request named."""
    from_e164: str
    message_type: str
    text: str | None
    media: tuple[str, ...]
    external_reference: str | None
    idempotency_key: str | None
    accepted_at: str
    outcome: str
    """How the lifecycle ends: ``delivered`` or ``failed``."""
    webhooks: str
    """``scheduled``, ``suppressed`` (the webhook_never_sent fault) or ``not_configured``."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "to": self.to,
            "sendFrom": self.send_from,
            "from": self.from_e164,
            "messageType": self.message_type,
            "text": self.text,
            "media": list(self.media),
            "externalReference": self.external_reference,
            "idempotencyKey": self.idempotency_key,
            "acceptedAt": self.accepted_at,
            "outcome": self.outcome,
            "webhooks": self.webhooks,
        }


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One attempt to POST one lifecycle event to the configured webhook URL."""

    event_id: str
    event_type: str
    sequence: int
    message_id: str
    url: str
    attempt: int
    """1 for the first try, 2 for the first retry, ..."""
    at: str
    status: int | None
    """The HTTP status the receiver answered, or None when no response came."""
    error: str | None
    """Why no response came (connection refused, timeout...), or None."""
    signed_correctly: bool
    """False while the webhook_bad_signature fault is on."""
    next_retry_in: float | None
    """Seconds until the next attempt; None once delivered or given up."""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_dict(self) -> dict[str, Any]:
        return {
            "eventId": self.event_id,
            "type": self.event_type,
            "sequence": self.sequence,
            "messageId": self.message_id,
            "url": self.url,
            "attempt": self.attempt,
            "at": self.at,
            "status": self.status,
            "error": self.error,
            "delivered": self.delivered,
            "signedCorrectly": self.signed_correctly,
            "nextRetryIn": self.next_retry_in,
        }


class SandboxState:
    """Bounded logs of messages and deliveries; ``recorded`` fires for each new one."""

    def __init__(self, max_messages: int = 1000, max_deliveries: int = 5000) -> None:
        self.messages: deque[SentMessage] = deque(maxlen=max_messages)
        self.deliveries: deque[WebhookDelivery] = deque(maxlen=max_deliveries)
        self.recorded: Event[SentMessage | WebhookDelivery] = Event()

    def add_message(self, message: SentMessage) -> None:
        self.messages.append(message)
        self.recorded.emit(message)

    def add_delivery(self, delivery: WebhookDelivery) -> None:
        self.deliveries.append(delivery)
        self.recorded.emit(delivery)

    def message(self, message_id: str) -> SentMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def deliveries_for(self, message_id: str) -> list[WebhookDelivery]:
        return [d for d in self.deliveries if d.message_id == message_id]

    def clear(self) -> None:
        self.messages.clear()
        self.deliveries.clear()

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": [m.as_dict() for m in self.messages],
            "webhookDeliveries": [d.as_dict() for d in self.deliveries],
        }

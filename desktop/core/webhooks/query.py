"""Which events a view shows: a filter by type, message id, signature verdict and free text.

The Webhooks page narrows a live list while events keep arriving, so the
rule is a predicate over one event (``EventQuery.matches``) rather than a
search over the store: a view applies it to each new row as it comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop.core.webhooks.events import WebhookEvent

TEXT_LIMIT = 64 * 1024
"""Body bytes free text searches: enough for any real event, cheap on a 1 MiB one."""


class Verdict(StrEnum):
    ANY = "any"
    VERIFIED = "verified"
    FAILED = "failed"
    UNCHECKED = "unchecked"
    """No scheme configured, or a body refused as too large: nothing was checked."""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Every given criterion must hold; the empty query keeps every event."""

    event_type: str | None = None
    """Exact event type, e.g. ``message.delivery``."""
    message_id: str = ""
    """Part of the message id, any case (people paste a fragment of one)."""
    verdict: Verdict = Verdict.ANY
    text: str = ""
    """Words that must each appear somewhere: path, fields, headers, verdict, body."""

    def __post_init__(self) -> None:
        # Accept the plain string too ("failed"), as a settings file or a Qt combo gives it.
        object.__setattr__(self, "verdict", Verdict(self.verdict))

    @property
    def empty(self) -> bool:
        return (self.event_type is None and not self.message_id.strip()
                and self.verdict is Verdict.ANY and not self.text.strip())

    def matches(self, event: WebhookEvent) -> bool:
        if self.event_type is not None and event.event_type != self.event_type:
            return False
        wanted_id = self.message_id.strip().lower()
        if wanted_id and wanted_id not in (event.message_id or "").lower():
            return False
        if not _verdict_matches(self.verdict, event.verified):
            return False
        words = self.text.lower().split()
        if words:
            haystack = _haystack(event)
            return all(word in haystack for word in words)
        return True


def _verdict_matches(verdict: Verdict, verified: bool | None) -> bool:
    if verdict is Verdict.VERIFIED:
        return verified is True
    if verdict is Verdict.FAILED:
        return verified is False
    if verdict is Verdict.UNCHECKED:
        return verified is None
    return True


def _haystack(event: WebhookEvent) -> str:
    parts = [event.method, event.target, event.event_type or "", event.message_id or "",
             event.external_reference or "", event.event_id or "", event.source,
             str(event.status), event.text(TEXT_LIMIT)]
    if event.verification is not None:
        parts += [event.verification.reason.value, event.verification.message]
    parts += [f"{name}: {value}" for name, value in event.headers]
    return "\n".join(parts).lower()

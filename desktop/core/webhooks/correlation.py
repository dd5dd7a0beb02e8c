"""Correlation: the webhook story of one message, and waiting for its next chapter.

A send answered 202 only means "queued"; whether the message went out is
told later, by lifecycle events ordered by a ``sequence`` field. Events
can arrive late, twice or out of order, so a ``Lifecycle`` orders them
by sequence and says plainly what is odd. ``Correlator.wait_for`` is
what the checklist's webhook step awaits; when nothing suitable comes it
explains what did arrive, because "timed out" alone sends people to
debug the wrong thing.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.locate import find_value
from desktop.core.webhooks.store import WebhookStore


@dataclass(frozen=True, slots=True)
class LifecycleRules:
    """Which event types make up a message's lifecycle (Red Cloud's by default)."""

    order: tuple[str, ...] = ("message.queued", "message.sent", "message.delivery",
                              "message.failed")
    terminal: tuple[str, ...] = ("message.delivery", "message.failed")
    failure: tuple[str, ...] = ("message.failed",)

    @classmethod
    def from_scheme(cls, scheme: Any) -> LifecycleRules:
        """From a provider's ``WebhookScheme``; its empty tuples fall back to the defaults."""
        defaults = cls()
        return cls(
            order=tuple(getattr(scheme, "lifecycle", ())) or defaults.order,
            terminal=tuple(getattr(scheme, "terminal", ())) or defaults.terminal,
            failure=tuple(getattr(scheme, "failure", ())) or defaults.failure,
        )


def _by_sequence(event: WebhookEvent) -> tuple[bool, int, float]:
    # Events without a sequence go last, in arrival order.
    seq = event.sequence
    return (seq is None, seq if seq is not None else 0, event.received_at)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Every event about one message id, in sequence order, with what looks wrong."""

    message_id: str
    events: tuple[WebhookEvent, ...]
    """Ordered by sequence (events without one last), then arrival."""
    arrival: tuple[WebhookEvent, ...]
    """The same events in the order they arrived."""
    rules: LifecycleRules = LifecycleRules()

    @classmethod
    def of(cls, message_id: str, events: Iterable[WebhookEvent],
           rules: LifecycleRules | None = None) -> Lifecycle:
        arrival = tuple(sorted(events, key=lambda e: e.received_at))
        return cls(message_id, tuple(sorted(arrival, key=_by_sequence)), arrival,
                   rules or LifecycleRules())

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(e.event_type or "?" for e in self.events)

    @property
    def latest(self) -> WebhookEvent | None:
        """The lifecycle event furthest along (by sequence), or None."""
        steps = [e for e in self.events if e.event_type in self.rules.order]
        return steps[-1] if steps else None

    @property
    def state(self) -> str | None:
        """``queued``, ``sent``, ``delivery`` or ``failed`` (the latest type's last word)."""
        latest = self.latest
        return latest.event_type.rsplit(".", 1)[-1] if latest and latest.event_type else None

    @property
    def terminal(self) -> WebhookEvent | None:
        return next((e for e in self.events if e.event_type in self.rules.terminal), None)

    @property
    def failed(self) -> bool:
        return any(e.event_type in self.rules.failure for e in self.events)

    @property
    def missing_terminal(self) -> bool:
        return self.terminal is None

    @property
    def out_of_order(self) -> bool:
        """True when events arrived in a different order than their sequence numbers."""
        seqs = [e.sequence for e in self.arrival if e.sequence is not None]
        return any(a > b for a, b in itertools.pairwise(seqs))

    @property
    def duplicates(self) -> tuple[WebhookEvent, ...]:
        """Later arrivals repeating an earlier event's id or sequence number."""
        seen_ids: set[str] = set()
        seen_seqs: set[int] = set()
        repeated: list[WebhookEvent] = []
        for event in self.arrival:
            again = (event.event_id is not None and event.event_id in seen_ids) or (
                event.sequence is not None and event.sequence in seen_seqs)
            if again:
                repeated.append(event)
            if event.event_id is not None:
                seen_ids.add(event.event_id)
            if event.sequence is not None:
                seen_seqs.add(event.sequence)
        return tuple(repeated)

    @property
    def duplicate(self) -> bool:
        return bool(self.duplicates)

    @property
    def gaps(self) -> tuple[int, ...]:
        """Sequence numbers missing between the lowest and highest received."""
        seqs = {e.sequence for e in self.events if e.sequence is not None}
        if not seqs:
            return ()
        return tuple(n for n in range(min(seqs), max(seqs) + 1) if n not in seqs)

    @property
    def unverified(self) -> tuple[WebhookEvent, ...]:
        """Events whose signature check failed."""
        return tuple(e for e in self.events if e.verified is False)


class WaitOutcome(StrEnum):
    MATCHED = "matched"
    NOTHING = "nothing"
    """No event at all arrived while waiting."""
    OTHER_MESSAGES = "other_messages"
    """Events arrived, none about this message id."""
    UNVERIFIED = "unverified"
    """Events of the wanted type arrived, but none passed the signature check."""
    OTHER_TYPES = "other_types"
    """Events about this message arrived, none of the wanted types."""


@dataclass(frozen=True, slots=True)
class WaitResult:
    outcome: WaitOutcome
    message: str
    event: WebhookEvent | None = None
    """The matching event (verified, or not checked because no scheme is set)."""
    related: tuple[WebhookEvent, ...] = ()
    """Every event about the message id, in arrival order."""
    arrived: int = 0
    """Events of any kind that arrived while waiting."""
    failed: bool = False
    """The matching event reports the message as failed (a lifecycle failure type)."""
    found_at: tuple[str, ...] = ()
    """Payload paths outside the provider file's that held the message id."""

    @property
    def ok(self) -> bool:
        return self.outcome is WaitOutcome.MATCHED

    # The checklist engine's ``WebhookWaiter`` protocol reads these three, so a
    # ``Correlator`` can be handed to it as is; the codes are the ones the
    # provider catalogs match on.
    @property
    def code(self) -> str:
        if self.outcome is WaitOutcome.MATCHED:
            return "webhook_failed_event" if self.failed else "ok"
        return _CODES[self.outcome]

    @property
    def summary(self) -> str:
        return self.message

    @property
    def details(self) -> tuple[str, ...]:
        """One line per event about the message: type, sequence, signature verdict."""
        return tuple(_describe(e) for e in self.related)


_CODES = {
    WaitOutcome.NOTHING: "webhook_timeout",
    WaitOutcome.UNVERIFIED: "webhook_signature_invalid",
    WaitOutcome.OTHER_TYPES: "webhook_wrong_type",
    WaitOutcome.OTHER_MESSAGES: "webhook_wrong_type",
}


def _describe(event: WebhookEvent) -> str:
    seq = f" seq {event.sequence}" if event.sequence is not None else ""
    if event.verification is None:
        check = "signature not checked"
    elif event.verification.ok:
        check = "signature ok"
    else:
        check = f"signature failed ({event.verification.reason.value})"
    return f"{event.event_type or 'untyped event'}{seq}: {check}"


TERMINAL_GRACE = 3.0
"""Seconds to keep waiting once a terminal event about the message failed its signature:
a provider sends nothing after the terminal event, so the full timeout would only delay
the verdict."""


class _Relevance:
    """Which events are about one message id, and where each one carries it.

    An event is about the message when a provider-file path read the id from it,
    or failing that, when the id appears anywhere in its payload (or raw body):
    the documentation names the field, not always its place.
    """

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self.places: dict[str, str | None] = {}
        """Receipt id → where the id was found (None: not about this message)."""

    def place(self, event: WebhookEvent) -> str | None:
        if event.id not in self.places:
            if event.message_id == self.message_id:
                place = event.message_id_field or "message id field"
            elif event.message_id is not None and event.message_id_field is not None:
                place = None  # a provider path found another message's id: not ours
            else:
                place = find_value(event.payload, self.message_id, event.body)
            self.places[event.id] = place
        return self.places[event.id]

    def about(self, event: WebhookEvent) -> bool:
        return self.place(event) is not None

    def unexpected_places(self, events: Iterable[WebhookEvent]) -> list[str]:
        """Places outside the provider file's paths (found by searching the payload)."""
        return list(dict.fromkeys(
            place for e in events
            if (place := self.place(e)) is not None and e.message_id != self.message_id))


class Correlator:
    """Groups a store's events by message id and by external reference."""

    def __init__(self, store: WebhookStore, rules: LifecycleRules | None = None, *,
                 terminal_grace: float = TERMINAL_GRACE) -> None:
        self.store = store
        self.rules = rules or LifecycleRules()
        self.terminal_grace = terminal_grace

    def lifecycle(self, message_id: str) -> Lifecycle:
        return Lifecycle.of(message_id, self.store.by_message_id(message_id), self.rules)

    def lifecycles(self) -> list[Lifecycle]:
        """One lifecycle per message id in memory, in order of first arrival."""
        groups: dict[str, list[WebhookEvent]] = {}
        for event in self.store.events:
            if event.message_id is not None:
                groups.setdefault(event.message_id, []).append(event)
        return [Lifecycle.of(mid, events, self.rules) for mid, events in groups.items()]

    def by_external_reference(self, reference: str) -> list[Lifecycle]:
        """The lifecycles of every message sent under ``reference`` (one per recipient)."""
        ids = dict.fromkeys(e.message_id for e in self.store.by_external_reference(reference)
                            if e.message_id is not None)
        return [self.lifecycle(mid) for mid in ids]

    async def wait_for(
        self,
        message_id: str,
        types: Sequence[str] = (),
        timeout: float = 30.0,  # noqa: ASYNC109 (on timeout the result explains what came)
    ) -> WaitResult:
        """The first verified event about ``message_id`` of one of ``types`` (any type if empty).

        Events already in the store count (a webhook can beat the send's answer).
        On timeout the result says what did arrive instead. Once a terminal event
        about the message has arrived and failed its signature check, the wait
        ends ``terminal_grace`` seconds later. The result also speaks the checklist
        engine's ``WebhookWaiter`` protocol (``code``, ``summary``, ``details``).
        """
        wanted = tuple(types)
        relevance = _Relevance(message_id)
        loop = asyncio.get_running_loop()
        found: asyncio.Future[WebhookEvent] = loop.create_future()
        give_up: asyncio.Future[WebhookEvent] = loop.create_future()
        arrived: list[WebhookEvent] = []
        grace: list[asyncio.TimerHandle] = []

        def accepts(event: WebhookEvent) -> bool:
            return ((not wanted or event.event_type in wanted)
                    and event.verified is not False and relevance.about(event))

        def bad_terminal(event: WebhookEvent) -> bool:
            return (event.verified is False and event.event_type in self.rules.terminal
                    and relevance.about(event))

        def start_grace(event: WebhookEvent) -> None:
            if not grace and not give_up.done():
                grace.append(loop.call_later(
                    self.terminal_grace,
                    lambda: give_up.done() or give_up.set_result(event)))

        def on_added(event: WebhookEvent) -> None:
            arrived.append(event)
            if found.done():
                return
            if accepts(event):
                found.set_result(event)
            elif bad_terminal(event):
                start_grace(event)

        disconnect = self.store.added.connect(on_added)
        terminal: WebhookEvent | None = None
        try:
            earlier = self.store.events
            match = next((e for e in earlier if accepts(e)), None)
            if match is None:
                first_bad = next((e for e in earlier if bad_terminal(e)), None)
                if first_bad is not None:
                    start_grace(first_bad)
                done, _ = await asyncio.wait({found, give_up}, timeout=timeout,
                                             return_when=asyncio.FIRST_COMPLETED)
                if found in done:
                    match = found.result()
                elif give_up in done:
                    terminal = give_up.result()
        finally:
            disconnect()
            for handle in grace:
                handle.cancel()
            for future in (found, give_up):
                if not future.done():
                    future.cancel()
        related = tuple(e for e in [*earlier, *arrived] if relevance.about(e))
        elsewhere = relevance.unexpected_places(related)
        if match is not None:
            failed = match.event_type in self.rules.failure
            what = f"{match.event_type or 'An event'} arrived for {message_id}"
            if failed:
                what += ": the provider reports the message as failed"
            what += "."
            if elsewhere:
                what += (f" The message id was read from {', '.join(elsewhere)}, not from the "
                         "provider file's message_id paths; add that path to them.")
            return WaitResult(WaitOutcome.MATCHED, what, match, related, len(arrived), failed,
                              found_at=tuple(elsewhere))
        return _explain(message_id, wanted, timeout, related, arrived, relevance,
                        terminal=terminal, grace=self.terminal_grace)


def _explain(
    message_id: str,
    wanted: tuple[str, ...],
    timeout: float,
    related: tuple[WebhookEvent, ...],
    arrived: list[WebhookEvent],
    relevance: _Relevance,
    *,
    terminal: WebhookEvent | None = None,
    grace: float = TERMINAL_GRACE,
) -> WaitResult:
    what = " or ".join(wanted) if wanted else "any event"
    waited = f"after {timeout:g} s"
    elsewhere = tuple(relevance.unexpected_places(related))
    of_type = [e for e in related if not wanted or e.event_type in wanted]
    unverified = [e for e in related if e.verified is False]
    # Events about the message that only failed their signature are a signature
    # problem, whatever their type: the type cannot be trusted from an unverified body.
    if (of_type and all(e.verified is False for e in of_type)) or (
            related and len(unverified) == len(related)):
        shown = of_type or unverified
        reasons = sorted({e.verification.reason.value for e in shown if e.verification})
        kinds = ", ".join(dict.fromkeys(e.event_type or "untyped" for e in shown))
        message = (f"{len(shown)} event(s) for {message_id} arrived ({kinds}) but failed the "
                   f"signature check ({', '.join(reasons) or 'no valid signature'}): fix "
                   "verification (secret, raw body, signed string) before suspecting "
                   "delivery.")
        if terminal is not None:
            message += (f" Stopped waiting {grace:g} s after the terminal event "
                        f"{terminal.event_type} arrived with a bad signature: the provider "
                        "sends nothing after it.")
        return WaitResult(WaitOutcome.UNVERIFIED, message, None, related, len(arrived),
                          found_at=elsewhere)
    if related:
        seen = ", ".join(dict.fromkeys(e.event_type or "untyped" for e in related))
        return WaitResult(
            WaitOutcome.OTHER_TYPES,
            f"No {what} for {message_id} {waited}; it did receive: {seen}. The message may "
            "still be on its way, or the provider reports it later.",
            None, related, len(arrived), found_at=elsewhere,
        )
    if arrived:
        ids = ", ".join(dict.fromkeys(e.message_id or "none readable" for e in arrived[:5]))
        return WaitResult(
            WaitOutcome.OTHER_MESSAGES,
            f"{len(arrived)} event(s) arrived {waited}, none mentions {message_id} anywhere in "
            f"its payload (message ids read: {ids}). They belong to other messages, or to "
            "another client or environment.",
            None, related, len(arrived),
        )
    return WaitResult(
        WaitOutcome.NOTHING,
        f"No webhook arrived {waited}. Check that the provider's webhook URL points at this "
        "receiver (through a tunnel if the provider is not on this computer), that it is "
        "reachable, and that webhooks are enabled for this client or number.",
        None, related, 0,
    )

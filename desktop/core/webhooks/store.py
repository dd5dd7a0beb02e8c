"""The webhook store: recent events in memory, all of them in the journal.

Views list and filter the recent events and subscribe to ``added``. Memory
stays bounded under a flood: the store keeps only the newest ``capacity``
events, and only up to ``memory_budget`` bytes of their bodies. Unverified
events (a failed signature, a refusal) have their own, smaller room
(``unverified_capacity``, ``unverified_memory_budget``), so a flood of
unsigned or forged posts pushes out only its own kind, never a verified
event. Every event is journalled, so the ones that fall off are still on
disk (``history()``).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterator

from desktop.core.observable import Event
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.record import is_unverified

DEFAULT_CAPACITY = 2000
DEFAULT_UNVERIFIED_CAPACITY = 200
DEFAULT_MEMORY_BUDGET = 64 * 1024 * 1024
DEFAULT_UNVERIFIED_MEMORY_BUDGET = 8 * 1024 * 1024
_OVERHEAD = 1024
"""What an event costs in memory beside its body (headers, fields, the object)."""


class _Room:
    """The newest events of one kind, within a count and a byte budget."""

    def __init__(self, capacity: int, budget: int) -> None:
        self.capacity, self.budget = capacity, budget
        self.items: deque[tuple[int, WebhookEvent]] = deque()
        self.bytes = 0

    def add(self, number: int, event: WebhookEvent) -> list[WebhookEvent]:
        """Keep ``event``; the older ones it pushed out."""
        self.items.append((number, event))
        self.bytes += len(event.body) + _OVERHEAD
        gone: list[WebhookEvent] = []
        while len(self.items) > self.capacity or \
                (self.bytes > self.budget and len(self.items) > 1):
            _, old = self.items.popleft()
            self.bytes -= len(old.body) + _OVERHEAD
            gone.append(old)
        return gone

    def clear(self) -> None:
        self.items.clear()
        self.bytes = 0


class WebhookStore:
    """Bounded in-memory list of recent webhook events, backed by the journal."""

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        journal: Journal | None = None,
        *,
        unverified_capacity: int = DEFAULT_UNVERIFIED_CAPACITY,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        unverified_memory_budget: int = DEFAULT_UNVERIFIED_MEMORY_BUDGET,
    ) -> None:
        if capacity < 1 or unverified_capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.journal = journal if journal is not None else Journal()
        self.added: Event[WebhookEvent] = Event()
        self.evicted: Event[WebhookEvent] = Event()
        """An event left memory (it stays in the journal): a view that keeps its own rows
        drops it too, so a flood cannot hold more in the window than the store holds."""
        self.cleared: Event[None] = Event()
        self.count_total = 0
        """Events added since the store was created, including those no longer in memory."""
        self._verified = _Room(capacity, memory_budget)
        self._unverified = _Room(min(unverified_capacity, capacity), unverified_memory_budget)

    def add(self, event: WebhookEvent) -> None:
        """Keep ``event``: journal it (without waiting for the disk), remember it, tell the
        views."""
        self.journal.append(event)
        self.remember(event)

    async def keep(self, event: WebhookEvent) -> None:
        """Journal ``event`` durably (on disk when this returns), then remember it and tell
        the views. Raises ``OSError`` when it could not be written; then it is not kept."""
        await self.journal.commit(event)
        self.remember(event)

    def remember(self, event: WebhookEvent) -> None:
        """Keep ``event`` in memory and tell the views, without journalling it."""
        room = self._unverified if is_unverified(event) else self._verified
        gone = room.add(self.count_total, event)
        self.count_total += 1
        self.added.emit(event)
        for old in gone:
            self.evicted.emit(old)

    @property
    def events(self) -> list[WebhookEvent]:
        """The events in memory, oldest first."""
        return list(self._iter())

    def _iter(self) -> Iterator[WebhookEvent]:
        """Both kinds in order of arrival (a merge only when both are present)."""
        if not self._unverified.items:
            return (event for _, event in self._verified.items)
        if not self._verified.items:
            return (event for _, event in self._unverified.items)
        merged = heapq.merge(self._verified.items, self._unverified.items,
                             key=lambda item: item[0])
        return (event for _, event in merged)

    @property
    def spilled(self) -> int:
        """How many events are only in the journal now."""
        return self.count_total - len(self)

    def __len__(self) -> int:
        return len(self._verified.items) + len(self._unverified.items)

    def __iter__(self) -> Iterator[WebhookEvent]:
        return iter(self.events)

    def filter(
        self,
        *,
        event_type: str | None = None,
        message_id: str | None = None,
        external_reference: str | None = None,
        verified: bool | None = None,
        since: float | None = None,
        where: Callable[[WebhookEvent], bool] | None = None,
    ) -> list[WebhookEvent]:
        """Events in memory matching every given criterion, oldest first.

        ``verified=True`` keeps events whose signature checked out, ``False``
        those that failed a check (events with no check match neither).
        """
        def keep(event: WebhookEvent) -> bool:
            return (
                (event_type is None or event.event_type == event_type)
                and (message_id is None or event.message_id == message_id)
                and (external_reference is None
                     or event.external_reference == external_reference)
                and (verified is None or event.verified is verified)
                and (since is None or event.received_at >= since)
                and (where is None or where(event))
            )
        return [event for event in self._iter() if keep(event)]

    def by_message_id(self, message_id: str) -> list[WebhookEvent]:
        return self.filter(message_id=message_id)

    def by_external_reference(self, reference: str) -> list[WebhookEvent]:
        return self.filter(external_reference=reference)

    def get(self, receipt_id: str) -> WebhookEvent | None:
        return next((e for _, e in (*self._verified.items, *self._unverified.items)
                     if e.id == receipt_id), None)

    def history(self) -> Iterator[WebhookEvent]:
        """Every journalled event, oldest first, including earlier sessions'."""
        return self.journal.events()

    def clear(self) -> None:
        """Forget the events in memory (the journal keeps them)."""
        self._verified.clear()
        self._unverified.clear()
        self.cleared.emit(None)

    def flush(self) -> None:
        self.journal.flush()

    def close(self) -> None:
        self.journal.close()

"""The webhook store: recent events in memory, all of them in the journal.

Views list and filter the recent events and subscribe to ``added``; the
memory they use stays bounded under a flood because the list keeps only
the newest ``capacity`` events. Every event is journalled on arrival, so
the ones that fall off the list are still on disk (``history()``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from desktop.core.observable import Event
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.journal import Journal

DEFAULT_CAPACITY = 2000


class WebhookStore:
    """Bounded in-memory list of recent webhook events, backed by the journal."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, journal: Journal | None = None) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.journal = journal if journal is not None else Journal()
        self.added: Event[WebhookEvent] = Event()
        self.cleared: Event[None] = Event()
        self.count_total = 0
        """Events added since the store was created, including those no longer in memory."""
        self._events: deque[WebhookEvent] = deque(maxlen=capacity)

    def add(self, event: WebhookEvent) -> None:
        """Keep ``event``: journal it, remember it, then tell the views."""
        self.journal.append(event)
        self._events.append(event)
        self.count_total += 1
        self.added.emit(event)

    @property
    def events(self) -> list[WebhookEvent]:
        """The events in memory, oldest first."""
        return list(self._events)

    @property
    def spilled(self) -> int:
        """How many events are only in the journal now."""
        return self.count_total - len(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[WebhookEvent]:
        return iter(list(self._events))

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
        return [event for event in self._events if keep(event)]

    def by_message_id(self, message_id: str) -> list[WebhookEvent]:
        return self.filter(message_id=message_id)

    def by_external_reference(self, reference: str) -> list[WebhookEvent]:
        return self.filter(external_reference=reference)

    def get(self, receipt_id: str) -> WebhookEvent | None:
        return next((e for e in self._events if e.id == receipt_id), None)

    def history(self) -> Iterator[WebhookEvent]:
        """Every journalled event, oldest first, including earlier sessions'."""
        return self.journal.events()

    def clear(self) -> None:
        """Forget the events in memory (the journal keeps them)."""
        self._events.clear()
        self.cleared.emit(None)

    def flush(self) -> None:
        self.journal.flush()

    def close(self) -> None:
        self.journal.close()

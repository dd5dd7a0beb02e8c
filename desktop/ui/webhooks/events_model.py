"""The live event list: a table model over a profile's WebhookStore, and its filter.

The receiver announces events one callback at a time, thousands a second
in a flood. The model only queues them there and inserts the queue in one
batch on a zero-timer, so a burst costs one view update, not one per event.
It keeps at most as many rows as the store keeps in memory (the rest are in
the journal), and trims its queue the same way, so its memory is bounded
even while the window is too busy to flush.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from shiboken6 import isValid

from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.query import EventQuery
from desktop.core.webhooks.store import DEFAULT_CAPACITY, WebhookStore
from desktop.ui.composer.units import human_size
from desktop.ui.models.table import ColumnsModel
from desktop.ui.theme import qcolor

COLUMNS = ("Time", "Path", "Type", "Message id", "Seq", "Verified", "Size")
TIME, PATH, TYPE, MESSAGE, SEQ, VERIFIED, SIZE = range(len(COLUMNS))
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_TYPES = 64
"""Event types offered in the filter; a sender inventing new ones must not grow it forever."""
VERDICT_ROLES = {True: "ok", False: "fail", None: "muted"}
Index = QModelIndex | QPersistentModelIndex


def verdict_glyph(event: WebhookEvent) -> str:
    return {True: "✓", False: "✗", None: "–"}[event.verified]


def clock(at: float) -> str:
    """``14:03:05.123``, local time."""
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at * 1000) % 1000:03d}"


class EventsModel(ColumnsModel):
    columns = COLUMNS

    flushed = Signal(int)
    """How many events the last batch added."""
    types_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.events: list[WebhookEvent] = []
        self.types: list[str] = []
        self.batches = 0
        """Batches inserted so far: a flood of N events takes far fewer than N."""
        self.capacity = DEFAULT_CAPACITY
        self.store: WebhookStore | None = None
        self._pending: list[WebhookEvent] = []
        self._unsubscribe: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)

    # -- following a store ------------------------------------------------------------------

    def set_store(self, store: WebhookStore | None) -> None:
        if store is self.store:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.store = store
        self._pending = []
        self.capacity = store.capacity if store is not None else DEFAULT_CAPACITY
        self._reset(store.events if store is not None else [])
        if store is not None:
            self._unsubscribe = [store.added.connect(self._added),
                                 store.cleared.connect(lambda _none: self._cleared())]

    def _added(self, event: WebhookEvent) -> None:
        if not isValid(self):  # the store outlived the window
            return
        self._pending.append(event)
        if len(self._pending) > 2 * self.capacity:
            del self._pending[:-self.capacity]
        if not self._timer.isActive():
            self._timer.start()

    def _cleared(self) -> None:
        self._pending = []
        self._reset([])

    def _reset(self, events: list[WebhookEvent]) -> None:
        self.beginResetModel()
        self.events = list(events[-self.capacity:])
        self.endResetModel()
        self.types = []
        self._note_types(self.events)

    def flush(self) -> None:
        """Insert the queued events now (the zero-timer calls this once per burst)."""
        self._timer.stop()
        batch, self._pending = self._pending, []
        if not batch:
            return
        self.batches += 1
        if len(batch) >= self.capacity:
            self._reset(batch)
        else:
            overflow = len(self.events) + len(batch) - self.capacity
            if overflow > 0:
                self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
                del self.events[:overflow]
                self.endRemoveRows()
            first = len(self.events)
            self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
            self.events.extend(batch)
            self.endInsertRows()
            self._note_types(batch)
        self.flushed.emit(len(batch))

    def _note_types(self, events: list[WebhookEvent]) -> None:
        known = set(self.types)
        fresh = [e.event_type for e in events
                 if e.event_type and e.event_type not in known and not known.add(e.event_type)]
        room = MAX_TYPES - len(self.types)
        if fresh and room > 0:
            self.types = sorted([*self.types, *fresh[:room]])
            self.types_changed.emit()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def row_of(self, receipt_id: str) -> int | None:
        return next((row for row in range(len(self.events) - 1, -1, -1)
                     if self.events[row].id == receipt_id), None)

    # -- the Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.events)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.events):
            return None
        event = self.events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == EVENT_ROLE:
            return event
        if role == Qt.ItemDataRole.ForegroundRole and column == VERIFIED:
            return qcolor(VERDICT_ROLES[event.verified])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SEQ, SIZE, VERIFIED):
            horizontal = Qt.AlignmentFlag.AlignHCenter if column == VERIFIED \
                else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(event, column)
        return None

    @staticmethod
    def _display(event: WebhookEvent, column: int) -> str:
        if column == TIME:
            return clock(event.received_at)
        if column == PATH:
            return event.target
        if column == TYPE:
            return event.event_type or "—"
        if column == MESSAGE:
            return event.message_id or "—"
        if column == SEQ:
            return "" if event.sequence is None else str(event.sequence)
        if column == VERIFIED:
            return verdict_glyph(event)
        if column == SIZE:
            return human_size(event.size) + (" (refused)" if event.truncated else "")
        return ""

    @staticmethod
    def _tooltip(event: WebhookEvent, column: int) -> str | None:
        if column == VERIFIED:
            if event.truncated:
                return f"Refused: the body was over the size limit (answered {event.status})."
            if event.verification is None:
                return "Not checked: no signature scheme is configured."
            return event.verification.message
        if column == PATH:
            return f"{event.method} {event.target} from {event.source}, answered {event.status}"
        return None


class EventsFilter(QSortFilterProxyModel):
    """Shows the events an ``EventQuery`` keeps; new rows are checked as they arrive."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.query = EventQuery()

    def set_query(self, query: EventQuery) -> None:
        if query == self.query:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateRowsFilter before
            self.beginFilterChange()
            self.query = query
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.query = query
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.query.empty:
            return True
        source = self.sourceModel()
        if not isinstance(source, EventsModel) or source_row >= len(source.events):
            return False
        return self.query.matches(source.events[source_row])

    def event_at(self, row: int) -> WebhookEvent | None:
        index = self.index(row, 0)
        return index.data(EVENT_ROLE) if index.isValid() else None

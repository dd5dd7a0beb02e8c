"""History: the Exchanges of the session, in order, searchable, bounded.

One list shared by every view (the History table, the bundle, the chart);
nobody keeps copies. Filtering 100,000 entries must feel instant, so each
Exchange gets a lower-case search key once, when it is added.

A window open all day must not grow without end, so History keeps the newest
``DEFAULT_CAPACITY`` Exchanges and at most ``DEFAULT_BODY_BUDGET`` bytes of
bodies; beyond either it drops the oldest tenth at once (``trimmed``), so the
cost of dropping is paid rarely. The cap is the filter budget's: on a 2-core
machine one keystroke filters 200,000 rows in 5-24 ms (median 12), while
1,000,000 take 27-132 ms (median 81), past the 50 ms a keystroke may take with
its repaint (measured with ``History.filter`` over ``tests.benchmarks.data``'s
Exchanges, the History figure's data).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from desktop.core.exchange import Exchange
from desktop.core.observable import Event

_STATUS_CLASS = re.compile(r"^([1-5])xx$")


def search_key(exchange: Exchange) -> str:
    finding = exchange.top_finding
    parts = [
        exchange.request.method,
        exchange.request.url,
        str(exchange.status) if exchange.status is not None else exchange.error_label,
        exchange.profile,
        exchange.step or "",
        exchange.request_id or "",
        finding.title if finding else "",
    ]
    return " ".join(parts).lower()


def _columns(exchange: Exchange) -> tuple[str, str, str]:
    status = exchange.status
    return (sys.intern(exchange.request.method.lower()), sys.intern(exchange.profile.lower()),
            sys.intern(str(status)) if status is not None else "")


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: free words (all must appear) plus ``status:``/``method:``/``profile:``."""

    words: tuple[str, ...] = ()
    status: str | None = None
    method: str | None = None
    profile: str | None = None

    @classmethod
    def parse(cls, text: str) -> Query:
        words: list[str] = []
        fields: dict[str, str] = {}
        for token in text.split():
            name, sep, value = token.partition(":")
            if sep and value and name.lower() in ("status", "method", "profile"):
                fields[name.lower()] = value.lower()
            elif _STATUS_CLASS.match(token.lower()):
                fields["status"] = token.lower()
            else:
                words.append(token.lower())
        return cls(tuple(words), fields.get("status"), fields.get("method"), fields.get("profile"))

    @property
    def empty(self) -> bool:
        return not (self.words or self.status or self.method or self.profile)

    def narrows(self, other: Query) -> bool:
        """Whether every row matching ``self`` also matches ``other`` (a refinement of it).

        True when each of ``other``'s words is inside one of ours, its profile
        inside ours, and its method and status are ours (or unset): typing on
        at the end of the filter box usually gives such a query.
        """
        if other.method and other.method != self.method:
            return False
        if other.status and other.status != self.status:
            return False
        if other.profile and (not self.profile or other.profile not in self.profile):
            return False
        return all(any(old in new for new in self.words) for old in other.words)

    def status_test(self) -> Callable[[Exchange], bool] | None:
        """The ``status:`` condition as one predicate, decided once per query, not per row."""
        wanted = self.status
        if not wanted:
            return None
        klass = _STATUS_CLASS.match(wanted)
        if klass:
            digit = klass.group(1)
            return lambda e: (s := e.status) is not None and str(s)[0] == digit
        if wanted in ("error", "failed"):
            return lambda e: e.error is not None
        return lambda e: str(e.status) == wanted

    def matches(self, exchange: Exchange, key: str) -> bool:
        if self.method and exchange.request.method.lower() != self.method:
            return False
        if self.profile and self.profile not in exchange.profile.lower():
            return False
        status_test = self.status_test()
        if status_test is not None and not status_test(exchange):
            return False
        return all(word in key for word in self.words)


DEFAULT_CAPACITY = 200_000
"""Exchanges kept: what one keystroke of the filter can search within its 50 ms budget."""
DEFAULT_BODY_BUDGET = 512 * 1024 * 1024
"""Request and response body bytes kept (a long session of large answers)."""
TRIM_FRACTION = 10
"""Past a limit, the oldest 1/TRIM_FRACTION of the rows go at once."""


def _body_bytes(exchange: Exchange) -> int:
    response = exchange.response
    return len(exchange.request.body) + (len(response.body) if response is not None else 0)


class History:
    def __init__(self, capacity: int | None = DEFAULT_CAPACITY,
                 body_budget: int | None = DEFAULT_BODY_BUDGET) -> None:
        self.capacity = capacity
        self.body_budget = body_budget
        self.dropped = 0
        """Exchanges dropped from the oldest end this session (they stay in any bundle
        exported before; the History page says how many)."""
        self._base = 0
        """Absolute position of row 0: ``_index`` holds positions, not rows, so dropping
        the oldest rows never rewrites it."""
        self._sizes: list[int] = []
        self._bytes = 0
        self._exchanges: list[Exchange] = []
        self._keys: list[str] = []
        # Lower-case method, profile and status text per row, for the filter's fields
        # (shared string objects: a handful of distinct values across 100,000 rows).
        self._methods: list[str] = []
        self._profiles: list[str] = []
        self._statuses: list[str] = []
        self._index: dict[int, int] = {}
        self.added: Event[Exchange] = Event()
        self.updated: Event[Exchange] = Event()
        self.cleared: Event[None] = Event()
        self.trimmed: Event[int] = Event()
        """The oldest N Exchanges were dropped: every row number moved down by N."""

    def __len__(self) -> int:
        return len(self._exchanges)

    def __getitem__(self, row: int) -> Exchange:
        return self._exchanges[row]

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self._exchanges)

    def _add(self, exchange: Exchange) -> None:
        self._index[exchange.id] = self._base + len(self._exchanges)
        self._exchanges.append(exchange)
        size = _body_bytes(exchange)
        self._sizes.append(size)
        self._bytes += size
        self._keys.append(search_key(exchange))
        method, profile, status = _columns(exchange)
        self._methods.append(method)
        self._profiles.append(profile)
        self._statuses.append(status)

    def append(self, exchange: Exchange) -> None:
        self._add(exchange)
        self._trim_if_over()
        self.added.emit(exchange)

    def extend(self, exchanges: list[Exchange]) -> None:
        """Add many at once without announcing each (bulk loads, benchmarks)."""
        for exchange in exchanges:
            self._add(exchange)
        self._trim_if_over()
        if exchanges:
            self.added.emit(exchanges[-1])

    def _trim_if_over(self) -> None:
        count = len(self._exchanges)
        over_count = self.capacity is not None and count > self.capacity
        over_bytes = self.body_budget is not None and self._bytes > self.body_budget
        if not (over_count or over_bytes):
            return
        drop = max(1, count // TRIM_FRACTION)
        if over_count and self.capacity is not None:
            drop = max(drop, count - self.capacity)
        if over_bytes and self.body_budget is not None:
            excess, freed = self._bytes - self.body_budget, 0
            needed = 0
            while needed < count and freed < excess:
                freed += self._sizes[needed]
                needed += 1
            drop = max(drop, needed)
        self.drop_oldest(min(drop, count))

    def drop_oldest(self, count: int) -> None:
        """Forget the oldest ``count`` Exchanges and tell the views (``trimmed``)."""
        if count <= 0:
            return
        for exchange in self._exchanges[:count]:
            self._index.pop(exchange.id, None)
        self._bytes -= sum(self._sizes[:count])
        for column in (self._exchanges, self._keys, self._methods, self._profiles,
                       self._statuses, self._sizes):
            del column[:count]
        self._base += count
        self.dropped += count
        self.trimmed.emit(count)

    def refresh(self, exchange: Exchange) -> None:
        """The Exchange changed (findings were added): update its key and tell the views."""
        row = self.row_of(exchange.id)
        if row is not None:
            self._keys[row] = search_key(exchange)
            self._methods[row], self._profiles[row], self._statuses[row] = _columns(exchange)
            self.updated.emit(exchange)

    def row_of(self, exchange_id: int) -> int | None:
        position = self._index.get(exchange_id)
        return None if position is None else position - self._base

    def by_id(self, exchange_id: int) -> Exchange | None:
        row = self.row_of(exchange_id)
        return self._exchanges[row] if row is not None else None

    def filter(self, text: str, rows: Iterable[int] | None = None) -> list[int]:
        """Rows matching the filter text, in order; only among ``rows`` when given.

        Each condition narrows the rows left by the one before, cheapest first
        (words against the precomputed keys), so 100,000 entries take one
        list comprehension per condition rather than a call per row. A view
        refining its filter as the user types passes the rows it already has
        (see ``Query.narrows``).
        """
        query = Query.parse(text)
        keys = self._keys
        if rows is None:
            rows = range(len(keys))
        if query.empty:
            return list(rows)
        for word in query.words:
            rows = [row for row in rows if word in keys[row]]
        if query.method:
            method, methods = query.method, self._methods
            rows = [row for row in rows if methods[row] == method]
        if query.profile:
            profile, profiles = query.profile, self._profiles
            rows = [row for row in rows if profile in profiles[row]]
        if query.status:
            rows = self._with_status(rows, query.status)
        return list(rows)

    def _with_status(self, rows: Iterable[int], wanted: str) -> list[int]:
        """``Query.status_test`` on the precomputed status texts ("" without a response)."""
        statuses = self._statuses
        klass = _STATUS_CLASS.match(wanted)
        if klass:
            digit = klass.group(1)
            return [row for row in rows if statuses[row][:1] == digit]
        if wanted in ("error", "failed"):
            exchanges = self._exchanges
            return [row for row in rows if exchanges[row].error is not None]
        return [row for row in rows if statuses[row] == wanted]

    def clear(self) -> None:
        self._base += len(self._exchanges)
        self._sizes.clear()
        self._bytes = 0
        self._exchanges.clear()
        self._keys.clear()
        self._methods.clear()
        self._profiles.clear()
        self._statuses.clear()
        self._index.clear()
        self.cleared.emit(None)

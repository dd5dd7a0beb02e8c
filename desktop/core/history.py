"""History: every Exchange of the session, in order, searchable.

One list shared by every view (the History table, the bundle, the chart);
nobody keeps copies. Filtering 100,000 entries must feel instant, so each
Exchange gets a lower-case search key once, when it is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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

    def matches(self, exchange: Exchange, key: str) -> bool:
        if self.method and exchange.request.method.lower() != self.method:
            return False
        if self.profile and self.profile not in exchange.profile.lower():
            return False
        if self.status:
            status = exchange.status
            klass = _STATUS_CLASS.match(self.status)
            if klass:
                if status is None or str(status)[0] != klass.group(1):
                    return False
            elif self.status in ("error", "failed"):
                if exchange.error is None:
                    return False
            elif str(status) != self.status:
                return False
        return all(word in key for word in self.words)


class History:
    def __init__(self) -> None:
        self._exchanges: list[Exchange] = []
        self._keys: list[str] = []
        self._index: dict[int, int] = {}
        self.added: Event[Exchange] = Event()
        self.updated: Event[Exchange] = Event()
        self.cleared: Event[None] = Event()

    def __len__(self) -> int:
        return len(self._exchanges)

    def __getitem__(self, row: int) -> Exchange:
        return self._exchanges[row]

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self._exchanges)

    def append(self, exchange: Exchange) -> None:
        self._index[exchange.id] = len(self._exchanges)
        self._exchanges.append(exchange)
        self._keys.append(search_key(exchange))
        self.added.emit(exchange)

    def extend(self, exchanges: list[Exchange]) -> None:
        """Add many at once without announcing each (bulk loads, benchmarks)."""
        for exchange in exchanges:
            self._index[exchange.id] = len(self._exchanges)
            self._exchanges.append(exchange)
            self._keys.append(search_key(exchange))
        if exchanges:
            self.added.emit(exchanges[-1])

    def refresh(self, exchange: Exchange) -> None:
        """The Exchange changed (findings were added): update its key and tell the views."""
        row = self._index.get(exchange.id)
        if row is not None:
            self._keys[row] = search_key(exchange)
            self.updated.emit(exchange)

    def row_of(self, exchange_id: int) -> int | None:
        return self._index.get(exchange_id)

    def by_id(self, exchange_id: int) -> Exchange | None:
        row = self._index.get(exchange_id)
        return self._exchanges[row] if row is not None else None

    def filter(self, text: str) -> list[int]:
        """Rows matching the filter text, in order."""
        query = Query.parse(text)
        if query.empty:
            return list(range(len(self._exchanges)))
        if not (query.status or query.method or query.profile) and len(query.words) == 1:
            word = query.words[0]
            return [row for row, key in enumerate(self._keys) if word in key]
        exchanges = self._exchanges
        return [row for row, key in enumerate(self._keys) if query.matches(exchanges[row], key)]

    def clear(self) -> None:
        self._exchanges.clear()
        self._keys.clear()
        self._index.clear()
        self.cleared.emit(None)

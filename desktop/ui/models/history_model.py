"""A table model over the session's History, with its own filtered row map.

``QSortFilterProxyModel`` asks the source about every row on each filter
change, through Qt's item API: for 100,000 rows that is seconds. Here the
filter is ``History.filter`` (precomputed lower-case keys, one list
comprehension) and the model maps its rows to the matching history
indexes itself. Exchanges recorded while the table is open are appended
with ``beginInsertRows``; many in one event-loop turn (a burst of 500
concurrent requests) are coalesced by a zero-timer into one insertion.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont

from desktop.core.exchange import Exchange
from desktop.core.history import History, Query, search_key
from desktop.core.window_text import display_url
from desktop.ui.models.table import ColumnsModel
from desktop.ui.theme import qcolor

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Time", "Profile", "Method", "Path", "Status", "Duration", "Finding")
TIME, PROFILE, METHOD, PATH, STATUS, DURATION, FINDING = range(len(COLUMNS))
EXCHANGE_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ROLES = frozenset({_DISPLAY, _FOREGROUND, _FONT, _ALIGNMENT, _TOOLTIP, EXCHANGE_ROLE})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)

STATUS_ROLES = {"2": "ok", "3": "info", "4": "warn", "5": "fail", "error": "fail"}
"""Status class → colour role (``desktop.core.palette``); the number itself says it too."""


class _StatusColours(dict):
    """``STATUS_COLOURS["4"]``: the class's QColor in the scheme in use now."""

    def __missing__(self, key: str) -> QColor:
        return qcolor(STATUS_ROLES[key])

    def get(self, key: str, default: QColor | None = None) -> QColor | None:
        return self[key] if key in STATUS_ROLES else default


STATUS_COLOURS = _StatusColours()


def status_cell(exchange: Exchange) -> str:
    if exchange.response is not None:
        return str(exchange.response.status)
    return f"✗ {exchange.error_label}" if exchange.error else "…"


class HistoryModel(ColumnsModel):
    columns = COLUMNS

    def __init__(self, history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.filter_text = ""
        self._query = Query()
        self._rows: list[int] | None = None
        """History indexes shown, in order; None means every row (no filter)."""
        self._known = len(history)
        """How many history entries this model has taken in (the rest are pending)."""
        self._bold = QFont()
        self._bold.setBold(True)
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self.take_new_rows)
        self._disconnect = [history.added.connect(self._added),
                            history.updated.connect(self._updated),
                            history.cleared.connect(self._cleared),
                            history.trimmed.connect(self._trimmed)]

    def close(self) -> None:
        for disconnect in self._disconnect:
            disconnect()
        self._disconnect = []

    # -- filter -------------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only the rows matching ``text`` (History's filter syntax)."""
        self.take_new_rows()
        query = Query.parse(text)
        if query.empty:
            rows = None
        elif self._rows is not None and query.narrows(self._query):
            rows = self.history.filter(text, self._rows)  # typing on: search what is shown
        else:
            rows = self.history.filter(text)
        self.beginResetModel()
        self.filter_text = text
        self._query = query
        self._rows = rows
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._known

    # -- live rows ----------------------------------------------------------------------------

    def _added(self, _exchange: Exchange) -> None:
        if not self._flush.isActive():
            self._flush.start()

    def take_new_rows(self) -> None:
        """Insert every entry added since the last call, as one block."""
        self._flush.stop()
        end = len(self.history)
        start = self._known
        if end <= start:
            return
        if self._rows is None:
            self.beginInsertRows(QModelIndex(), start, end - 1)
            self._known = end
            self.endInsertRows()
            return
        matching = [row for row in range(start, end)
                    if self._query.matches(self.history[row], search_key(self.history[row]))]
        self._known = end
        if matching:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(matching) - 1)
            self._rows.extend(matching)
            self.endInsertRows()

    def _updated(self, exchange: Exchange) -> None:
        row = self.row_of(exchange.id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _trimmed(self, count: int) -> None:
        """The oldest ``count`` entries left History: remove their rows, renumber the rest."""
        dropped_known = min(count, self._known)
        if self._rows is None:
            if dropped_known:
                self.beginRemoveRows(QModelIndex(), 0, dropped_known - 1)
                self._known -= dropped_known
                self.endRemoveRows()
            else:
                self._known = max(0, self._known - count)
            return
        from bisect import bisect_left

        gone = bisect_left(self._rows, count)  # the shown rows that were dropped
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
        self._rows = [row - count for row in self._rows[gone:]]
        self._known -= dropped_known
        if gone:
            self.endRemoveRows()

    def _cleared(self, _none: object) -> None:
        self.beginResetModel()
        self._known = len(self.history)
        self._rows = None if self._query.empty else []
        self.endResetModel()

    # -- lookup -------------------------------------------------------------------------------

    def exchange_at(self, row: int) -> Exchange | None:
        if not 0 <= row < self.rowCount():
            return None
        return self.history[self._rows[row] if self._rows is not None else row]

    def row_of(self, exchange_id: int) -> int | None:
        index = self.history.row_of(exchange_id)
        if index is None or index >= self._known:
            return None
        if self._rows is None:
            return index
        from bisect import bisect_left

        position = bisect_left(self._rows, index)
        return position if position < len(self._rows) and self._rows[position] == index \
            else None

    # -- Qt's model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return self._known if self._rows is None else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks every visible cell for a dozen roles on each paint: answer the
        # ones we do not use before touching the Exchange.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        rows = self._rows
        if rows is None:
            if row >= self._known:
                return None
            exchange = self.history[row]
        elif row < len(rows):
            exchange = self.history[rows[row]]
        else:
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._display(exchange, column)
        if column == STATUS:
            if role == _FOREGROUND:
                key = "error" if exchange.response is None else str(exchange.response.status)[0]
                return STATUS_COLOURS.get(key)
            if role == _FONT:
                return self._bold
        if role == _ALIGNMENT:
            return _CENTRE if column == STATUS else _RIGHT if column == DURATION else None
        if role == _TOOLTIP:
            return self._tooltip(exchange, column)
        if role == EXCHANGE_ROLE:
            return exchange
        return None

    @staticmethod
    def _display(exchange: Exchange, column: int) -> str:
        if column == TIME:
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(exchange.started_at))
        if column == PROFILE:
            return exchange.profile
        if column == METHOD:
            return exchange.request.method
        if column == PATH:
            return display_url(exchange.request.path)
        if column == STATUS:
            return status_cell(exchange)
        if column == DURATION:
            return f"{exchange.duration_ms:,.0f} ms"
        finding = exchange.top_finding
        return finding.title if finding is not None else ""

    @staticmethod
    def _tooltip(exchange: Exchange, column: int) -> str | None:
        if column == PATH:
            return display_url(exchange.request.url)
        if column == STATUS and exchange.error is not None:
            return exchange.error.message
        if column == FINDING and exchange.top_finding is not None:
            return exchange.top_finding.next_action or exchange.top_finding.title
        if column == TIME:
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(exchange.started_at))
        return None

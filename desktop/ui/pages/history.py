"""The History page: every Exchange of the session, filterable, reopenable.

The filter box is debounced and drives ``HistoryModel.set_filter`` (core's
``History.filter``). Double-click or Enter reopens an Exchange in the
composer; a single click only selects, so a row can be right-clicked for
"Copy as curl (redacted)" or "Copy request id" without leaving the page.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.exchange import Exchange
from desktop.core.window_text import NO_MATCH_HINT, no_match_text
from desktop.ui.context import AppContext
from desktop.ui.models.history_model import (
    DURATION,
    FINDING,
    METHOD,
    PATH,
    PROFILE,
    STATUS,
    TIME,
    HistoryModel,
)
from desktop.ui.pages.base import Page
from desktop.ui.pages.history_detail import ExchangeDetail
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text
from desktop.ui.widgets.empty_state import EmptyState

FILTER_DELAY_MS = 150


class HistoryPage(Page):
    title = "History"
    object_name = "historyPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = HistoryModel(ctx.workspace.history, self)
        self.filter = QLineEdit()
        self.filter.setObjectName("historyFilter")
        self.filter.setPlaceholderText("Filter: words, 4xx or status:401, method:POST, "
                                       "profile:sandbox, error")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter.returnPressed.connect(self.apply_filter)
        self.filter.setAccessibleName("Filter requests")
        self.filter.setToolTip("Words from a path or finding, 4xx or status:401, method:POST, "
                               "profile:NAME, error (Ctrl+F; Esc clears)")
        self.count = QLabel()
        self.count.setObjectName("historyCount")
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Requests")
        self.table.setAccessibleDescription("Every request of the session, oldest first; Enter "
                                            "opens the selected one in the Composer, the context "
                                            "menu copies it as curl or its request id")
        self._configure_table()
        self.table.activated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.no_match = EmptyState("⌕", "", NO_MATCH_HINT)
        self.no_match.setObjectName("historyNoMatch")
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.no_match)
        self.detail = ExchangeDetail()
        self.detail.open_requested.connect(self._open_id)

        content = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.results)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.detail.setMinimumHeight(60)
        layout.addWidget(split, 1)
        self.set_content(content)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filter,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Esc"), self.filter, self.filter.clear,
                  context=Qt.ShortcutContext.WidgetShortcut)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._refresh_counts)
        self._refresh_counts()

    def _configure_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        widths = {TIME: 150, PROFILE: 120, METHOD: 70, PATH: 300, STATUS: 80, DURATION: 80}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)
        header.setSectionResizeMode(FINDING, QHeaderView.ResizeMode.Stretch)

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "☰",
            "No requests yet",
            "Every request sent from the composer or by a checklist step appears here with its "
            "status, timing and diagnosis. Filter by text, status (4xx, status:401) or method.",
        )

    # -- filter -------------------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        text = self.filter.text()
        if text != self.model.filter_text:
            self.model.set_filter(text)

    def _focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def _refresh_counts(self, *_args: object) -> None:
        total, shown = self.model.total, self.model.rowCount()
        self.show_empty(total == 0)
        self.count.setText(f"{total:,} requests" if shown == total
                           else f"{shown:,} of {total:,}")
        dropped = self.model.history.dropped
        self.count.setToolTip(
            f"{dropped:,} older requests were let go: History keeps the newest "
            f"{self.model.history.capacity or 0:,}, so filtering stays quick all day."
            if dropped else "")
        if dropped:
            self.count.setText(self.count.text() + f" (+{dropped:,} older let go)")
        nothing = shown == 0 and total > 0 and bool(self.model.filter_text.strip())
        if nothing:
            self.no_match.title.setText(no_match_text(self.model.filter_text))
        self.results.setCurrentWidget(self.no_match if nothing else self.table)
        self._show_selected()

    @property
    def showing_no_match(self) -> bool:
        return self.results.currentWidget() is self.no_match

    def _show_selected(self) -> None:
        self.detail.show_exchange(self.selected_exchange())

    # -- rows ---------------------------------------------------------------------------------

    def selected_exchange(self) -> Exchange | None:
        index = self.table.currentIndex()
        return self.model.exchange_at(index.row()) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        exchange = self.model.exchange_at(index.row())
        if exchange is not None:
            self.open(exchange)

    def open(self, exchange: Exchange) -> None:
        self.ctx.open_exchange.emit(exchange)  # the composer shows itself

    def _open_id(self, exchange_id: int) -> None:
        exchange = self.ctx.workspace.history.by_id(exchange_id)
        if exchange is not None:
            self.open(exchange)

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        exchange = self.model.exchange_at(index.row()) if index.isValid() else None
        if exchange is None:
            return
        menu = QMenu(self)
        menu.addAction("Open in Composer", lambda: self.open(exchange))
        menu.addSeparator()
        menu.addAction("Copy as curl (redacted)", lambda: self.copy_as_curl(exchange))
        request_id = menu.addAction("Copy request id", lambda: self.copy_request_id(exchange))
        request_id.setEnabled(bool(exchange.request_id))
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    def copy_as_curl(self, exchange: Exchange) -> str | None:
        """The Exchange's request as curl, through its profile's redactor, to the clipboard."""
        from desktop.core.compose import curl_command, redactor_for
        from desktop.core.curl import CurlExportError
        from desktop.core.redact import Redactor

        profile = self.ctx.workspace.profiles.get(exchange.profile)
        session = None
        if profile is not None and self.ctx.workspace.provider_for(profile) is not None:
            session = self.ctx.session(profile)
        redactor = redactor_for(session) if session is not None else Redactor()
        try:
            text = curl_command(exchange.request, redactor)
        except CurlExportError as exc:
            self.ctx.say(f"Cannot write this request as curl: {exc}", 8000)
            return None
        self.ctx.say("Copied as curl, secrets redacted." if copy_text(text) else NOT_COPIED)
        return text

    def copy_request_id(self, exchange: Exchange) -> None:
        if not exchange.request_id:
            self.ctx.say("Nothing to copy: the server sent no request id.")
        elif copy_text(exchange.request_id):
            self.ctx.say(f"Copied request id {exchange.request_id}.")
        else:
            self.ctx.say(NOT_COPIED)

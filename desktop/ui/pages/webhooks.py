"""The Webhooks page: events received by the local receiver, verified and correlated.

A thin view over the active profile's session (core): its receiver
(start, stop, where it listens), its WebhookStore (the live list, the
selected event in full) and its Correlator (each message's lifecycle).
Replaying an event and sending a test event go through the profile's
client like every other request.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.core.profiles import Profile
from desktop.core.sessions import ProfileSession
from desktop.core.webhooks.events import WebhookEvent
from desktop.core.webhooks.receiver import WebhookReceiver
from desktop.ui.context import AppContext
from desktop.ui.pages.base import Page
from desktop.ui.webhooks.detail import EventDetail
from desktop.ui.webhooks.events_model import COLUMNS, MESSAGE, TYPE, EventsFilter, EventsModel
from desktop.ui.webhooks.filter_bar import FilterBar
from desktop.ui.webhooks.lifecycle import LifecycleView
from desktop.ui.webhooks.receiver_panel import ReceiverPanel
from desktop.ui.webhooks.send_dialogs import ReplayDialog, SendDialog, TestEventDialog
from desktop.ui.webhooks.tunnel_banner import TunnelBanner
from desktop.ui.widgets.empty_state import EmptyState

COLUMN_WIDTHS = (88, 48, 104, 190, 32, 56, 64)
"""Time, Path, Type, Message id (room for a whole ``msg_…`` id), Seq, Verified, Size."""
LIFECYCLE_DELAY_MS = 250
"""Lifecycles are regrouped at most this often while events pour in."""


class WebhooksPage(Page):
    title = "Webhooks"
    object_name = "webhooksPage"

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "⇄",
            "No webhook events yet",
            "Pick a profile in the sidebar. Events posted to its local receiver appear here as "
            "they arrive, with their signature checked against the profile's webhook secret "
            "and matched to the message they are about.",
        )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.session: ProfileSession | None = None
        self._follow = True
        self.dialog: SendDialog | None = None
        self.model = EventsModel(self)
        self.proxy = EventsFilter(self)
        self.proxy.setSourceModel(self.model)
        self._lifecycle_timer = QTimer(self)
        self._lifecycle_timer.setSingleShot(True)
        self._lifecycle_timer.setInterval(LIFECYCLE_DELAY_MS)
        self._lifecycle_timer.timeout.connect(self.refresh_lifecycles)
        self.set_content(self._build())
        self.model.rowsAboutToBeInserted.connect(self._remember_scroll)
        self.model.flushed.connect(self._flushed)
        self.model.modelReset.connect(self._flushed)
        self.model.types_changed.connect(lambda: self.filter_bar.set_types(self.model.types))
        ctx.services_changed.connect(self._services_changed)
        ctx.profiles_changed.connect(self._profiles_changed)

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        self.receiver_panel = ReceiverPanel(self.ctx)
        self.receiver_panel.test_event_requested.connect(self.send_test_event)
        layout.addWidget(self.receiver_panel)
        self.tunnel = TunnelBanner(self.ctx, self._running_receiver)
        layout.addWidget(self.tunnel)

        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filter_changed)
        self.clear_button = QPushButton("Clear list")
        self.clear_button.setToolTip("Forget the events in memory; the journal on disk keeps them")
        self.clear_button.clicked.connect(self.clear)
        self.filter_bar.flow.add(self.clear_button)
        layout.addWidget(self.filter_bar)

        self.table = QTableView()
        self.table.setObjectName("webhookEvents")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # an id reads from its start
        self.table.setAccessibleName("Webhook events")
        self.table.setAccessibleDescription("Events received, oldest first; select one to see "
                                            "its signature check, headers and body below")
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS[:len(COLUMNS)]):
            head.resizeSection(column, width)
        head.setStretchLastSection(True)  # spare room goes to the end, never into an id
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.setMinimumHeight(48)
        self.note = QLabel()
        self.note.setObjectName("webhookNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        events = QWidget()
        column = QVBoxLayout(events)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.note)

        self.lifecycle = LifecycleView()
        self.lifecycle.event_chosen.connect(self.select_event)
        self.detail = EventDetail()
        self.detail.replay_requested.connect(self.replay)
        self.detail.copied.connect(lambda text: self.ctx.say(text))
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(events)
        upper.addWidget(self.lifecycle)
        upper.setSizes([600, 400])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([300, 300])
        layout.addWidget(self.splitter, 1)
        return content

    # -- following the profile ----------------------------------------------------------------

    def on_profile_changed(self, profile: Profile | None) -> None:
        session = None
        if profile is not None:
            try:
                session = self.ctx.session(profile)
            except KeyError:  # a profile whose provider file is gone
                session = None
        self.session = session
        self.show_empty(session is None)
        self.model.set_store(session.webhook_store if session is not None else None)
        self.receiver_panel.bind(session)
        self.tunnel.bind(profile if session is not None else None,
                         local_sender=bool(session and session.provider.sandbox))
        self.detail.show_event(None)
        self._follow = True
        self.refresh_lifecycles()

    def _profiles_changed(self) -> None:
        if self.session is not None:
            saved = self.ctx.workspace.profiles.by_id(self.session.profile.id)
            self.tunnel.bind(saved, local_sender=self.session.provider.sandbox)
            self.receiver_panel.refresh()

    def _services_changed(self) -> None:
        self.receiver_panel.refresh()
        self.tunnel.refresh()

    def _running_receiver(self) -> WebhookReceiver | None:
        receiver = self.session.receiver if self.session is not None else None
        return receiver if receiver is not None and receiver.running else None

    # -- the event list -----------------------------------------------------------------------

    def _remember_scroll(self, *_args: object) -> None:
        bar = self.table.verticalScrollBar()
        self._follow = bar.value() >= bar.maximum() - 2

    def _flushed(self, *_args: object) -> None:
        if self._follow:
            self.table.scrollToBottom()
        self._fit_ids()
        self._update_note()
        if not self._lifecycle_timer.isActive():
            self._lifecycle_timer.start()

    def _fit_ids(self) -> None:
        """Widen the Message id and Type columns to their longest recent value (up to a
        limit): an id is read from its start, so it is shown whole where there is room."""
        recent = self.model.events[-200:]
        metrics = self.table.fontMetrics()
        head = self.table.horizontalHeader()
        for column, values, most in ((MESSAGE, [e.message_id for e in recent], 320),
                                     (TYPE, [e.event_type for e in recent], 180)):
            shown = [value for value in values if value]
            if not shown:
                continue
            wanted = min(most, max(metrics.horizontalAdvance(v) for v in shown) + 12)
            if head.sectionSize(column) < wanted:
                head.resizeSection(column, wanted)

    def _update_note(self) -> None:
        store = self.model.store
        self.filter_bar.show_count(self.proxy.rowCount(), self.model.rowCount())
        if store is not None and store.spilled:
            self.note.setText(f"{store.spilled:,} older events are in the journal "
                              f"({store.journal.directory}).")
        elif store is not None and not self.model.rowCount():
            self.note.setText("No events yet. Start listening, then run the checklist, send "
                              "through the composer, or send a test event.")
        else:
            self.note.clear()
        self.note.setVisible(bool(self.note.text()))

    def _filter_changed(self, query: object) -> None:
        self.proxy.set_query(query)  # type: ignore[arg-type]
        self._update_note()

    def refresh_lifecycles(self) -> None:
        self.lifecycle.refresh(self.session.correlator() if self.session is not None else None)

    def clear(self) -> None:
        if self.model.store is not None:
            self.model.store.clear()
            self.detail.show_event(None)
            self.refresh_lifecycles()

    # -- selection ------------------------------------------------------------------------------

    def selected_event(self) -> WebhookEvent | None:
        return self.proxy.event_at(self.table.currentIndex().row())

    def _show_selected(self) -> None:
        event = self.selected_event()
        if event is None or event is self.detail.current:
            return
        self.detail.show_event(event)
        self.lifecycle.show_message(event.message_id)

    def select_row(self, row: int) -> None:
        """Select the ``row``-th shown event (negative: from the end)."""
        count = self.proxy.rowCount()
        if row < 0:
            row += count
        if 0 <= row < count:
            self._select(self.proxy.index(row, 0))

    def select_event(self, receipt_id: str) -> None:
        """Select the event with this receipt id, clearing the filter if it hides it."""
        row = self.model.row_of(receipt_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.filter_bar.reset()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self._select(index)

    def _select(self, index: QModelIndex) -> None:
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        self._show_selected()

    # -- sending ------------------------------------------------------------------------------

    def replay(self, event: WebhookEvent) -> ReplayDialog | None:
        if self.session is None:
            return None
        dialog = ReplayDialog(self.session, event, self)
        self._open(dialog)
        return dialog

    def send_test_event(self) -> TestEventDialog | None:
        if self.session is None:
            return None
        receiver = self._running_receiver()
        dialog = TestEventDialog(self.session, receiver.url if receiver else None, self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: SendDialog) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None)
                                 if self.dialog is dialog else None)
        dialog.open()

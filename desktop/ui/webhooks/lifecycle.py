"""Each sent message's webhook story: queued → sent → delivery | failed, and what looks odd.

A table of the messages seen (one ``Lifecycle`` each, from core's
Correlator), newest first; below it the selected message's steps in
sequence order, flagged when events came out of order, twice, with gaps,
or without a terminal event yet.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.palette import Colours
from desktop.core.richtext import escape
from desktop.core.webhooks.correlation import Correlator, Lifecycle
from desktop.ui.models.table import ColumnsModel
from desktop.ui.theme import bind, colours
from desktop.ui.webhooks.events_model import clock, verdict_glyph

HEADERS = ("Message id", "State", "Events", "Flags")
Index = QModelIndex | QPersistentModelIndex


def flags(lifecycle: Lifecycle) -> list[str]:
    """What looks wrong, one short phrase each."""
    found = []
    if lifecycle.out_of_order:
        found.append("out of order")
    if lifecycle.duplicates:
        found.append(f"{len(lifecycle.duplicates)} duplicate(s)")
    if lifecycle.gaps:
        found.append("gap: seq " + ", ".join(map(str, lifecycle.gaps)))
    if lifecycle.missing_terminal:
        found.append("no terminal event")
    if lifecycle.unverified:
        found.append(f"{len(lifecycle.unverified)} unverified")
    return found


class LifecyclesModel(ColumnsModel):
    columns = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lifecycles: list[Lifecycle] = []

    def show(self, lifecycles: list[Lifecycle]) -> None:
        self.beginResetModel()
        self.lifecycles = list(reversed(lifecycles))
        self.endResetModel()

    def row_of(self, message_id: str) -> int | None:
        return next((row for row, lc in enumerate(self.lifecycles)
                     if lc.message_id == message_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.lifecycles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        lifecycle = self.lifecycles[index.row()]
        return (lifecycle.message_id, lifecycle.state or "—", str(len(lifecycle.events)),
                ", ".join(flags(lifecycle)) or "✓")[index.column()]


def _chip(word: str, colour: str, background: str) -> str:
    return (f"<span style='color:{colour};background:{background};'>&nbsp;{escape(word)}"
            f"&nbsp;</span>")


def timeline_html(lifecycle: Lifecycle, siblings: list[str], c: Colours | None = None) -> str:
    """The steps as chips, the flags in words, the events in sequence order (links)."""
    c = c or colours()
    done, odd, wait, bad = ((c.ok, c.ok_bg), (c.warn, c.warn_bg), (c.muted, c.neutral_bg),
                            (c.fail, c.fail_bg))
    rules = lifecycle.rules
    trusted = {e.event_type for e in lifecycle.events if e.verified is not False}
    seen = {e.event_type for e in lifecycle.events}
    chips = []
    for step in (t for t in rules.order if t not in rules.terminal):
        word = step.rsplit(".", 1)[-1]
        if step in trusted:
            chips.append(_chip(f"✓ {word}", *done))
        elif step in seen:  # arrived, but only with a signature that failed
            chips.append(_chip(f"⚠ {word}", *odd))
        else:
            chips.append(_chip(f"○ {word}", *wait))
    terminal = lifecycle.terminal
    if terminal is None:
        words = " | ".join(t.rsplit(".", 1)[-1] for t in rules.terminal)
        chips.append(_chip(f"○ {words}", *wait))
    else:
        word = (terminal.event_type or "").rsplit(".", 1)[-1]
        if lifecycle.failed:
            chips.append(_chip(f"✗ {word}", *bad))
        elif terminal.event_type in trusted:
            chips.append(_chip(f"✓ {word}", *done))
        else:
            chips.append(_chip(f"⚠ {word}", *odd))
    parts = [f"<b>{escape(lifecycle.message_id)}</b>", " → ".join(chips)]
    reference = next((e.external_reference for e in lifecycle.events if e.external_reference),
                     None)
    if reference:
        others = [m for m in siblings if m != lifecycle.message_id]
        also = f" (with {', '.join(map(escape, others[:3]))}" if others else ""
        if len(others) > 3:
            also += f" and {len(others) - 3} more"
        also += ")" if others else ""
        parts.append(f"<span style='color:{c.muted}'>External reference "
                     f"{escape(reference)}{also}</span>")
    for problem in _explained(lifecycle):
        parts.append(f"<span style='color:{c.warn}'>⚠ {escape(problem)}</span>")
    rows = []
    for event in lifecycle.events:
        seq = "" if event.sequence is None else str(event.sequence)
        rows.append(f"<tr><td align='right'>{seq}</td><td><a href='event:{event.id}'>"
                    f"{escape(event.event_type or 'untyped')}</a></td>"
                    f"<td>{clock(event.received_at)}</td><td>{verdict_glyph(event)}</td></tr>")
    parts.append(f"<table cellspacing='0' cellpadding='2'><tr style='color:{c.muted}'>"
                 "<td>seq</td><td>type</td><td>arrived</td><td>signature</td></tr>"
                 + "".join(rows) + "</table>")
    return "<br>".join(parts)


def _explained(lifecycle: Lifecycle) -> list[str]:
    problems = []
    if lifecycle.out_of_order:
        order = ", ".join(str(e.sequence) for e in lifecycle.arrival if e.sequence is not None)
        problems.append(f"Arrived out of order (sequence {order}): order events by sequence, "
                        "not by arrival.")
    for event in lifecycle.duplicates:
        problems.append(f"Duplicate: {event.event_type or 'an event'} (seq {event.sequence}) "
                        "arrived again; handlers must be idempotent.")
    if lifecycle.gaps:
        problems.append("Missing sequence number(s) " + ", ".join(map(str, lifecycle.gaps))
                        + ": an event was not delivered (yet).")
    if lifecycle.missing_terminal:
        problems.append("No delivery or failure event yet: the message's fate is not known.")
    if lifecycle.unverified:
        problems.append(f"{len(lifecycle.unverified)} event(s) failed the signature check.")
    return problems


class LifecycleView(QWidget):
    event_chosen = Signal(str)
    """The receipt id of an event the user clicked in the timeline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.correlator: Correlator | None = None
        self.current: Lifecycle | None = None
        self.wanted: str | None = None
        """The message id to show: the selected event's, or the row the user picked."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Lifecycles</b> — one row per message id")
        layout.addWidget(title)
        self.model = LifecyclesModel(self)
        self.table = QTableView()
        self.table.setObjectName("lifecycleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Lifecycles")
        self.table.setAccessibleDescription("One row per message id, newest first: its state, "
                                            "how many events arrived and what looks wrong")
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setMinimumSectionSize(24)
        for column, width in ((0, 150), (1, 64), (2, 48)):
            head.resizeSection(column, width)
        head.setStretchLastSection(True)  # the flags take what is left; the id is shown whole
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._row_changed())
        self.timeline = QTextBrowser()
        self.timeline.setObjectName("lifecycleTimeline")
        self.timeline.setOpenLinks(False)
        self.timeline.anchorClicked.connect(self._clicked)
        for view in (self.table, self.timeline):
            view.setMinimumHeight(36)  # not the 70 px scroll areas ask for: fit small screens
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.timeline)
        split.setSizes([96, 184])
        layout.addWidget(split, 1)
        self.timeline.setAccessibleName("Lifecycle")
        self.timeline.setAccessibleDescription("The selected message's events in sequence "
                                               "order; Tab to an event and press Enter to "
                                               "select it in the list")
        self._missing: str | None = None
        bind(self, lambda _c: self._render(self.current, self._missing))

    def refresh(self, correlator: Correlator | None) -> None:
        """Recompute every lifecycle from the store, keeping the selected message."""
        self.correlator = correlator
        self.table.selectionModel().blockSignals(True)
        self.model.show(correlator.lifecycles() if correlator is not None else [])
        self.table.selectionModel().blockSignals(False)
        ids = [lc.message_id for lc in self.model.lifecycles[:200]]
        if ids:
            wanted = min(300, max(self.table.fontMetrics().horizontalAdvance(i) for i in ids)
                         + 16)
            head = self.table.horizontalHeader()
            head.resizeSection(0, max(head.sectionSize(0), wanted))
        self.show_message(self.wanted)

    def show_message(self, message_id: str | None) -> bool:
        """Select ``message_id``'s lifecycle; False when no event carries it (yet).

        The wish is kept: the lifecycle is selected once a refresh finds it.
        """
        self.wanted = message_id
        row = self.model.row_of(message_id) if message_id else None
        if row is None:
            self._render(None, missing=message_id)
            return False
        self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().blockSignals(False)
        self._render(self.model.lifecycles[row])
        return True

    def _row_changed(self) -> None:
        row = self.table.currentIndex().row()
        lifecycle = self.model.lifecycles[row] if 0 <= row < self.model.rowCount() else None
        self.wanted = lifecycle.message_id if lifecycle is not None else None
        self._render(lifecycle)

    def _render(self, lifecycle: Lifecycle | None, missing: str | None = None) -> None:
        self.current = lifecycle
        self._missing = missing
        muted = colours().muted
        if lifecycle is None:
            self.timeline.setHtml(
                f"<span style='color:{muted}'>Select an event or a message to follow its "
                "lifecycle: queued → sent → delivery | failed.</span>" if missing is None else
                f"<span style='color:{muted}'>No lifecycle for {escape(missing)}.</span>")
            return
        siblings: list[str] = []
        reference = next((e.external_reference for e in lifecycle.events
                          if e.external_reference), None)
        if reference and self.correlator is not None:
            siblings = [lc.message_id for lc in self.correlator.by_external_reference(reference)]
        self.timeline.setHtml(timeline_html(lifecycle, siblings))

    def _clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("event:"):
            self.event_chosen.emit(text.removeprefix("event:"))

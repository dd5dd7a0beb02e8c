"""The controls that narrow the event list: type, message id, signature verdict, free text."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop.core.webhooks.query import EventQuery, Verdict
from desktop.ui.widgets.flow import FlowLayout

ALL_TYPES = "All types"
VERDICTS = (("Any signature", Verdict.ANY), ("✓ Verified", Verdict.VERIFIED),
            ("✗ Failed", Verdict.FAILED), ("– Not checked", Verdict.UNCHECKED))


class FilterBar(QWidget):
    changed = Signal(object)
    """The new EventQuery."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("webhookTypeFilter")
        self.type_combo.setMinimumContentsLength(12)
        self.type_combo.addItem(ALL_TYPES)
        self.type_combo.setAccessibleName("Event type")
        self.type_combo.setToolTip("Show only events of this type")
        self.type_combo.currentIndexChanged.connect(lambda _i: self._emit())
        layout.add(self.type_combo)
        self.verdict_combo = QComboBox()
        self.verdict_combo.setObjectName("webhookVerdictFilter")
        for label, verdict in VERDICTS:
            self.verdict_combo.addItem(label, verdict)
        self.verdict_combo.setAccessibleName("Signature verdict")
        self.verdict_combo.setToolTip("Show only events whose signature check came out this way")
        self.verdict_combo.currentIndexChanged.connect(lambda _i: self._emit())
        layout.add(self.verdict_combo)
        self.message_edit = QLineEdit()
        self.message_edit.setObjectName("webhookMessageFilter")
        self.message_edit.setPlaceholderText("Message id")
        self.message_edit.setClearButtonEnabled(True)
        self.message_edit.setMinimumWidth(120)
        self.message_edit.setAccessibleName("Message id")
        self.message_edit.setToolTip("Show only events about this message id (or part of it)")
        self.message_edit.textChanged.connect(lambda _t: self._emit())
        layout.add(self.message_edit, stretch=True)
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("webhookTextFilter")
        self.text_edit.setPlaceholderText("Search path, headers, body…")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setMinimumWidth(170)
        self.text_edit.setAccessibleName("Search events")
        self.text_edit.setToolTip("Show only events whose path, headers or body contain this text")
        self.text_edit.textChanged.connect(lambda _t: self._emit())
        layout.add(self.text_edit, stretch=True)
        self.count_label = QLabel()
        self.count_label.setObjectName("webhookCount")
        layout.add(self.count_label)
        self.flow = layout

    def set_types(self, types: list[str]) -> None:
        """Offer these event types, keeping the current choice."""
        current = self.type_combo.currentText()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(ALL_TYPES)
        self.type_combo.addItems(types)
        found = self.type_combo.findText(current)
        if found < 0 and current != ALL_TYPES:
            self.type_combo.addItem(current)
            found = self.type_combo.count() - 1
        self.type_combo.setCurrentIndex(max(found, 0))
        self.type_combo.blockSignals(False)

    def query(self) -> EventQuery:
        chosen = self.type_combo.currentText()
        return EventQuery(
            event_type=None if chosen == ALL_TYPES else chosen,
            message_id=self.message_edit.text(),
            verdict=Verdict(self.verdict_combo.currentData() or Verdict.ANY),
            text=self.text_edit.text(),
        )

    def reset(self) -> None:
        """Show every event again (one ``changed``)."""
        widgets = (self.type_combo, self.verdict_combo, self.message_edit, self.text_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.type_combo.setCurrentIndex(0)
        self.verdict_combo.setCurrentIndex(0)
        self.message_edit.clear()
        self.text_edit.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._emit()

    def set_verdict(self, verdict: Verdict) -> None:
        self.verdict_combo.setCurrentIndex(self.verdict_combo.findData(verdict))

    def show_count(self, shown: int, total: int) -> None:
        noun = "event" if total == 1 else "events"
        self.count_label.setText(f"{shown:,} of {total:,} {noun}" if shown != total
                                 else f"{total:,} {noun}")

    def _emit(self) -> None:
        self.changed.emit(self.query())

"""A table of name/value rows, each with an on/off checkbox: query parameters and headers.

A row switched off stays in the table (so trying a request without a header
is one click, and one click back) but is left out of the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.accessible import describe

Row = tuple[bool, str, str]
"""(enabled, name, value)."""


class PairsTable(QWidget):
    changed = Signal()

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self.table = QTableWidget(0, 2)
        self.table.setObjectName(f"{noun.lower().replace(' ', '')}Table")
        self.table.setHorizontalHeaderLabels(["Name", "Value"])
        describe(self.table, f"{noun}s", f"Each {noun.lower()} with a tick box: unticked "
                                         "rows stay here but are left out of the request")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(False)
        self.table.itemChanged.connect(self._item_changed)

        self.add_button = QPushButton(f"Add {noun.lower()}")
        self.add_button.setToolTip(f"Add a {noun.lower()} row and start typing its name")
        self.add_button.clicked.connect(lambda: self.add_row(edit=True))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected rows")
        self.remove_button.clicked.connect(self.remove_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._quiet = False

    # -- reading ------------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        result = []
        for row in range(self.table.rowCount()):
            name_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            enabled = name_item is not None and name_item.checkState() == Qt.CheckState.Checked
            name = name_item.text().strip() if name_item is not None else ""
            value = value_item.text() if value_item is not None else ""
            result.append((enabled, name, value))
        return result

    def pairs(self) -> list[tuple[str, str]]:
        """The rows that are switched on and named, in order."""
        return [(name, value) for enabled, name, value in self.rows() if enabled and name]

    # -- writing ------------------------------------------------------------------------------

    def add_row(self, name: str = "", value: str = "", enabled: bool = True, *,
                edit: bool = False) -> int:
        row = self.table.rowCount()
        name_item = self._insert(name, value, enabled)
        if edit:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(name_item)
        self.changed.emit()
        return row

    def _insert(self, name: str, value: str, enabled: bool) -> QTableWidgetItem:
        row = self.table.rowCount()
        quiet, self._quiet = self._quiet, True
        try:
            self.table.insertRow(row)
            name_item = QTableWidgetItem(name)
            name_item.setFlags(name_item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name_item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)
            name_item.setToolTip(f"Untick to leave this {self.noun.lower()} out of the request")
            self.table.setItem(row, 0, name_item)
            self.table.setItem(row, 1, QTableWidgetItem(value))
        finally:
            self._quiet = quiet
        return name_item

    def set_rows(self, rows: Iterable[Row]) -> None:
        rows = list(rows)  # it may read this table
        quiet, self._quiet = self._quiet, True
        try:
            self.table.setRowCount(0)
            for enabled, name, value in rows:
                self._insert(name, value, enabled)
        finally:
            self._quiet = quiet
        self.changed.emit()

    def set_pairs(self, pairs: Iterable[tuple[str, str]], *, keep_disabled: bool = True) -> None:
        """Replace the switched-on rows; switched-off ones stay unless ``keep_disabled`` is off."""
        rows: list[Row] = [(True, name, value) for name, value in pairs]
        if keep_disabled:
            present = {name.lower() for _, name, _ in rows}
            rows += [r for r in self.rows() if not r[0] and r[1].lower() not in present]
        self.set_rows(rows)

    def remove_selected(self) -> None:
        selected = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not selected and self.table.currentRow() >= 0:
            selected = [self.table.currentRow()]
        for row in selected:
            self.table.removeRow(row)
        if selected:
            self.changed.emit()

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._quiet:
            self.changed.emit()

"""Pick which profiles to export (all but the built-in Sandbox are ticked)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.profiles import Profile
from desktop.ui.widgets.accessible import describe, describe_buttons


class ChooseProfilesDialog(QDialog):
    def __init__(self, profiles: list[tuple[Profile, bool]], parent: QWidget | None = None) -> None:
        """``profiles``: each profile with whether it starts ticked."""
        super().__init__(parent)
        self.setWindowTitle("Export profiles")
        layout = QVBoxLayout(self)
        intro = QLabel("The file holds the chosen profiles' settings: no secrets and no ids. "
                       "A teammate imports it and enters their own secrets.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        describe(self.list, "Profiles to export",
                 "Tick the profiles to put in the file (Space ticks the selected one)")
        for profile, ticked in profiles:
            item = QListWidgetItem(profile.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        describe_buttons(buttons, Export="Choose where to save the file (no secrets in it)")
        layout.addWidget(buttons)
        self.list.itemChanged.connect(self._update)
        self._update()

    def chosen(self) -> list[str]:
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def set_chosen(self, names: list[str]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names
                               else Qt.CheckState.Unchecked)

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.chosen()))

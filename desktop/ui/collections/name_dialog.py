"""Ask for one name (new collection, new folder, rename), saying what is wrong in place.

Opened with ``open()``, never ``exec()``: the window keeps running. The
caller's ``apply`` does the work through core; a ``CollectionError`` it
raises is shown under the field and the dialog stays open with the text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.accessible import describe, describe_buttons


class NameDialog(QDialog):
    def __init__(self, title: str, label: str, text: str, apply: Callable[[str], object],
                 parent: QWidget | None = None, *, button: str = "OK") -> None:
        super().__init__(parent)
        self.setObjectName("collectionNameDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self._apply = apply
        caption = QLabel(label)
        self.name = QLineEdit(text)
        self.name.setObjectName("collectionName")
        self.name.selectAll()
        describe(self.name, label.rstrip(":").replace("&", ""), "Up to 200 characters; "
                 "the file or folder name follows it")
        caption.setBuddy(self.name)
        self.error = QLabel()
        self.error.setObjectName("nameError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons)
        self.name.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.ok.setEnabled(bool(text.strip()))
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.name)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        from desktop.core.collections import CollectionError, UnsafeWriteError

        try:
            self._apply(self.name.text().strip())
        except (CollectionError, UnsafeWriteError, OSError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


def ask_name(parent: QWidget, title: str, label: str, text: str,
             apply: Callable[[str], object], *, button: str = "OK") -> NameDialog:
    dialog = NameDialog(title, label, text, apply, parent, button=button)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog

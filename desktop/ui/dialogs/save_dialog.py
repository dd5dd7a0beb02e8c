"""Save the Composer's request into a collection: which collection, which folder, what name.

The request is written by core (``Collection.save``) through the redactor
bound to the active profile: credential headers are left out and secrets in
the URL, headers and body are redacted; the dialog says what was left out.
A collection that does not exist yet is created on the way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.collections import (
    Collection,
    CollectionError,
    CollectionFileError,
    FolderNode,
    SavedRequest,
    SaveResult,
    UnsafeWriteError,
)
from desktop.ui.context import AppContext
from desktop.ui.widgets.accessible import describe, describe_buttons

NEW = "__new__"
"""The collection combo's "New collection" entry."""


class SaveDialog(QDialog):
    def __init__(self, ctx: AppContext, build: Callable[[str], SavedRequest], name: str,
                 parent: QWidget | None = None, *, collection: Collection | None = None,
                 folder: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("saveRequestDialog")
        self.setWindowTitle("Save request")
        self.setMinimumWidth(460)
        self.ctx = ctx
        self._build = build
        self.result_: tuple[Collection, SaveResult] | None = None
        """What was saved, once it was (the Composer saves there in place afterwards)."""
        self.name = QLineEdit(name)
        self.name.setObjectName("saveName")
        self.name.selectAll()
        describe(self.name, "Request name", "Shown in the collections tree; the file is named "
                 "after it")
        self.collection = QComboBox()
        self.collection.setObjectName("saveCollection")
        describe(self.collection, "Collection", "The collection to save into, or a new one")
        self.new_name = QLineEdit()
        self.new_name.setObjectName("saveNewCollection")
        describe(self.new_name, "New collection name", "The name of the collection to create")
        self.folder = QComboBox()
        self.folder.setObjectName("saveFolder")
        describe(self.folder, "Folder", "Where in the collection the request goes")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Collection:", self.collection)
        form.addRow("New collection &name:", self.new_name)
        form.addRow("&Folder:", self.folder)
        self._form = form
        note = QLabel("Credentials are never saved: the profile attaches its own when the "
                      "request is sent, and secrets in the URL, headers and body are replaced "
                      "by [REDACTED].")
        note.setObjectName("saveNote")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("saveError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons, Save="Write the request into the collection (no "
                                            "credentials)")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._fill_collections(collection)
        self.collection.currentIndexChanged.connect(lambda _i: self._collection_chosen())
        self._collection_chosen(folder)
        self.name.textChanged.connect(lambda _t: self._update_enabled())
        self.new_name.textChanged.connect(lambda _t: self._update_enabled())

    def _fill_collections(self, chosen: Collection | None) -> None:
        library = self.ctx.collections
        for entry in library.entries():
            if entry.problem is None:
                self.collection.addItem(entry.name, str(entry.path))
        self.collection.addItem("New collection…", NEW)
        if chosen is not None:
            index = self.collection.findData(str(chosen.root))
            self.collection.setCurrentIndex(max(0, index))
        self.new_name.setText(library.unique_name("My requests"))

    def chosen_collection(self) -> Collection | None:
        root = self.collection.currentData()
        if root in (None, NEW):
            return None
        from pathlib import Path

        return self.ctx.collections.collection(Path(root))

    def _collection_chosen(self, folder: str = "") -> None:
        collection = self.chosen_collection()
        new = collection is None
        self._form.setRowVisible(self.new_name, new)
        self.folder.clear()
        self.folder.addItem("(top level)", "")
        if collection is not None:
            for trail, path in _folders(collection.tree().root):
                self.folder.addItem(" / ".join(trail), path)
        self.folder.setCurrentIndex(max(0, self.folder.findData(folder)))
        self.folder.setEnabled(not new)
        self._update_enabled()

    def _update_enabled(self) -> None:
        ok = bool(self.name.text().strip()) and (
            self.chosen_collection() is not None or bool(self.new_name.text().strip()))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def accept(self) -> None:
        library = self.ctx.collections
        try:
            collection = self.chosen_collection()
            if collection is None:
                collection = library.create(self.new_name.text())
            collection = self.ctx.writable(collection)
            saved = self._build(self.name.text().strip())
            result = collection.save(saved, self.folder.currentData() or "")
        except (CollectionError, CollectionFileError, UnsafeWriteError, OSError) as exc:
            self.error.setText(f"Not saved: {exc}")
            self.error.show()
            return
        self.result_ = (collection, result)
        left_out = "; left out: " + "; ".join(result.dropped) if result.dropped else ""
        self.ctx.say(f"Saved “{saved.name}” in {collection.name}{left_out}.", 8000)
        super().accept()


def _folders(folder: FolderNode, trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                            str]]:
    found = []
    for sub in sorted(folder.folders, key=lambda f: (f.seq, f.name.lower())):
        found.append(((*trail, sub.name), sub.path))
        found += _folders(sub, (*trail, sub.name))
    return found

"""File › Import…: a Postman collection or environment, an Insomnia export, OpenAPI, a HAR.

Core reads the file (bounded: 50 MB, 20 MB of YAML, nesting, aliases) on a
worker thread, so a large file never freezes the window, and returns a
preview: what will come in, what will be dropped and why. Nothing is written
until Import. Collections go into a new or an existing collection; an
environment's variables become settings of a profile, its secret ones are
offered for the keychain (ticked by the user, never written to a file); a
HAR's exchanges go to the History. A bad or hostile file is one line naming
the file and the reason.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.collections import ImportKind, ImportPreview
from desktop.core.richtext import escape
from desktop.ui.context import AppContext
from desktop.ui.crash import spawn
from desktop.ui.widgets.accessible import describe, describe_buttons

log = logging.getLogger(__name__)
FILE_FILTER = ("Collections and API files (*.json *.yaml *.yml *.har);;"
               "All files (*)")
NEW = "__new__"


class ImportDialog(QDialog):
    imported = Signal(str)
    """What was imported, in words (also said in the status bar)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import")
        self.resize(720, 560)
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.problem: str | None = None
        self.task: asyncio.Task[None] | None = None
        self.secret_boxes: list[tuple[QCheckBox, object]] = []
        intro = QLabel("A Postman collection (v2.0, v2.1) or environment, an Insomnia v4 "
                       "export, an OpenAPI 3 document (JSON or YAML) or a HAR file. You see "
                       "what comes in before anything is written.")
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("No file chosen")
        describe(self.path, "File", "The file to import")
        self.choose = QPushButton("&Choose file…")
        self.choose.setObjectName("importChoose")
        self.choose.setToolTip("Pick the file to import")
        self.choose.clicked.connect(lambda: self.choose_file())
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("importPreview")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        describe(self.text, "Preview", "What the file brings in and what is dropped, and why")
        self.into = QComboBox()
        self.into.setObjectName("importInto")
        describe(self.into, "Into", "A new collection, or an existing one to add to")
        self.profile = QComboBox()
        self.profile.setObjectName("importProfile")
        describe(self.profile, "Profile", "The profile whose settings receive the variables")
        self.also_save = QCheckBox("Also save its requests as a collection")
        self.also_save.setObjectName("importAlsoSave")
        self.also_save.setToolTip("Besides the History, keep each request in a collection "
                                  "(credentials left out)")
        self.options = QFormLayout()
        self.options.addRow("&Into:", self.into)
        self.options.addRow("&Profile:", self.profile)
        self.options.addRow("", self.also_save)
        self.secrets = QVBoxLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons, Import="Write what the preview lists (nothing else)")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)
        layout.addLayout(self.options)
        layout.addLayout(self.secrets)
        layout.addWidget(self.buttons)
        self._show_options()

    # -- reading ------------------------------------------------------------------------------

    def choose_file(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(self, "Import", "", FILE_FILTER)
        if not chosen:
            return None
        self.load(Path(chosen))
        return Path(chosen)

    def load(self, path: Path) -> asyncio.Task[None]:
        """Read and preview ``path`` off the UI thread; the dialog shows the result."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.preview, self.problem = None, None
        self.path.setText(str(path))
        self.text.clear()
        self._say(f"Reading {path.name}…", "")
        self._show_options()
        self.task = spawn(self._load(path), name="import-preview")
        return self.task

    async def _load(self, path: Path) -> None:
        from desktop.core.collections import ImportFileError, preview_file

        profile = self.ctx.active_profile
        provider = self.ctx.workspace.provider_for(profile) if profile else None
        try:
            preview = await asyncio.to_thread(preview_file, path, provider=provider)
        except ImportFileError as exc:
            self._failed(str(exc))
            return
        except Exception as exc:  # a bug or an odd file: still one line, never a traceback
            log.exception("preview of %s failed", path)
            self._failed(f"{path}: could not be read ({type(exc).__name__})")
            return
        self._previewed(preview)

    def _failed(self, line: str) -> None:
        self.problem = self._redact(line.splitlines()[0] if line else "could not be read")
        self._say(self.problem, "error")
        self.import_button.setEnabled(False)
        self._show_options()

    def _previewed(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.text.setPlainText("\n".join(preview.lines(self._redactor())))
        counts = [f"{len(preview.requests)} request(s)" if preview.requests else "",
                  f"{len(preview.exchanges)} exchange(s)" if preview.exchanges else "",
                  f"{len(preview.variables)} variable(s)" if preview.variables else "",
                  f"{len(preview.dropped)} item(s) dropped" if preview.dropped else ""]
        self._say(f"{preview.format}: {', '.join(c for c in counts if c) or 'nothing to import'}"
                  ". Check the preview, then Import.", "ok")
        self._show_options()
        self.import_button.setEnabled(self._importable())

    def _importable(self) -> bool:
        preview = self.preview
        if preview is None:
            return False
        if preview.kind is ImportKind.POSTMAN_ENVIRONMENT:
            return self.profile.count() > 0 and bool(preview.variables or preview.secrets)
        if preview.kind is ImportKind.HAR:
            return bool(preview.exchanges)
        return bool(preview.requests or preview.folders)

    def _show_options(self) -> None:
        preview = self.preview
        kind = preview.kind if preview else None
        environment = kind is ImportKind.POSTMAN_ENVIRONMENT
        collection = preview is not None and not environment and kind is not ImportKind.HAR
        self.options.setRowVisible(self.into, collection or (
            kind is ImportKind.HAR and self.also_save.isChecked()))
        offers = list(preview.secrets) if preview is not None else []
        self.options.setRowVisible(self.profile, environment or bool(offers))
        self.options.setRowVisible(self.also_save, kind is ImportKind.HAR)
        if preview is not None and self.into.count() == 0:
            self.into.addItem(f"New collection “{self.ctx.collections.unique_name(preview.name)}”",
                              NEW)
            for name in self.ctx.collections.names():
                self.into.addItem(f"Add to “{name}”", name)
            self.also_save.toggled.connect(lambda _on: self._show_options())
        if (environment or offers) and self.profile.count() == 0:
            for profile in self.ctx.workspace.profiles:
                self.profile.addItem(profile.name, profile.id)
            active = self.ctx.active_profile
            if active is not None:
                self.profile.setCurrentIndex(max(0, self.profile.findData(active.id)))
        self._offer_secrets(offers)

    def _offer_secrets(self, offers: list) -> None:
        if [o for _box, o in self.secret_boxes] == offers:
            return
        for box, _offer in self.secret_boxes:
            box.deleteLater()
        self.secret_boxes = []
        from desktop.core.secrets import SecretKind

        kinds = {kind.value: kind for kind in SecretKind}
        for offer in offers:
            kind = kinds.get(offer.kind or "")
            if kind is None:
                text = f"{offer.name}: secret, not imported (no matching profile secret)"
            else:
                text = f"Keep {offer.name} in the keychain as the profile's {kind.noun}"
            box = QCheckBox(text, self)
            box.setObjectName("importSecret")
            box.setEnabled(kind is not None)
            box.setToolTip("Never written to a file: only the OS keychain holds it")
            self.secrets.addWidget(box)
            self.secret_boxes.append((box, offer))

    # -- writing ------------------------------------------------------------------------------

    def accept(self) -> None:
        from desktop.ui.dialogs.import_apply import apply_import

        if self.preview is None:
            return
        try:
            said = apply_import(self, self.preview)
        except Exception as exc:
            from desktop.core.collections import CollectionError, UnsafeWriteError

            if not isinstance(exc, CollectionError | UnsafeWriteError | OSError):
                raise
            self._say(self._redact(f"Not imported: {exc}"), "error")
            return
        self.ctx.say(said, 10_000)
        self.imported.emit(said)
        super().accept()

    # -- helpers ------------------------------------------------------------------------------

    def _redactor(self):
        from desktop.core.collections.safety import default_redactor

        return default_redactor()

    def _redact(self, text: str) -> str:
        return self._redactor().redact_text(text)

    def _say(self, text: str, kind: str) -> None:
        colour = {"error": "fail", "ok": "ok"}.get(kind)
        if colour:
            from desktop.ui.theme import qcolor

            mark = "✗ " if kind == "error" else ""
            text = f"<span style='color:{qcolor(colour).name()}'>{mark}{escape(text)}</span>"
        else:
            text = escape(text)
        self.status.setText(text)


def show_import(ctx: AppContext, parent: QWidget, path: Path | None = None) -> ImportDialog:
    dialog = ImportDialog(ctx, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    if path is not None:
        dialog.load(path)
    return dialog

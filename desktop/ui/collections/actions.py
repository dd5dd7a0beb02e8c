"""What the user does to collections from the sidebar: each action one call into core.

New collection / folder, rename, duplicate, delete (to the trash, after
asking), move up and down, open a folder from anywhere (a git checkout),
export as Postman v2.1, run. Every write goes through a collection bound
to the active profile (``AppContext.writable``), so the one redactor knows
the profile's secrets. A refusal from core (a name clash, a secret in the
text) is said in one line; anything unexpected reaches the crash handler.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.collections import (
    Collection,
    CollectionError,
    CollectionFileError,
    UnsafeWriteError,
)
from desktop.ui.models.collections_model import KIND_ROLE, PATH_ROLE, ROOT_ROLE
from desktop.ui.widgets.accessible import describe_buttons
from desktop.ui.widgets.actions import make_action

if TYPE_CHECKING:
    from desktop.ui.collections.name_dialog import NameDialog
    from desktop.ui.collections.panel import CollectionsPanel
    from desktop.ui.collections.run_dialog import RunDialog
    from desktop.ui.context import AppContext

REFUSALS = (CollectionError, CollectionFileError, UnsafeWriteError, OSError)


class CollectionActions(QObject):
    def __init__(self, ctx: AppContext, panel: CollectionsPanel) -> None:
        super().__init__(panel)
        self.ctx = ctx
        self.panel = panel
        self.dialog: NameDialog | None = None
        self.message: QMessageBox | None = None
        """The last confirmation or report box (tests answer it)."""
        self.run_dialog: RunDialog | None = None

        def make(text: str, slot, tip: str, icon_text: str = "") -> QAction:
            return make_action(self, text, slot, tip, icon_text=icon_text)

        self.new_collection_action = make("New co&llection…", self.new_collection,
                                          "Create an empty collection", "New")
        self.open_folder_action = make("&Open collection folder…", self.open_folder,
                                       "Open a collection folder from anywhere, such as a git "
                                       "checkout", "Open…")
        self.new_folder_action = make("New &folder…", self.new_folder,
                                      "Add a folder to the selected collection or folder")
        self.open_action = make("Open in &Composer\tEnter", self.open_request,
                                "Open the selected request in the Composer, variables filled in")
        self.rename_action = make("&Rename…\tF2", self.rename, "Rename the selected item")
        self.duplicate_action = make("D&uplicate", self.duplicate,
                                     "Copy the selected request, right after it")
        self.delete_action = make("&Delete…\tDel", self.delete,
                                  "Move the selected item to the trash (asks first)")
        self.up_action = make("Move u&p\tAlt+Up", lambda: self.move(-1),
                              "Move the selected item up among its siblings")
        self.down_action = make("Move do&wn\tAlt+Down", lambda: self.move(1),
                                "Move the selected item down among its siblings")
        self.export_action = make("&Export as Postman v2.1…", self.export,
                                  "Save the collection as a Postman v2.1 file, secrets redacted")
        self.run_action = make("Ru&n collection", self.run,
                               "Send every request of the collection in order with the "
                               "active profile", "Run")
        self.update()

    @property
    def buttons(self) -> list[QAction]:
        return [self.new_collection_action, self.open_folder_action, self.run_action]

    def menu_groups(self) -> list[list[QAction]]:
        return [[self.open_action, self.run_action],
                [self.new_collection_action, self.new_folder_action, self.open_folder_action],
                [self.rename_action, self.duplicate_action, self.up_action, self.down_action,
                 self.delete_action],
                [self.export_action]]

    # -- the selection --------------------------------------------------------------------------

    def selection(self) -> tuple[Collection | None, str, str]:
        """(collection, path inside it, kind) of the current row."""
        index = self.panel.tree.currentIndex()
        root = index.data(ROOT_ROLE)
        if not root:
            return None, "", index.data(KIND_ROLE) or ""
        collection = self.ctx.collections.collection(Path(root))
        return collection, index.data(PATH_ROLE) or "", index.data(KIND_ROLE)

    def update(self) -> None:
        collection, _path, kind = self.selection()
        for action in (self.new_folder_action, self.rename_action, self.delete_action,
                       self.export_action, self.run_action):
            action.setEnabled(collection is not None)
        self.open_action.setEnabled(kind == "request")
        self.duplicate_action.setEnabled(kind == "request")
        self.up_action.setEnabled(kind in ("request", "folder"))
        self.down_action.setEnabled(kind in ("request", "folder"))

    def _window(self) -> QWidget:
        return self.panel.window()

    # -- actions --------------------------------------------------------------------------------

    def new_collection(self) -> NameDialog:
        def apply(name: str) -> None:
            made = self.ctx.collections.create(name)
            self.panel.refresh(select=(str(made.root), ""))
            self.ctx.say(f"Created the collection “{made.name}” ({made.root}).")

        return self._ask("New collection", "Collection &name:",
                         self.ctx.collections.unique_name("New collection"), apply, "Create")

    def new_folder(self) -> NameDialog | None:
        collection, path, kind = self.selection()
        if collection is None:
            return None
        parent = path if kind == "folder" else path.rpartition("/")[0] if kind == "request" \
            else ""

        def apply(name: str) -> None:
            made = self.ctx.writable(collection).add_folder(name, parent)
            self.panel.refresh(select=(str(collection.root), made))

        return self._ask("New folder", "Folder &name:", "New folder", apply, "Create")

    def rename(self) -> NameDialog | None:
        collection, path, kind = self.selection()
        if collection is None:
            return None
        index = self.panel.tree.currentIndex()
        if kind == "collection":
            current = collection.name

            def apply(name: str) -> None:
                self.ctx.writable(collection).set_meta(name=name)
                self.panel.refresh(select=(str(collection.root), ""))
        else:
            node = collection.tree().find(path)
            current = node.name if node is not None else index.data()

            def apply(name: str) -> None:
                moved = self.ctx.writable(collection).rename(path, name)
                self.panel.refresh(select=(str(collection.root), moved))
                self._follow(collection, path, moved)

        return self._ask(f"Rename {kind}", "New &name:", current, apply, "Rename")

    def duplicate(self) -> str | None:
        collection, path, kind = self.selection()
        if collection is None or kind != "request":
            return None
        copy = self._attempt("Duplicate", lambda: self.ctx.writable(collection).duplicate(path))
        if copy is not None:
            self.panel.refresh(select=(str(collection.root), copy))
        return copy

    def move(self, step: int) -> bool:
        """Swap the selected row with its neighbour (``step`` −1 up, +1 down)."""
        collection, path, kind = self.selection()
        if collection is None or kind not in ("request", "folder"):
            return False
        parent = path.rpartition("/")[0]
        node = collection.tree().find(parent)
        order = [child.path for child in node.children()] if node is not None else []
        if path not in order:
            return False
        at = order.index(path)
        other = at + step
        if not 0 <= other < len(order):
            return False
        order[at], order[other] = order[other], order[at]
        done = self._attempt("Move", lambda: self.ctx.writable(collection).reorder(parent, order)
                             or True)
        self.panel.refresh(select=(str(collection.root), path))
        return done is not None

    def delete(self) -> QMessageBox | None:
        collection, path, kind = self.selection()
        if collection is None:
            return None
        name = self.panel.tree.currentIndex().data() if kind != "request" else \
            (collection.tree().find(path) or collection).name
        external = kind == "collection" and any(
            entry.external and entry.path.resolve() == collection.root.resolve()
            for entry in self.ctx.collections.entries())
        if kind == "collection" and external:
            text = f"Remove the collection “{name}” from the list?"
            info = f"Its files stay where they are ({collection.root}); open the folder again " \
                   "to bring it back."
        else:
            text = f"Delete the {kind} “{name}”?"
            info = f"It goes to the trash ({collection.trash_dir}), where it can be recovered."
        box = self._show(QMessageBox.Icon.Warning, f"Delete {kind}", text, info,
                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        button = box.button(QMessageBox.StandardButton.Yes)
        button.setText("Remove" if external else "Delete")
        button.setAccessibleDescription(info)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._delete(collection, path, kind, name)
                             if result == QMessageBox.StandardButton.Yes else None)
        return box

    def _delete(self, collection: Collection, path: str, kind: str, name: str) -> None:
        if kind == "collection":
            gone = self._attempt("Delete", lambda: self.ctx.collections.remove(collection.name)
                                 or True)
        else:
            gone = self._attempt("Delete", lambda: self.ctx.writable(collection).delete(path))
        if gone is not None:
            self.panel.refresh()
            self.ctx.say(f"Deleted “{name}”: it is in the trash.")

    def open_folder(self, folder: Path | None = None) -> QMessageBox | None:
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self._window(), "Open collection folder")
            if not chosen:
                return None
            folder = Path(chosen)
        from desktop.core.collections.files import COLLECTION_FILE

        if not (folder / COLLECTION_FILE).exists():
            box = self._show(QMessageBox.Icon.Question, "Open collection folder",
                             f"{folder} holds no collection ({COLLECTION_FILE}).",
                             "Make it a new, empty collection? Its requests will be saved as "
                             "files in this folder, ready to commit.",
                             QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            box.button(QMessageBox.StandardButton.Yes).setText("Create collection here")
            box.finished.connect(lambda result: self._opened(
                lambda: self.ctx.collections.create(self.ctx.collections.unique_name(
                    folder.name or "Collection"), location=folder))
                if result == QMessageBox.StandardButton.Yes else None)
            return box
        self._opened(lambda: self.ctx.collections.open(folder))
        return None

    def _opened(self, make) -> None:
        collection = self._attempt("Open collection folder", make)
        if collection is not None:
            self.panel.refresh(select=(str(collection.root), ""))
            self.ctx.say(f"Opened the collection “{collection.name}” from {collection.root}.")

    def export(self, target: Path | None = None) -> Path | None:
        collection, _path, _kind = self.selection()
        if collection is None:
            return None
        if target is None:
            from desktop.core.collections.files import slug

            chosen, _filter = QFileDialog.getSaveFileName(
                self._window(), "Export as Postman v2.1",
                f"{slug(collection.name, 'collection')}.postman_collection.json",
                "Postman collection (*.json)")
            if not chosen:
                return None
            target = Path(chosen)
        from desktop.core.collections import export_text

        profile = self.ctx.active_profile
        provider = self.ctx.workspace.provider_for(profile) if profile else None

        def write() -> Path:
            text = export_text(self.ctx.writable(collection), provider=provider,
                               base_url=profile.base_url if profile else "")
            target.write_text(text, encoding="utf-8")
            return target

        written = self._attempt("Export as Postman v2.1", write)
        if written is not None:
            self.ctx.say(f"Exported “{collection.name}” to {written} (secrets redacted).")
        return written

    def run(self) -> RunDialog | QMessageBox | None:
        collection, _path, _kind = self.selection()
        if collection is None:
            return None
        from desktop.ui.collections.run_dialog import start_run

        self.run_dialog = start_run(self.ctx, self.ctx.writable(collection), self._window())
        return self.run_dialog

    def open_request(self) -> bool:
        collection, path, kind = self.selection()
        if collection is None or kind != "request":
            return False
        composer = self._window().show_page("Composer")
        return self._attempt("Open request",
                             lambda: composer.saving.open(collection, path)) is not None

    # -- helpers --------------------------------------------------------------------------------

    def _follow(self, collection: Collection, old: str, new: str) -> None:
        """The Composer keeps saving a renamed request in place."""
        window = self._window()
        built = getattr(window, "_built", {})
        composer = built.get("Composer")
        if composer is not None:
            composer.saving.moved(collection, old, new)

    def _attempt(self, title: str, work):
        try:
            return work()
        except REFUSALS as exc:
            self._show(QMessageBox.Icon.Warning, title, str(exc))
            return None

    def _ask(self, title: str, label: str, text: str, apply, button: str) -> NameDialog:
        from desktop.ui.collections.name_dialog import ask_name

        self.dialog = ask_name(self._window(), title, label, text, apply, button=button)
        return self.dialog

    def _show(self, icon: QMessageBox.Icon, title: str, text: str, informative: str = "",
              buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok) -> QMessageBox:
        box = QMessageBox(icon, title, text, buttons, self._window())
        if informative:
            box.setInformativeText(informative)
        describe_buttons(box)
        box.finished.connect(box.deleteLater)
        self.message = box
        box.open()
        return box

"""The Composer and collections: open a saved request into it, save it back (Ctrl+S).

A request opened from a collection is shown with its ``{{variables}}``
filled in (collection variables under the active profile's values, as a
run would send it) and remembered as the Composer's *origin*: Ctrl+S then
saves in place, keeping the file's variables wherever the user changed
nothing (``edited_request``), and Ctrl+Shift+S saves a copy elsewhere. A
request that came from anywhere else opens the Save dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.client.spec import RequestSpec
from desktop.core.collections import (
    Collection,
    Resolved,
    SavedRequest,
    SaveResult,
    from_spec,
    resolve,
    session_values,
)
from desktop.core.collections.editing import edited_request
from desktop.core.collections.model import variable_values

if TYPE_CHECKING:
    from desktop.ui.dialogs.save_dialog import SaveDialog
    from desktop.ui.pages.composer import ComposerPage


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the Composer's request came from, and how it looked when it was opened."""

    root: Path
    path: str
    saved: SavedRequest
    shown: RequestSpec


class ComposerSaving:
    def __init__(self, page: ComposerPage) -> None:
        self.page = page
        self.origin: Origin | None = None
        self.dialog: SaveDialog | None = None

    @property
    def base_url(self) -> str:
        return self.page.profile.base_url if self.page.profile else ""

    def forget(self) -> None:
        """Another request took the editor's place (Ctrl+T, a template, History)."""
        self.origin = None

    def open(self, collection: Collection, path: str) -> Resolved:
        """Show a saved request in the Composer, ready to send with the active profile."""
        saved = collection.read(path)
        session = self.page.session()
        values = session_values(collection, session) if session is not None else \
            variable_values(collection.meta.variables, {})
        resolved = resolve(saved, values, self.base_url)
        self.page.new_request(resolved.spec)
        self.origin = Origin(collection.root, path, saved, self.page.editor.spec())
        notes = [f"Opened “{saved.name}” from {collection.name}: Ctrl+S saves it in place."]
        if resolved.missing:
            notes.append("Unresolved: " + ", ".join("{{" + m + "}}" for m in resolved.missing))
        if resolved.withheld_credentials:
            notes.append("Its URL is not on the profile's host: sent without credentials.")
        self.page.ctx.say("  ".join(notes), 8000)
        self.page.ctx.show_page.emit(self.page.title)
        return resolved

    def moved(self, collection: Collection, old: str, new: str) -> None:
        """The request was renamed in the tree: keep saving it where it is now."""
        origin = self.origin
        if origin is not None and origin.root == collection.root and origin.path == old:
            self.origin = Origin(origin.root, new, collection.read(new), origin.shown)

    def save(self) -> SaveResult | SaveDialog | None:
        """Ctrl+S: in place when the request came from a collection, else the Save dialog."""
        origin = self.origin
        if origin is None:
            return self.save_as()
        from desktop.core.collections import CollectionError, CollectionFileError
        from desktop.core.collections.safety import UnsafeWriteError

        ctx = self.page.ctx
        collection = ctx.writable(ctx.collections.collection(origin.root))
        edited = self.page.editor.spec()
        try:
            current = collection.read(origin.path)
            saved = edited_request(origin.saved, origin.shown, edited, base_url=self.base_url,
                                   name=current.name)
            result = collection.save(saved, path=origin.path)
        except (CollectionError, CollectionFileError, UnsafeWriteError, OSError) as exc:
            ctx.say(f"Not saved: {exc}", 10_000)
            return self.save_as()  # the file is gone or unreadable: save it somewhere else
        self._saved(collection, result, edited)
        left_out = "; left out: " + "; ".join(result.dropped) if result.dropped else ""
        ctx.say(f"Saved “{saved.name}” in {collection.name}{left_out}.", 8000)
        return result

    def save_as(self) -> SaveDialog:
        """Ctrl+Shift+S (and Ctrl+S for a new request): choose collection, folder, name."""
        from desktop.ui.dialogs.save_dialog import SaveDialog

        ctx = self.page.ctx
        edited = self.page.editor.spec()
        origin = self.origin
        collection = ctx.collections.collection(origin.root) if origin else None
        if origin is not None:
            name = f"{origin.saved.name} copy"
            folder = origin.path.rpartition("/")[0]

            def build(chosen: str) -> SavedRequest:
                return edited_request(origin.saved, origin.shown, edited,
                                      base_url=self.base_url, name=chosen)
        else:
            name, folder = default_name(edited, self.page.editor), ""

            def build(chosen: str) -> SavedRequest:
                return from_spec(edited, chosen, base_url=self.base_url)

        dialog = SaveDialog(ctx, build, name, self.page.window(), collection=collection,
                            folder=folder)
        dialog.accepted.connect(lambda: self._saved(*dialog.result_, edited)
                                if dialog.result_ else None)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, collection: Collection, result: SaveResult, edited: RequestSpec) -> None:
        """From now on Ctrl+S saves this file in place."""
        self.origin = Origin(collection.root, result.path, collection.read(result.path), edited)
        panel = getattr(self.page.window(), "collections_panel", None)
        if panel is not None:
            panel.refresh(select=(str(collection.root), result.path))


def default_name(spec: RequestSpec, editor: object) -> str:
    """``GET /api/core/whoami``: the method and the path the editor shows."""
    from desktop.core.compose import split_query

    relative = getattr(editor, "relative", lambda url: url)
    target, _query = split_query(spec.url)
    return f"{spec.method} {relative(target) or '/'}"[:200]

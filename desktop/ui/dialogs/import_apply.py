"""The import dialog's Import button: hand the preview to core's ``apply_*`` and say what
happened, in one sentence for the status bar.

Collections are written through the redactor of the active profile; an
environment's variables go to the chosen profile, the secrets the user
ticked to the keychain only; a HAR's exchanges to the History.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.collections import (
    ImportKind,
    ImportPreview,
    apply_environment,
    apply_to_collection,
    offer_to_keychain,
)

if TYPE_CHECKING:
    from desktop.ui.dialogs.import_dialog import ImportDialog

NEW = "__new__"


def apply_import(dialog: ImportDialog, preview: ImportPreview) -> str:
    """Write what the preview lists; returns what was done, in words."""
    if preview.kind is ImportKind.POSTMAN_ENVIRONMENT:
        return _environment(dialog, preview)
    said = []
    if preview.kind is ImportKind.HAR:
        dialog.ctx.workspace.history.extend(list(preview.exchanges))
        said.append(f"{len(preview.exchanges)} exchange(s) added to the History")
        if not dialog.also_save.isChecked():
            dialog.ctx.show_page.emit("History")
            return f"Imported {preview.source}: " + "; ".join(said) + "."
    said.append(_collection(dialog, preview))
    profile = dialog.ctx.workspace.profiles.by_id(dialog.profile.currentData())
    kept = _keep_secrets(dialog, profile.id) if profile is not None else []
    if kept:
        said.append(f"in the keychain of “{profile.name}”: {', '.join(kept)}")
    return f"Imported {preview.source}: " + "; ".join(said) + "."


def _collection(dialog: ImportDialog, preview: ImportPreview) -> str:
    ctx = dialog.ctx
    library = ctx.collections
    session = None
    try:
        session = ctx.session()
    except KeyError:
        pass
    into = dialog.into.currentData()
    into = None if into in (None, NEW) else into
    existing = library.get(into) if into else None
    if existing is not None:
        ctx.writable(existing)
    default = library.redactor
    if session is not None:  # a new collection is written with the profile's redactor too
        library.redactor = session.redactor(mask_phones=False)
    try:
        result = apply_to_collection(preview, library, into=into)
    finally:
        library.redactor = default
    collection = result.collection
    assert collection is not None
    panel = getattr(dialog.parent(), "collections_panel", None)
    if panel is not None:
        panel.refresh(select=(str(collection.root), ""))
    left_out = len(result.dropped_on_write)
    secret_vars = result.variables_left_out
    return (f"{len(result.saved)} request(s) into “{collection.name}”"
            + (f", {left_out} credential header(s) left out" if left_out else "")
            + (f", secret variables not written: {', '.join(secret_vars)}" if secret_vars
               else ""))


def _keep_secrets(dialog: ImportDialog, profile_id: str) -> list[str]:
    """The offered secrets the user ticked, into the profile's keychain entries only."""
    from desktop.core.secrets import SecretKind

    kept = []
    for box, offer in dialog.secret_boxes:
        if box.isChecked() and offer.kind:
            offer_to_keychain(dialog.ctx.workspace.secrets, profile_id, offer,
                              SecretKind(offer.kind))
            kept.append(offer.name)
    return kept


def _environment(dialog: ImportDialog, preview: ImportPreview) -> str:
    ctx = dialog.ctx
    workspace = ctx.workspace
    profile = workspace.profiles.by_id(dialog.profile.currentData())
    if profile is None:
        from desktop.core.collections import CollectionError

        raise CollectionError("Choose the profile that receives the variables.")
    result = apply_environment(preview, workspace.profiles, profile.name)
    kept = _keep_secrets(dialog, profile.id)
    written = len(preview.variables) - len(result.variables_left_out)
    return (f"Imported {preview.source}: {written} setting(s) into profile “{profile.name}”"
            + (f"; in the keychain: {', '.join(kept)}" if kept else "")
            + (f"; not written (secret): {', '.join(result.variables_left_out)}"
               if result.variables_left_out else "") + ".")

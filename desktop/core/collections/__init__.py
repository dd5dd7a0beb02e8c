"""Collections: saved requests as plain-text files, imports from other tools, runs, exports.

The window's sidebar tree, the Composer's Ctrl+S and the import dialog are
views over this package; ``switchboard run``, ``import`` and ``collections``
use it headless. No Qt here.

- ``CollectionLibrary``: every collection (config dir, and folders opened from
  anywhere, such as a git checkout); ``changed`` fires when the list changes.
- ``Collection``: one folder; ``tree()`` reads it (unreadable files are listed in
  ``problems``), ``save``/``save_spec``/``rename``/``duplicate``/``reorder``/``move``/
  ``delete``/``restore`` change it, ``changed`` announces each ``Change``.
- ``bind_to_session``: writes redacted with the active profile's secrets, its auth
  header never stored; ``session_values`` and ``resolve``: a saved request ready to send.
- ``preview_file`` → ``ImportPreview`` (what comes in, what is dropped), then
  ``apply_to_collection`` / ``apply_environment``.
- ``run_collection``: send a collection through a profile's client, outcome by outcome.
- ``export_postman``: a collection as Postman Collection v2.1.

Every file written goes through the redactor; see docs/collections.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.core.collections.binding import bind_to_session, session_values
    from desktop.core.collections.files import CollectionFileError, CollectionMeta, FolderMeta
    from desktop.core.collections.importer import (
        ImportResult,
        apply_environment,
        apply_to_collection,
        detect,
        offer_to_keychain,
        preview_document,
        preview_file,
    )
    from desktop.core.collections.library import CollectionLibrary, LibraryEntry
    from desktop.core.collections.loading import ImportFileError
    from desktop.core.collections.model import (
        Auth,
        Body,
        BodyType,
        Header,
        Resolved,
        SavedRequest,
        from_spec,
        resolve,
    )
    from desktop.core.collections.postman_export import export_postman, export_text
    from desktop.core.collections.preview import (
        Dropped,
        ImportedRequest,
        ImportKind,
        ImportPreview,
        OfferedSecret,
    )
    from desktop.core.collections.runner import (
        CollectionRun,
        RequestOutcome,
        changing_requests,
        run_collection,
        run_values,
    )
    from desktop.core.collections.safety import UnsafeWriteError
    from desktop.core.collections.store import (
        Change,
        Collection,
        CollectionError,
        Deleted,
        SaveResult,
    )
    from desktop.core.collections.tree import CollectionTree, FolderNode, RequestNode

# Loaded on first use (PEP 562): the sidebar needs the library and the tree at start-up,
# not the importers, the runner or the exporter (1.2 MiB of the idle window).
_WHERE = {
    "Auth": "desktop.core.collections.model",
    "Body": "desktop.core.collections.model",
    "BodyType": "desktop.core.collections.model",
    "Change": "desktop.core.collections.store",
    "Collection": "desktop.core.collections.store",
    "CollectionError": "desktop.core.collections.store",
    "CollectionFileError": "desktop.core.collections.files",
    "CollectionLibrary": "desktop.core.collections.library",
    "CollectionMeta": "desktop.core.collections.files",
    "CollectionRun": "desktop.core.collections.runner",
    "CollectionTree": "desktop.core.collections.tree",
    "Deleted": "desktop.core.collections.store",
    "Dropped": "desktop.core.collections.preview",
    "FolderMeta": "desktop.core.collections.files",
    "FolderNode": "desktop.core.collections.tree",
    "Header": "desktop.core.collections.model",
    "ImportFileError": "desktop.core.collections.loading",
    "ImportKind": "desktop.core.collections.preview",
    "ImportPreview": "desktop.core.collections.preview",
    "ImportResult": "desktop.core.collections.importer",
    "ImportedRequest": "desktop.core.collections.preview",
    "LibraryEntry": "desktop.core.collections.library",
    "OfferedSecret": "desktop.core.collections.preview",
    "RequestNode": "desktop.core.collections.tree",
    "RequestOutcome": "desktop.core.collections.runner",
    "Resolved": "desktop.core.collections.model",
    "SaveResult": "desktop.core.collections.store",
    "SavedRequest": "desktop.core.collections.model",
    "UnsafeWriteError": "desktop.core.collections.safety",
    "apply_environment": "desktop.core.collections.importer",
    "apply_to_collection": "desktop.core.collections.importer",
    "bind_to_session": "desktop.core.collections.binding",
    "changing_requests": "desktop.core.collections.runner",
    "detect": "desktop.core.collections.importer",
    "export_postman": "desktop.core.collections.postman_export",
    "export_text": "desktop.core.collections.postman_export",
    "from_spec": "desktop.core.collections.model",
    "offer_to_keychain": "desktop.core.collections.importer",
    "preview_document": "desktop.core.collections.importer",
    "preview_file": "desktop.core.collections.importer",
    "resolve": "desktop.core.collections.model",
    "run_collection": "desktop.core.collections.runner",
    "run_values": "desktop.core.collections.runner",
    "session_values": "desktop.core.collections.binding",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Auth",
    "Body",
    "BodyType",
    "Change",
    "Collection",
    "CollectionError",
    "CollectionFileError",
    "CollectionLibrary",
    "CollectionMeta",
    "CollectionRun",
    "CollectionTree",
    "Deleted",
    "Dropped",
    "FolderMeta",
    "FolderNode",
    "Header",
    "ImportFileError",
    "ImportKind",
    "ImportPreview",
    "ImportResult",
    "ImportedRequest",
    "LibraryEntry",
    "OfferedSecret",
    "RequestNode",
    "RequestOutcome",
    "Resolved",
    "SaveResult",
    "SavedRequest",
    "UnsafeWriteError",
    "apply_environment",
    "apply_to_collection",
    "bind_to_session",
    "changing_requests",
    "detect",
    "export_postman",
    "export_text",
    "from_spec",
    "offer_to_keychain",
    "preview_document",
    "preview_file",
    "resolve",
    "run_collection",
    "run_values",
    "session_values",
]

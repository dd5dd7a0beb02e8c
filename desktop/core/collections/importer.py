"""Import, in two steps: ``preview_file`` says what will come in; ``apply_*`` writes it.

The import dialog (and ``switchboard import``) shows the preview first;
nothing is written until the user confirms. Detection reads the document's
shape, not its file name: a Postman collection or environment, an Insomnia
v4 export, an OpenAPI 3 document or a HAR file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.collections import har_import, insomnia, loading, openapi, postman
from desktop.core.collections.common import as_dict
from desktop.core.collections.loading import ImportFileError
from desktop.core.collections.preview import ImportKind, ImportPreview, OfferedSecret
from desktop.core.collections.store import Collection, CollectionError, SaveResult

if TYPE_CHECKING:
    from desktop.core.collections.library import CollectionLibrary
    from desktop.core.profiles import Profile, ProfileStore
    from desktop.core.provider.model import Provider
    from desktop.core.secrets import SecretKind, SecretStore

FORMATS = ("a Postman collection (v2.0/v2.1) or environment, an Insomnia v4 export, an "
           "OpenAPI 3 document or a HAR file")


def detect(doc: Any) -> ImportKind | None:
    """What kind of file this is, by its shape; None when it is none of them."""
    if not isinstance(doc, dict):
        return None
    if "info" in doc and "item" in doc:
        return ImportKind.POSTMAN_COLLECTION
    if insomnia.looks_like_insomnia(doc):
        return ImportKind.INSOMNIA
    if openapi.looks_like_openapi(doc):
        return ImportKind.OPENAPI
    if har_import.looks_like_har(doc):
        return ImportKind.HAR
    if postman.looks_like_environment(doc):
        return ImportKind.POSTMAN_ENVIRONMENT
    return None


def preview_document(doc: Any, source: str, *, provider: Provider | None = None) -> ImportPreview:
    """The preview of a parsed document; raises ImportFileError (file and reason)."""
    kind = detect(doc)
    if kind is None:
        what = "a JSON array" if isinstance(doc, list) else f"a {type(doc).__name__}" \
            if not isinstance(doc, dict) else "a document of another kind"
        raise ImportFileError(source, f"is {what}, not {FORMATS}")
    if kind is ImportKind.POSTMAN_COLLECTION:
        return postman.import_collection(doc, source)
    if kind is ImportKind.POSTMAN_ENVIRONMENT:
        return postman.import_environment(doc, source)
    if kind is ImportKind.INSOMNIA:
        return insomnia.import_export(doc, source)
    if kind is ImportKind.OPENAPI:
        return openapi.import_document(doc, source)
    return har_import.import_har(doc, source, provider)


def preview_file(path: str | Path, *, provider: Provider | None = None,
                 limit: int = loading.MAX_IMPORT_BYTES) -> ImportPreview:
    """Read one file (bounded) and preview it; raises ImportFileError only."""
    source = str(path)
    return preview_document(loading.load(source, limit=limit), source, provider=provider)


@dataclass(slots=True)
class ImportResult:
    collection: Collection | None = None
    saved: list[SaveResult] = field(default_factory=list)
    variables_left_out: list[str] = field(default_factory=list)
    """Variables not written because their names or values are secret."""
    profile: Profile | None = None

    @property
    def dropped_on_write(self) -> list[str]:
        return [f"{r.path}: {d}" for r in self.saved for d in r.dropped]


def apply_to_collection(preview: ImportPreview, library: CollectionLibrary, *,
                        into: str | None = None) -> ImportResult:
    """Write the preview's requests: a new collection, or into ``into`` (a collection name,
    created when there is none by that name). Folders of the same name are merged."""
    if not preview.requests and not preview.folders:
        raise CollectionError("There is nothing to import: the file has no requests.")
    collection = library.get(into) if into else None
    result = ImportResult()
    if collection is None:
        name = into.strip() if into else library.unique_name(preview.name)
        collection = library.create(name, preview.description)
    meta = collection.meta
    merged = {**preview.variables, **meta.variables}
    result.variables_left_out = collection.set_meta(variables=merged)
    result.collection = collection
    result.saved = collection.add_many(
        [(trail, preview.folder_positions.get(trail, 0)) for trail in preview.folders],
        [(item.folder, item.position, item.request) for item in preview.requests])
    return result


def apply_environment(preview: ImportPreview, profiles: ProfileStore, profile_name: str,
                      *, redactor: Any = None) -> ImportResult:
    """An environment's variables as settings of the named profile (saved by the store).

    A value the redactor would change is secret-shaped whatever its name: it is
    offered for the keychain instead of being written to the profiles file.
    """
    from desktop.core.collections.safety import default_redactor
    from desktop.core.profiles import ProfileError

    redactor = redactor or default_redactor()
    profile = profiles.get(profile_name)
    if profile is None:
        raise CollectionError(f"No profile named “{profile_name}” (profiles: "
                              f"{', '.join(profiles.names()) or 'none'}).")
    settings = dict(profile.settings)
    result = ImportResult()
    for name, value in preview.variables.items():
        if redactor.redact_text(value) != value:
            preview.secrets.append(OfferedSecret(name, None, value))
            result.variables_left_out.append(name)
            continue
        settings[name] = value
    try:
        result.profile = profiles.update(replace(profile, settings=settings))
    except ProfileError as exc:
        raise CollectionError(str(exc)) from exc
    return result


def offer_to_keychain(secrets: SecretStore, profile_id: str, offer: OfferedSecret,
                      kind: SecretKind) -> None:
    """Keep an offered secret in the profile's keychain entry (the user chose ``kind``)."""
    secrets.set(profile_id, kind, offer.value)


def describe_source(doc: Any) -> str:
    """A short label of a parsed document's kind, for messages."""
    kind = detect(doc)
    return kind.value if kind else ("object" if as_dict(doc) else type(doc).__name__)

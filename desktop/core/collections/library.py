"""The user's collections: those under the config dir, and those opened from elsewhere.

A collection can live in a git repository next to the code it tests; the
library remembers the folders opened from outside its home in a small
registry file (``collections.json``), so they are in the sidebar next time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from desktop.core.collections import files, safety, tomlfile
from desktop.core.collections.files import CollectionMeta, slug
from desktop.core.collections.store import Collection, CollectionError
from desktop.core.observable import Event
from desktop.core.redact import Redactor

log = logging.getLogger(__name__)

REGISTRY_VERSION = 1
MAX_REGISTRY = 1024 * 1024
MAX_OPENED = 500


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    name: str
    path: Path
    external: bool
    """Opened from outside the library's home (a git checkout, a shared folder)."""
    problem: str | None = None
    """Why it cannot be listed right now (folder gone, unreadable collection.toml)."""


class CollectionLibrary:
    """Lists, creates, opens and forgets collections; ``changed`` fires on each of those."""

    def __init__(self, home: Path | None = None, registry: Path | None = None, *,
                 redactor: Redactor | None = None) -> None:
        if home is None or registry is None:
            from desktop.core.paths import config_dir

            home = home or config_dir() / "collections"
            registry = registry or config_dir() / "collections.json"
        self.home = Path(home)
        self.registry = Path(registry)
        self.redactor = redactor or safety.default_redactor()
        self.changed: Event[CollectionLibrary] = Event()
        self.registry_problem: str | None = None
        self._collections: dict[Path, Collection] = {}

    # -- listing ---------------------------------------------------------------------------------

    def entries(self) -> list[LibraryEntry]:
        """Every known collection, by name; unusable ones carry their problem."""
        found: list[LibraryEntry] = []
        if self.home.is_dir():
            for directory in sorted(self.home.iterdir()):
                if directory.is_dir() and not directory.name.startswith("."):
                    found.append(self._entry(directory, external=False))
        for path in self._opened():
            found.append(self._entry(path, external=True))
        return sorted(found, key=lambda e: (e.name.lower(), str(e.path)))

    def _entry(self, directory: Path, *, external: bool) -> LibraryEntry:
        meta_path = directory / files.COLLECTION_FILE
        if not directory.is_dir():
            return LibraryEntry(directory.name, directory, external, "the folder is gone")
        try:
            meta = files.read_collection(meta_path) if meta_path.exists() else \
                CollectionMeta(directory.name)
        except files.CollectionFileError as problem:
            return LibraryEntry(directory.name, directory, external, problem.reason)
        return LibraryEntry(meta.name, directory, external)

    def collection(self, path: Path) -> Collection:
        """The one ``Collection`` object of a folder (views connect to its ``changed``)."""
        key = _resolved(path)
        if key not in self._collections:
            self._collections[key] = Collection(path, redactor=self.redactor)
        return self._collections[key]

    def get(self, name_or_path: str) -> Collection | None:
        """A collection by name (case-insensitive) or by the path of its folder."""
        wanted = name_or_path.strip().lower()
        for entry in self.entries():
            if entry.problem is None and entry.name.lower() == wanted:
                return self.collection(entry.path)
        candidate = Path(name_or_path).expanduser()
        if candidate.is_dir() and (candidate / files.COLLECTION_FILE).is_file():
            return self.collection(candidate)
        return None

    def names(self) -> list[str]:
        return [e.name for e in self.entries() if e.problem is None]

    def unique_name(self, base: str) -> str:
        taken = {n.lower() for n in self.names()}
        if base.lower() not in taken:
            return base
        n = 2
        while f"{base} ({n})".lower() in taken:
            n += 1
        return f"{base} ({n})"

    # -- changes ---------------------------------------------------------------------------------

    def create(self, name: str, description: str = "", variables: dict[str, str] | None = None,
               *, location: Path | None = None) -> Collection:
        """A new, empty collection in the library's home (or in ``location``, remembered)."""
        name = name.strip()
        if not name:
            raise CollectionError("A collection needs a name.")
        if name.lower() in {n.lower() for n in self.names()}:
            raise CollectionError(f"A collection named “{name}” already exists.")
        if location is None:
            self.home.mkdir(parents=True, exist_ok=True)
            directory = Collection._free(
                self.home, slug(self.redactor.redact_text(name), "collection"), "")
        else:
            directory = Path(location).expanduser()
            if (directory / files.COLLECTION_FILE).exists():
                raise CollectionError(f"{directory} already holds a collection.")
        directory.mkdir(parents=True, exist_ok=True)
        collection = self.collection(directory)
        collection.set_meta(name=name, description=description, variables=variables or {})
        if location is not None:
            self._remember(directory)
        self.changed.emit(self)
        return collection

    def open(self, path: Path) -> Collection:
        """Open a collection folder from anywhere (a git checkout); it is remembered."""
        directory = Path(path).expanduser()
        meta_path = directory / files.COLLECTION_FILE
        if not meta_path.is_file():
            raise CollectionError(f"{directory} has no {files.COLLECTION_FILE}: not a "
                                  "Switchboard collection.")
        try:
            files.read_collection(meta_path)
        except files.CollectionFileError as problem:
            raise CollectionError(str(problem)) from problem
        if not self._inside_home(directory):
            self._remember(directory)
        self.changed.emit(self)
        return self.collection(directory)

    def forget(self, path: Path) -> None:
        """Stop listing a collection opened from elsewhere; its files are left alone."""
        resolved = _resolved(path)
        opened = [p for p in self._opened() if _resolved(p) != resolved]
        self._save_registry(opened)
        self.changed.emit(self)

    def remove(self, name: str) -> Path | None:
        """Move a collection of the library's home to the trash (returns where), or forget
        one opened from elsewhere (returns None: its files stay where they are)."""
        collection = self.get(name)
        if collection is None:
            raise CollectionError(f"No collection named “{name}”.")
        if not self._inside_home(collection.root):
            self.forget(collection.root)
            return None
        import os
        import shutil

        holder = collection.trash_dir / os.urandom(16).hex()
        holder.mkdir(parents=True)
        target = holder / collection.root.name
        self._collections.pop(_resolved(collection.root), None)
        shutil.move(str(collection.root), str(target))
        self.changed.emit(self)
        return target

    # -- the registry ----------------------------------------------------------------------------

    def _inside_home(self, directory: Path) -> bool:
        home = _resolved(self.home)
        return home in _resolved(directory).parents

    def _opened(self) -> list[Path]:
        self.registry_problem = None
        if not self.registry.exists():
            return []
        try:
            data = json.loads(tomlfile.read_bounded(self.registry, MAX_REGISTRY))
            paths = data.get("opened", []) if isinstance(data, dict) else None
            if not isinstance(paths, list):
                raise ValueError("no 'opened' list")
        except (tomlfile.TomlFileError, ValueError, RecursionError) as exc:
            self.registry_problem = f"{self.registry.name}: {exc}"
            log.warning("collection registry unreadable: %s", self.registry_problem)
            return []
        return [Path(p) for p in paths[:MAX_OPENED] if isinstance(p, str) and p]

    def _remember(self, directory: Path) -> None:
        opened = self._opened()
        if _resolved(directory) not in {_resolved(p) for p in opened}:
            opened.append(_resolved(directory))
        self._save_registry(opened)

    def _save_registry(self, opened: list[Path]) -> None:
        payload = {"version": REGISTRY_VERSION, "opened": [str(p) for p in opened[:MAX_OPENED]]}
        tomlfile.atomic_write(self.registry, json.dumps(payload, indent=2) + "\n")


def _resolved(path: Path) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except OSError:
        return Path(path)

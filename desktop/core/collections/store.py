"""A collection on disk and what a user does to it: save, rename, duplicate, reorder,
move, delete (to a trash, with undo).

Every write goes through ``safety.scrub`` and the redactor, then an atomic
replace; ``changed`` announces each change (the sidebar tree refreshes on
it). Paths are relative to the collection folder, ``/``-separated, and are
what the UI keeps to name a node; an operation that moves a file returns the
new path and says so in its ``Change``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from desktop.core.client.spec import RequestSpec
from desktop.core.collections import files, safety, tomlfile
from desktop.core.collections.files import CollectionMeta, FolderMeta, slug
from desktop.core.collections.model import SavedRequest, from_spec, problem_with
from desktop.core.collections.tree import CollectionTree, FolderNode, read_tree
from desktop.core.observable import Event
from desktop.core.redact import Redactor


class CollectionError(ValueError):
    """An operation that cannot be done (no such request, a name clash, a bad path)."""


@dataclass(frozen=True, slots=True)
class Change:
    """What changed: ``kind`` is saved, added_folder, renamed, moved, reordered, deleted,
    restored or meta; ``old_path`` is set when a node changed path."""

    kind: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class SaveResult:
    path: str
    dropped: tuple[str, ...] = ()
    """What the file does not hold (credential headers), in words, for the UI to say."""


@dataclass(frozen=True, slots=True)
class Deleted:
    """Enough to undo a delete: where it was and where the trash keeps it."""

    path: str
    trash: Path


class Collection:
    """One collection folder. Cheap to create; reads the disk when asked (``tree``)."""

    def __init__(self, root: Path, *, redactor: Redactor | None = None,
                 trash_dir: Path | None = None) -> None:
        self.root = Path(root)
        self.redactor: Redactor = redactor or safety.default_redactor()
        """Every write passes through it; the UI gives the active profile's (it knows the
        profile's secret values) with ``mask_phones=False``."""
        self.credential_headers: set[str] = set()
        """Header names the profile's auth adds (``X-API-Key``...): never written."""
        self._trash_dir = trash_dir
        self.changed: Event[Change] = Event()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def meta(self) -> CollectionMeta:
        try:
            return files.read_collection(self.root / files.COLLECTION_FILE)
        except files.CollectionFileError:
            return CollectionMeta(name=self.root.name)

    @property
    def name(self) -> str:
        return self.meta.name

    def tree(self) -> CollectionTree:
        """The whole collection as it is on disk now; unreadable files are in ``problems``."""
        return read_tree(self.root)

    def read(self, path: str) -> SavedRequest:
        """One request; raises ``CollectionFileError`` (file and reason) when unreadable."""
        return files.read_request(self._abs(path, must_exist=True))

    # -- writing ---------------------------------------------------------------------------------

    def set_meta(self, *, name: str | None = None, description: str | None = None,
                 variables: dict[str, str] | None = None) -> list[str]:
        """Change the collection's name, description or variables; returns the variables
        left out because their names say they are secret."""
        current = self.meta
        kept, dropped = safety.scrub_variables(
            dict(current.variables if variables is None else variables), self.redactor)
        meta = CollectionMeta(
            name=self.redactor.redact_text(current.name if name is None else name.strip()),
            description=self.redactor.redact_text(current.description if description is None
                                                  else description),
            variables=kept)
        if not meta.name or len(meta.name) > 200:
            raise CollectionError("A collection needs a name of 1 to 200 characters.")
        self._write(self.root / files.COLLECTION_FILE, files.collection_text(meta))
        self.changed.emit(Change("meta", ""))
        return dropped

    def save(self, saved: SavedRequest, folder: str = "", *, path: str | None = None) -> SaveResult:
        """Write a request: a new file in ``folder``, or over ``path`` when given (Ctrl+S on a
        request that came from this collection). A new request goes last."""
        problem = problem_with(saved)
        if problem:
            raise CollectionError(f"The request cannot be saved: {problem}.")
        if path is not None:
            target = self._abs(path, must_exist=True)
            if not target.is_file():
                raise CollectionError(f"{path!r} is a folder, not a request.")
        else:
            directory = self._folder(folder)
            target = self._free(directory, self._slug(saved.name), ".toml")
            saved = replace(saved, seq=self._next_seq(directory))
        dropped = self._write_request(target, saved)
        rel = self._rel(target)
        self.changed.emit(Change("saved", rel))
        return SaveResult(rel, dropped)

    def save_spec(self, spec: RequestSpec, name: str, folder: str = "", *, base_url: str = "",
                  path: str | None = None, description: str = "") -> SaveResult:
        """The Composer's Ctrl+S: its request saved under ``name`` (see ``model.from_spec``)."""
        saved = from_spec(spec, name.strip(), base_url=base_url, description=description)
        if path is not None:
            saved = replace(saved, seq=self.read(path).seq)
        return self.save(saved, folder, path=path)

    def add_many(self, folders: Sequence[tuple[tuple[str, ...], int]],
                 requests: Sequence[tuple[tuple[str, ...], int, SavedRequest]],
                 parent: str = "") -> list[SaveResult]:
        """An import: folders (by their names from ``parent`` down) and requests, written in
        ``position`` order after what is there. A folder that already exists under the same
        name is reused. The tree is read once, whatever the number of items."""
        tree = self.tree()
        top = self._folder(parent)
        dirs: dict[tuple[str, ...], Path] = {(): top}
        seqs: dict[Path, int] = {}

        def next_seq(directory: Path) -> int:
            if directory not in seqs:
                node = tree.find(self._rel(directory) if directory != self.root else "")
                seqs[directory] = max((c.seq for c in node.children()), default=0) \
                    if isinstance(node, FolderNode) else 0
            seqs[directory] += 1
            return seqs[directory]

        def ensure(trail: tuple[str, ...]) -> Path:
            if trail in dirs:
                return dirs[trail]
            above = ensure(trail[:-1])
            name = self.redactor.redact_text(trail[-1])[:200] or "Folder"
            node = tree.find(self._rel(above) if above != self.root else "")
            existing = next((f for f in node.folders if f.name == name), None) \
                if isinstance(node, FolderNode) else None
            if existing is not None:
                dirs[trail] = self.root / PurePosixPath(existing.path)
                return dirs[trail]
            target = self._free(above, slug(name, "folder"), "")
            target.mkdir(parents=True)
            self._write(target / files.FOLDER_FILE,
                        files.folder_text(FolderMeta(name, next_seq(above))))
            dirs[trail] = target
            return target

        items: list[tuple[int, tuple[str, ...], SavedRequest | None]] = [
            (position, trail, None) for trail, position in folders]
        items += [(position, trail, saved) for trail, position, saved in requests]
        results = []
        for _, trail, saved in sorted(items, key=lambda i: i[0]):
            if saved is None:
                ensure(trail)
                continue
            problem = problem_with(saved)
            if problem:
                raise CollectionError(f"{saved.name}: {problem}")
            directory = ensure(trail)
            target = self._free(directory, self._slug(saved.name), ".toml")
            dropped = self._write_request(target, replace(saved, seq=next_seq(directory)))
            results.append(SaveResult(self._rel(target), dropped))
        self.changed.emit(Change("imported", parent))
        return results

    def add_folder(self, name: str, parent: str = "", description: str = "") -> str:
        name = self.redactor.redact_text(name.strip())
        if not name or len(name) > 200:
            raise CollectionError("A folder needs a name of 1 to 200 characters.")
        directory = self._folder(parent)
        target = self._free(directory, slug(name, "folder"), "")
        target.mkdir(parents=True)
        meta = FolderMeta(name, self._next_seq(directory), description)
        self._write(target / files.FOLDER_FILE, files.folder_text(meta))
        rel = self._rel(target)
        self.changed.emit(Change("added_folder", rel))
        return rel

    def rename(self, path: str, name: str) -> str:
        """Rename a request or folder (its file or folder name follows); returns the new path."""
        name = name.strip()
        source = self._abs(path, must_exist=True)
        if source.is_dir():
            meta = self._folder_meta(source)
            clean = self.redactor.redact_text(name)
            if not clean or len(clean) > 200:
                raise CollectionError("A folder needs a name of 1 to 200 characters.")
            target = source if slug(clean, "folder") == source.name else \
                self._free(source.parent, slug(clean, "folder"), "")
            if target != source:
                source.rename(target)
            self._write(target / files.FOLDER_FILE,
                        files.folder_text(replace(meta, name=clean)))
        else:
            saved = files.read_request(source).with_name(name)
            problem = problem_with(saved)
            if problem:
                raise CollectionError(f"The request cannot be renamed: {problem}.")
            target = source if self._slug(name) == source.stem else \
                self._free(source.parent, self._slug(name), ".toml")
            self._write_request(target, saved)
            if target != source:
                source.unlink()
        rel = self._rel(target)
        self.changed.emit(Change("renamed", rel, path))
        return rel

    def duplicate(self, path: str) -> str:
        """A copy named “… copy”, right after the original."""
        source = self._abs(path, must_exist=True)
        if source.is_dir():
            raise CollectionError("Only requests can be duplicated.")
        saved = files.read_request(source)
        copy = replace(saved, name=f"{saved.name} copy"[:200])
        siblings = self._ordered(source.parent)
        target = self._free(source.parent, self._slug(copy.name), ".toml")
        self._write_request(target, copy)
        order = [p for p in siblings]
        order.insert(order.index(source) + 1, target)
        self._renumber(order)
        rel = self._rel(target)
        self.changed.emit(Change("saved", rel))
        return rel

    def reorder(self, folder: str, paths: list[str]) -> None:
        """Put the children of ``folder`` in this order (paths not named keep theirs, after)."""
        directory = self._folder(folder)
        current = self._ordered(directory)
        wanted = [self._abs(p, must_exist=True) for p in paths]
        if any(p.parent != directory for p in wanted):
            raise CollectionError("Only the children of one folder can be reordered together.")
        order = wanted + [p for p in current if p not in wanted]
        self._renumber(order)
        self.changed.emit(Change("reordered", self._rel(directory)))

    def move(self, path: str, folder: str, index: int | None = None) -> str:
        """Move a request or folder into ``folder`` at ``index`` (last when None)."""
        source = self._abs(path, must_exist=True)
        directory = self._folder(folder)
        if source.is_dir() and (directory == source or source in directory.parents):
            raise CollectionError("A folder cannot be moved into itself.")
        target = source
        if directory != source.parent:
            target = self._free(directory, source.stem if source.is_file() else source.name,
                                source.suffix if source.is_file() else "")
            shutil.move(str(source), str(target))
        order = [p for p in self._ordered(directory) if p != target]
        order.insert(len(order) if index is None else max(0, min(index, len(order))), target)
        self._renumber(order)
        rel = self._rel(target)
        self.changed.emit(Change("moved", rel, path))
        return rel

    def delete(self, path: str) -> Deleted:
        """Move a request or folder to the trash; ``restore`` undoes it."""
        source = self._abs(path, must_exist=True)
        if source == self.root:
            raise CollectionError("The collection itself is removed from the library, not "
                                  "deleted here.")
        holder = self.trash_dir / os.urandom(16).hex()  # uuid (and platform) stay unloaded
        holder.mkdir(parents=True)
        trash = holder / source.name
        shutil.move(str(source), str(trash))
        self.changed.emit(Change("deleted", path))
        return Deleted(path, trash)

    def restore(self, deleted: Deleted) -> str:
        """Undo a delete; the original name is taken again when it is still free."""
        if not deleted.trash.exists():
            raise CollectionError("The deleted item is no longer in the trash.")
        wanted = self.root / PurePosixPath(deleted.path)
        parent = wanted.parent
        parent.mkdir(parents=True, exist_ok=True)
        suffix = wanted.suffix if deleted.trash.is_file() else ""
        stem = wanted.stem if deleted.trash.is_file() else wanted.name
        target = wanted if not wanted.exists() else self._free(parent, stem, suffix)
        shutil.move(str(deleted.trash), str(target))
        shutil.rmtree(deleted.trash.parent, ignore_errors=True)
        rel = self._rel(target)
        self.changed.emit(Change("restored", rel))
        return rel

    @property
    def trash_dir(self) -> Path:
        if self._trash_dir is None:
            from desktop.core.paths import data_dir

            self._trash_dir = data_dir() / "trash" / "collections"
        return self._trash_dir

    # -- helpers -----------------------------------------------------------------------------------

    def _write(self, target: Path, text: str) -> None:
        safety.check_clean(text, self.redactor, self._rel(target) or target.name)
        tomlfile.atomic_write(target, text)

    def _write_request(self, target: Path, saved: SavedRequest) -> tuple[str, ...]:
        scrubbed = safety.scrub(saved, self.redactor,
                                credential_headers=self.credential_headers)
        self._write(target, files.request_text(scrubbed.request))
        return scrubbed.dropped

    def _abs(self, path: str, *, must_exist: bool = False) -> Path:
        parts = PurePosixPath(path.replace("\\", "/")).parts
        if any(part in ("..", "") or part.startswith(".") for part in parts) or \
                PurePosixPath(path).is_absolute():
            raise CollectionError(f"{path!r} is not a path inside the collection.")
        target = self.root.joinpath(*parts)
        if must_exist and not target.exists():
            raise CollectionError(f"Nothing at {path!r} in {self.name}.")
        return target

    def _rel(self, target: Path) -> str:
        try:
            return target.relative_to(self.root).as_posix().removeprefix(".")
        except ValueError:
            return target.name

    def _folder(self, folder: str) -> Path:
        directory = self._abs(folder) if folder else self.root
        if not directory.is_dir():
            raise CollectionError(f"No folder {folder!r} in {self.name}.")
        return directory

    def _slug(self, name: str, fallback: str = "request") -> str:
        """A file name from a name, after redaction (a secret in a name is no file name)."""
        return slug(self.redactor.redact_text(name), fallback)

    @staticmethod
    def _free(directory: Path, stem: str, suffix: str) -> Path:
        if f"{stem}{suffix}" in files.RESERVED:
            stem += "-1"
        candidate, n = directory / f"{stem}{suffix}", 2
        while candidate.exists():
            candidate, n = directory / f"{stem}-{n}{suffix}", n + 1
        return candidate

    def _folder_meta(self, directory: Path) -> FolderMeta:
        meta_path = directory / files.FOLDER_FILE
        if meta_path.exists():
            return files.read_folder(meta_path)
        return FolderMeta(directory.name)

    def _children(self, directory: Path) -> list[tuple[int, str, Path]]:
        node = read_tree(self.root).find(self._rel(directory) if directory != self.root else "")
        if not isinstance(node, FolderNode):
            return []
        return [(c.seq, c.name.lower(), self.root / PurePosixPath(c.path))
                for c in node.children()]

    def _ordered(self, directory: Path) -> list[Path]:
        return [path for _, _, path in self._children(directory)]

    def _next_seq(self, directory: Path) -> int:
        return max((seq for seq, _, _ in self._children(directory)), default=0) + 1

    def _renumber(self, order: list[Path]) -> None:
        """Give ``order`` the seq values 1, 2, 3...; only files whose seq changes are written."""
        for seq, target in enumerate(order, start=1):
            if target.is_dir():
                meta = self._folder_meta(target)
                if meta.seq != seq:
                    self._write(target / files.FOLDER_FILE,
                                files.folder_text(replace(meta, seq=seq)))
            elif target.is_file():
                saved = files.read_request(target)
                if saved.seq != seq:
                    self._write_request(target, replace(saved, seq=seq))

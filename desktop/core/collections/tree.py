"""A collection folder read from disk as a tree, in the order its ``seq`` values give.

Reading never fails as a whole: a file that cannot be used is a
``CollectionFileError`` (file and reason) in ``CollectionTree.problems`` and is
left out, so one bad hand edit or merge conflict does not hide the rest.
The walk is bounded in depth and in entries; hidden entries (``.git``) and
symbolic links to folders are not followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.collections.files import (
    COLLECTION_FILE,
    FOLDER_FILE,
    CollectionFileError,
    CollectionMeta,
    read_collection,
    read_folder,
    read_request,
)
from desktop.core.collections.model import SavedRequest

MAX_DEPTH = 32
MAX_ENTRIES = 20_000


@dataclass(frozen=True, slots=True)
class RequestNode:
    """A request in the tree; ``path`` (relative, ``/``-separated) is its identity."""

    path: str
    request: SavedRequest

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def seq(self) -> int:
        return self.request.seq


@dataclass(frozen=True, slots=True)
class FolderNode:
    path: str
    """``""`` for the collection itself."""
    name: str
    seq: int = 0
    description: str = ""
    folders: tuple[FolderNode, ...] = ()
    requests: tuple[RequestNode, ...] = ()

    def children(self) -> list[FolderNode | RequestNode]:
        """Folders and requests interleaved in ``seq`` order (name breaks ties)."""
        items: list[FolderNode | RequestNode] = [*self.folders, *self.requests]
        return sorted(items, key=lambda n: (n.seq, n.name.lower(), n.path))

    def walk(self, trail: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], RequestNode]]:
        """Every request in run order with the names of the folders above it."""
        for child in self.children():
            if isinstance(child, FolderNode):
                yield from child.walk((*trail, child.name))
            else:
                yield trail, child


@dataclass(slots=True)
class CollectionTree:
    meta: CollectionMeta
    root: FolderNode
    problems: list[CollectionFileError] = field(default_factory=list)

    def requests(self) -> list[tuple[tuple[str, ...], RequestNode]]:
        return list(self.root.walk())

    def find(self, path: str) -> FolderNode | RequestNode | None:
        if path in ("", "."):
            return self.root
        stack: list[FolderNode] = [self.root]
        while stack:
            folder = stack.pop()
            for request in folder.requests:
                if request.path == path:
                    return request
            for sub in folder.folders:
                if sub.path == path:
                    return sub
                stack.append(sub)
        return None


def read_tree(root: Path) -> CollectionTree:
    """The collection under ``root``; problems are collected, never raised."""
    problems: list[CollectionFileError] = []
    meta_path = root / COLLECTION_FILE
    try:
        meta = read_collection(meta_path)
    except CollectionFileError as problem:
        if meta_path.exists():
            problems.append(problem)
        meta = CollectionMeta(name=root.name)
    budget = [MAX_ENTRIES]
    folder = _read_folder(root, root, "", meta.name, 0, "", problems, budget)
    return CollectionTree(meta, folder, problems)


def _read_folder(root: Path, directory: Path, rel: str, name: str, seq: int,
                 description: str, problems: list[CollectionFileError],
                 budget: list[int]) -> FolderNode:
    folders: list[FolderNode] = []
    requests: list[RequestNode] = []
    depth = rel.count("/") + 1 if rel else 0
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        problems.append(CollectionFileError(directory, f"cannot be listed ({exc.strerror or exc})"))
        entries = []
    for entry in entries:
        if entry.name.startswith(".") or entry.name in (COLLECTION_FILE, FOLDER_FILE):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            problems.append(CollectionFileError(
                directory, f"more than {MAX_ENTRIES} entries in the collection; the rest were "
                "not read"))
            break
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if depth + 1 > MAX_DEPTH:
                problems.append(CollectionFileError(entry.path, f"folders nest deeper than "
                                            f"{MAX_DEPTH}; not read"))
                continue
            folders.append(_sub_folder(root, Path(entry.path), child_rel, problems, budget))
        elif entry.name.endswith(".toml"):
            try:
                requests.append(RequestNode(child_rel, read_request(Path(entry.path))))
            except CollectionFileError as problem:
                problems.append(problem)
    return FolderNode(rel, name, seq, description, tuple(folders), tuple(requests))


def _sub_folder(root: Path, directory: Path, rel: str, problems: list[CollectionFileError],
                budget: list[int]) -> FolderNode:
    name, seq, description = directory.name, 0, ""
    meta_path = directory / FOLDER_FILE
    if meta_path.exists():
        try:
            meta = read_folder(meta_path)
            name, seq, description = meta.name, meta.seq, meta.description
        except CollectionFileError as problem:
            problems.append(problem)
    return _read_folder(root, directory, rel, name, seq, description, problems, budget)

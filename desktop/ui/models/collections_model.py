"""The sidebar's collections tree: collections → folders → requests, read from the core library.

A thin view: every row is rebuilt from ``CollectionLibrary.entries()`` and
``Collection.tree()`` when the library or one of its collections announces a
change (a save, a rename, an import), so the tree always shows what the
files say. A row names its node by the collection folder and the node's
relative path, the identity core uses; the view keeps expansion and the
current row across rebuilds by those keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from desktop.core.collections import Collection, CollectionLibrary, FolderNode, RequestNode
from desktop.core.window_text import display_url

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
"""``collection``, ``folder``, ``request`` or ``problem``."""
ROOT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The collection folder (str)."""
PATH_ROLE = Qt.ItemDataRole.UserRole + 3
"""The node's path inside the collection (``""`` for the collection itself)."""

Key = tuple[str, str]
"""(collection folder, path inside it): a row's identity across rebuilds."""


def key_of(index: QModelIndex) -> Key | None:
    root = index.data(ROOT_ROLE)
    return (root, index.data(PATH_ROLE) or "") if root else None


class CollectionsModel(QStandardItemModel):
    """Rows for every collection; ``rebuild`` re-reads the disk (after any core change)."""

    def __init__(self, library: CollectionLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.problems: list[str] = []
        """Files that could not be read, ``file: reason`` (shown under the tree)."""
        self._watching: dict[Path, Callable[[], None]] = {}
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.rebuild)
        self._stop = library.changed.connect(lambda _library: self.schedule())
        self.destroyed.connect(lambda _obj=None: self._unwatch())
        self.rebuild()

    def schedule(self) -> None:
        """Rebuild once the current operation is done (an import emits several changes)."""
        self._pending.start()

    def _unwatch(self) -> None:
        self._stop()
        for stop in self._watching.values():
            stop()
        self._watching.clear()

    def rebuild(self) -> None:
        self._pending.stop()
        self.clear()
        self.problems = []
        if self.library.registry_problem:
            self.problems.append(self.library.registry_problem)
        seen: set[Path] = set()
        for entry in self.library.entries():
            if entry.problem is not None:
                item = QStandardItem(f"⚠ {entry.name}")
                item.setData("problem", KIND_ROLE)
                item.setToolTip(f"{entry.path}: {entry.problem}")
                item.setData(f"{entry.name}: cannot be opened, {entry.problem}",
                             Qt.ItemDataRole.AccessibleTextRole)
                item.setEditable(False)
                self.appendRow(item)
                continue
            collection = self.library.collection(entry.path)
            seen.add(collection.root)
            self._watch(collection)
            self.appendRow(self._collection_item(collection, entry.external))
        for root in [r for r in self._watching if r not in seen]:
            self._watching.pop(root)()

    def _watch(self, collection: Collection) -> None:
        if collection.root not in self._watching:
            self._watching[collection.root] = collection.changed.connect(
                lambda _change: self.schedule())

    def _collection_item(self, collection: Collection, external: bool) -> QStandardItem:
        tree = collection.tree()
        root = str(collection.root)
        item = QStandardItem(tree.meta.name)
        bold = QFont()
        bold.setBold(True)
        item.setFont(bold)
        item.setData("collection", KIND_ROLE)
        item.setData(root, ROOT_ROLE)
        item.setData("", PATH_ROLE)
        where = f"opened from {collection.root}" if external else str(collection.root)
        count = len(tree.requests())
        item.setToolTip(f"{tree.meta.name}: {count} request{'' if count == 1 else 's'}, "
                        f"{where}" + (f"\n{tree.meta.description}" if tree.meta.description
                                      else ""))
        item.setData(f"Collection {tree.meta.name}, {count} requests",
                     Qt.ItemDataRole.AccessibleTextRole)
        item.setEditable(False)
        self._fill(item, tree.root, root)
        self.problems += [str(problem) for problem in tree.problems]
        return item

    def _fill(self, parent: QStandardItem, folder: FolderNode, root: str) -> None:
        for child in folder.children():
            if isinstance(child, FolderNode):
                item = QStandardItem(child.name)
                item.setData("folder", KIND_ROLE)
                item.setToolTip(child.description or f"Folder {child.name}")
                item.setData(f"Folder {child.name}", Qt.ItemDataRole.AccessibleTextRole)
                self._fill(item, child, root)
            else:
                item = self._request_item(child)
            item.setData(root, ROOT_ROLE)
            item.setData(child.path, PATH_ROLE)
            item.setEditable(False)
            parent.appendRow(item)

    @staticmethod
    def _request_item(node: RequestNode) -> QStandardItem:
        request = node.request
        item = QStandardItem(f"{request.method}  {request.name}")
        item.setData("request", KIND_ROLE)
        item.setToolTip(f"{request.method} {display_url(request.url)}"
                        + (f"\n{request.description}" if request.description else ""))
        item.setData(f"{request.method} request {request.name}",
                     Qt.ItemDataRole.AccessibleTextRole)
        return item

    # -- finding rows -------------------------------------------------------------------------

    def find(self, key: Key, parent: QModelIndex | None = None) -> QModelIndex | None:
        parent = parent or QModelIndex()
        for row in range(self.rowCount(parent)):
            index = self.index(row, 0, parent)
            here = key_of(index)
            if here == key:
                return index
            if here is not None and here[0] == key[0] and (
                    here[1] == "" or key[1].startswith(here[1] + "/")):
                found = self.find(key, index)
                if found is not None:
                    return found
        return None

    def collection_at(self, index: QModelIndex) -> Collection | None:
        root = index.data(ROOT_ROLE)
        return self.library.collection(Path(root)) if root else None

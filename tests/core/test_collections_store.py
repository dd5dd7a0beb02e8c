"""Collections on disk: save, rename, duplicate, reorder, move, delete with undo; the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.client.spec import RequestSpec
from desktop.core.collections import (
    Body,
    BodyType,
    Change,
    Collection,
    CollectionError,
    CollectionLibrary,
    Header,
    SavedRequest,
    resolve,
)
from desktop.core.collections.model import variable_values


@pytest.fixture
def library(tmp_path: Path) -> CollectionLibrary:
    return CollectionLibrary(tmp_path / "home", tmp_path / "collections.json")


@pytest.fixture
def collection(library: CollectionLibrary, tmp_path: Path) -> Collection:
    made = library.create("Smoke tests", "after every deploy")
    made._trash_dir = tmp_path / "trash"
    return made


def names(collection: Collection, folder: str = "") -> list[str]:
    node = collection.tree().find(folder)
    return [child.name for child in node.children()]


def test_saving_from_the_composer_keeps_base_url_as_a_variable(collection: Collection) -> None:
    spec = RequestSpec("POST", "http://127.0.0.1:8080/api/core/messages/send",
                       headers=(("Content-Type", "application/json"),),
                       body=b'{"to": ["+14155550123"]}')
    result = collection.save_spec(spec, "Send", base_url="http://127.0.0.1:8080")
    saved = collection.read(result.path)
    assert result.path == "send.toml"
    assert saved.url == "{{base_url}}/api/core/messages/send"
    assert saved.body == Body(BodyType.JSON, '{"to": ["+14155550123"]}')
    assert saved.seq == 1


def test_new_requests_go_last_and_the_tree_follows_seq(collection: Collection) -> None:
    for name in ("Token", "Who am I", "Numbers"):
        collection.save(SavedRequest(name, "GET", "/x"))
    folder = collection.add_folder("Messages")
    collection.save(SavedRequest("Send", "POST", "/send"), folder)
    assert names(collection) == ["Token", "Who am I", "Numbers", "Messages"]
    assert [(t, n.name) for t, n in collection.tree().requests()][-1] == (("Messages",), "Send")


def test_rename_renames_the_file_and_announces_the_new_path(collection: Collection) -> None:
    changes: list[Change] = []
    collection.changed.connect(changes.append)
    path = collection.save(SavedRequest("Who am I", "GET", "/whoami")).path
    new = collection.rename(path, "Identity check")
    assert new == "identity-check.toml"
    assert not (collection.root / path).exists()
    assert collection.read(new).name == "Identity check"
    assert changes[-1] == Change("renamed", new, path)


def test_duplicate_lands_right_after_the_original(collection: Collection) -> None:
    first = collection.save(SavedRequest("A", "GET", "/a")).path
    collection.save(SavedRequest("B", "GET", "/b"))
    copy = collection.duplicate(first)
    assert names(collection) == ["A", "A copy", "B"]
    assert collection.read(copy).url == "/a"


def test_reorder_and_move_rewrite_seq(collection: Collection) -> None:
    a, _b, c = (collection.save(SavedRequest(n, "GET", "/" + n)).path for n in "abc")
    collection.reorder("", [c, a])
    assert names(collection) == ["c", "a", "b"]
    folder = collection.add_folder("Folder")
    moved = collection.move(a, folder, index=0)
    assert moved == "folder/a.toml"
    assert names(collection) == ["c", "b", "Folder"]
    assert names(collection, folder) == ["a"]
    with pytest.raises(CollectionError):
        collection.move(folder, folder)


def test_delete_goes_to_the_trash_and_can_be_undone(collection: Collection) -> None:
    folder = collection.add_folder("Messages")
    collection.save(SavedRequest("Send", "POST", "/send"), folder)
    deleted = collection.delete(folder)
    assert collection.tree().find(folder) is None
    assert deleted.trash.is_dir()
    restored = collection.restore(deleted)
    assert restored == folder
    assert names(collection, folder) == ["Send"]


def test_paths_outside_the_collection_are_refused(collection: Collection) -> None:
    for bad in ("../x.toml", "/etc/passwd", ".git/config", "a/../../b"):
        with pytest.raises(CollectionError):
            collection.read(bad)


def test_a_corrupt_file_is_reported_with_its_reason_and_skipped(collection: Collection) -> None:
    collection.save(SavedRequest("Good", "GET", "/good"))
    (collection.root / "broken.toml").write_text("name = \n", encoding="utf-8")
    (collection.root / "typo.toml").write_text('name = "x"\nmethdo = "GET"\n', encoding="utf-8")
    (collection.root / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (collection.root / "huge.toml").write_bytes(b"#" * (9 * 1024 * 1024))
    tree = collection.tree()
    assert [n.name for _, n in tree.requests()] == ["Good"]
    reasons = {p.path.name: p.reason for p in tree.problems}
    assert "not valid TOML" in reasons["broken.toml"]
    assert "unknown key 'methdo'" in reasons["typo.toml"]
    assert "not UTF-8" in reasons["binary.toml"]
    assert "bytes" in reasons["huge.toml"]


def test_the_library_remembers_a_collection_opened_from_a_git_checkout(
        library: CollectionLibrary, tmp_path: Path) -> None:
    repo = tmp_path / "repo" / "api-tests"
    made = library.create("Repo tests", location=repo)
    made.save(SavedRequest("Ping", "GET", "/ping"))
    again = CollectionLibrary(library.home, library.registry)
    entry = next(e for e in again.entries() if e.name == "Repo tests")
    assert entry.external
    assert entry.path == repo.resolve()
    assert again.get("repo tests") is not None
    again.forget(repo)
    assert "Repo tests" not in again.names()
    assert again.open(repo).name == "Repo tests"
    assert (repo / "ping.toml").is_file()


def test_an_unreadable_registry_is_reported_not_fatal(library: CollectionLibrary) -> None:
    library.registry.write_text("{not json", encoding="utf-8")
    assert library.entries() == []
    assert library.registry_problem


def test_variables_come_from_the_profile_first_then_the_collection() -> None:
    saved = SavedRequest("Get", "GET", "{{base_url}}/pets/{{petId}}?q={{missing}}",
                         headers=(Header("X-Env", "{{environment}}"),
                                  Header("X-Off", "1", enabled=False)),
                         body=Body(BodyType.JSON, '{"host": "{{host}}"}'))
    values = variable_values({"petId": "7", "host": "{{scheme}}://h", "scheme": "https",
                              "environment": "from-collection", "empty": ""},
                             {"environment": "staging", "base_url": "https://api.test"})
    resolved = resolve(saved, values, "https://api.test")
    assert resolved.spec.url == "https://api.test/pets/7?q={{missing}}"
    assert resolved.missing == ("missing",)
    assert resolved.spec.headers == (("X-Env", "staging"), ("Content-Type", "application/json"))
    assert resolved.spec.body == b'{"host": "https://h"}'
    assert resolved.spec.attach_auth


def test_credentials_go_only_to_the_profile_host() -> None:
    foreign = resolve(SavedRequest("X", "GET", "https://elsewhere.example/x"), {},
                      "https://api.test")
    assert foreign.withheld_credentials
    assert not foreign.spec.attach_auth
    relative = resolve(SavedRequest("X", "GET", "/x"), {}, "https://api.test/base")
    assert relative.spec.url == "https://api.test/base/x"
    assert relative.spec.attach_auth


def test_the_library_hands_out_one_object_per_collection(library: CollectionLibrary) -> None:
    made = library.create("Shared")
    seen: list[Change] = []
    library.get("Shared").changed.connect(seen.append)
    made.save(SavedRequest("Ping", "GET", "/ping"))
    assert library.get("shared") is made
    assert seen == [Change("saved", "ping.toml")]


def test_removing_a_collection_moves_it_to_the_trash(library: CollectionLibrary,
                                                     tmp_path: Path) -> None:
    made = library.create("Old")
    made._trash_dir = tmp_path / "trash"
    made.save(SavedRequest("Ping", "GET", "/ping"))
    kept = library.remove("Old")
    assert kept is not None
    assert (kept / "ping.toml").is_file()
    assert "Old" not in library.names()

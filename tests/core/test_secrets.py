"""Secrets: the keychain when there is one, this session's memory otherwise, never a file."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desktop.core.paths import all_dirs
from desktop.core.profiles import Profile
from desktop.core.secrets import SERVICE, KeychainStatus, SecretKind, SecretStore
from desktop.core.workspace import Workspace
from tests.memory_keyring import MemoryKeyring


class LockedKeyring(MemoryKeyring):
    """Looks available, then fails on use (a locked or crashed Secret Service)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")


@pytest.fixture
def use_backend() -> Iterator:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    try:
        yield install
    finally:
        keyring.set_keyring(previous)


def canary() -> str:
    return f"canary-{uuid.uuid4().hex}"


def files_containing(value: str) -> list[Path]:
    needle = value.encode("utf-8")
    found = []
    for directory in all_dirs():
        for path in directory.rglob("*"):
            if path.is_file() and needle in path.read_bytes():
                found.append(path)
    return found


# -- the keychain ---------------------------------------------------------------------------------


def test_secrets_go_to_the_keychain_and_come_back(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore()
    assert store.status.available
    assert "MemoryKeyring" in store.status.backend
    store.set("p1", SecretKind.CLIENT_SECRET, "s3cret")
    assert backend.entries == {(SERVICE, "p1:client_secret"): "s3cret"}
    assert SecretStore().get("p1", SecretKind.CLIENT_SECRET) == "s3cret"


def test_each_profile_and_kind_has_its_own_entry(use_backend) -> None:
    use_backend(MemoryKeyring())
    store = SecretStore()
    store.set("p1", SecretKind.API_KEY, "key-1")
    store.set("p2", SecretKind.API_KEY, "key-2")
    store.set("p1", SecretKind.WEBHOOK_SECRET, "hook-1")
    assert store.get("p1", SecretKind.API_KEY) == "key-1"
    assert store.get("p2", SecretKind.API_KEY) == "key-2"
    assert store.get("p1", SecretKind.WEBHOOK_SECRET) == "hook-1"
    assert store.get("p2", SecretKind.WEBHOOK_SECRET) is None


def test_setting_an_empty_value_deletes_the_entry(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore()
    store.set("p1", SecretKind.TOKEN, "tok")
    store.set("p1", SecretKind.TOKEN, "")
    assert backend.entries == {}
    assert not store.has("p1", SecretKind.TOKEN)


def test_delete_all_removes_every_kind_and_tolerates_missing_ones(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore()
    store.set("p1", SecretKind.CLIENT_SECRET, "a")
    store.set("p1", SecretKind.WEBHOOK_SECRET, "b")
    store.set("p2", SecretKind.CLIENT_SECRET, "c")
    store.delete_all("p1")
    assert backend.entries == {(SERVICE, "p2:client_secret"): "c"}
    assert store.status.available, "a missing entry is not a keychain failure"


def test_every_secret_read_or_written_is_announced_for_the_redactor(use_backend) -> None:
    use_backend(MemoryKeyring())
    store = SecretStore()
    learned: list[str] = []
    store.known_values.connect(learned.append)
    store.set("p1", SecretKind.API_KEY, "written")
    SecretStore().set("p1", SecretKind.CLIENT_SECRET, "stored earlier")
    store.get("p1", SecretKind.CLIENT_SECRET)
    store.provide("p1", SecretKind.WEBHOOK_SECRET, "provided")
    assert learned == ["written", "stored earlier", "provided"]


def test_provided_secrets_win_for_this_session_and_are_never_stored(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore()
    store.set("sandbox", SecretKind.CLIENT_SECRET, "typed by the user")
    store.provide("sandbox", SecretKind.CLIENT_SECRET, "demo-secret")
    assert store.get("sandbox", SecretKind.CLIENT_SECRET) == "demo-secret"
    assert "demo-secret" not in backend.entries.values()
    assert SecretStore().get("sandbox", SecretKind.CLIENT_SECRET) == "typed by the user"


# -- no keychain ----------------------------------------------------------------------------------


def test_keyrings_fail_backend_means_no_keychain_with_a_clear_message(use_backend) -> None:
    use_backend(fail.Keyring())
    status = SecretStore().status
    assert status == KeychainStatus(False, "memory", status.message)
    assert "No keychain" in status.message
    assert "Secret Service" in status.message
    assert "memory for this session only" in status.message
    assert "Nothing is written to disk" in status.message


def test_a_disabled_keychain_says_so(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore(use_keychain=False)
    assert not store.status.available
    assert "disabled" in store.status.message
    store.set("p1", SecretKind.API_KEY, "memory only")
    assert backend.entries == {}
    assert store.get("p1", SecretKind.API_KEY) == "memory only"


def test_without_a_keychain_secrets_last_for_the_session_only(use_backend) -> None:
    use_backend(fail.Keyring())
    store = SecretStore()
    store.set("p1", SecretKind.CLIENT_SECRET, "session")
    assert store.get("p1", SecretKind.CLIENT_SECRET) == "session"
    assert SecretStore().get("p1", SecretKind.CLIENT_SECRET) is None
    store.delete("p1", SecretKind.CLIENT_SECRET)
    assert store.get("p1", SecretKind.CLIENT_SECRET) is None


@pytest.mark.parametrize("backend", [fail.Keyring, None], ids=["fail-backend", "disabled"])
def test_the_memory_fallback_never_writes_a_file(use_backend, backend) -> None:
    if backend is not None:
        use_backend(backend())
    secrets = SecretStore(use_keychain=backend is not None)
    workspace = Workspace(secrets=secrets)
    workspace.ensure_sandbox_profile()
    profile = workspace.profiles.add(Profile(name="Fallback", provider="redcloud",
                                             environment="staging"))
    value = canary()
    for kind in SecretKind:
        secrets.set(profile.id, kind, f"{value}-{kind.value}")
    workspace.profiles.update(profile)
    assert (workspace.profiles.path).exists()
    assert files_containing(value) == []
    assert secrets.get(profile.id, SecretKind.API_KEY) == f"{value}-api_key"


def test_a_keychain_error_falls_back_to_memory_and_announces_it(use_backend) -> None:
    use_backend(LockedKeyring())
    store = SecretStore()
    assert store.status.available
    changes: list[KeychainStatus] = []
    store.status_changed.connect(changes.append)
    value = canary()
    store.set("p1", SecretKind.CLIENT_SECRET, value)
    assert [c.available for c in changes] == [False]
    assert "locked" in changes[0].message
    assert "memory for this session only" in changes[0].message
    assert store.get("p1", SecretKind.CLIENT_SECRET) == value
    assert files_containing(value) == []


def test_a_keyring_that_fails_to_load_means_no_keychain(use_backend, monkeypatch) -> None:
    def broken() -> KeyringBackend:
        raise RuntimeError("backend import exploded")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    status = SecretStore().status
    assert not status.available
    assert "failed to load" in status.message

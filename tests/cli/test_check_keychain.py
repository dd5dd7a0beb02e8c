"""`check --profile` on a machine without an OS keychain, and secrets from the environment."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail

from desktop.cli import main
from desktop.core.paths import config_dir
from desktop.core.profiles import Profile, ProfileStore
from tests.conftest import ThreadedSandbox
from tests.memory_keyring import MemoryKeyring


def save_profile(base_url: str = "https://api.example.test") -> Profile:
    store = ProfileStore(config_dir() / "profiles.json")
    store.load()
    profile = Profile(name="Red Cloud staging", provider="redcloud", environment="staging",
                      base_url=base_url, settings={"client_id": "sandbox-client"})
    store.add(profile)
    store.save()
    return profile


@pytest.fixture
def no_keychain(monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_a_missing_secret_without_a_keychain_says_so_and_how_to_supply_it(
        capsys, monkeypatch, no_keychain):
    monkeypatch.delenv("SWITCHBOARD_CLIENT_SECRET", raising=False)
    save_profile()
    code = main(["check", "--profile", "Red Cloud staging"])
    err = capsys.readouterr().err
    assert code == 2
    assert "has no client secret here: this machine has no OS keychain" in err
    assert "in the environment variable SWITCHBOARD_CLIENT_SECRET" in err
    assert "Traceback" not in err


def test_the_environment_supplies_a_saved_profiles_secret(capsys, monkeypatch, no_keychain):
    sandbox = ThreadedSandbox()
    try:
        save_profile(sandbox.url)
        monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", "sandbox-secret")
        code = main(["check", "--profile", "Red Cloud staging", "--json"])
        report = json.loads(capsys.readouterr().out)
    finally:
        sandbox.stop()
    assert report["steps"][0]["status"] == "pass"
    assert report["steps"][1]["status"] in ("pass", "warn")  # whoami: no webhook configured
    assert code in (0, 1)  # send/webhook steps depend on settings this profile lacks


def test_the_environment_replaces_a_keychain_secret(capsys, monkeypatch):
    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    sandbox = ThreadedSandbox()
    try:
        profile = save_profile(sandbox.url)
        memory.set_password("switchboard", f"{profile.id}:client_secret", "stale-secret")
        monkeypatch.setenv("SWITCHBOARD_CLIENT_SECRET", "sandbox-secret")
        main(["check", "--profile", "Red Cloud staging", "--json"])
        report = json.loads(capsys.readouterr().out)
    finally:
        sandbox.stop()
        keyring.set_keyring(previous)
    assert report["steps"][0]["status"] == "pass"

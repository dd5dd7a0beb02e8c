"""The profile list on disk: atomic, never silently lost, shared without secrets."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import paths as paths_module
from desktop.core.profiles import Profile, ProfileError, ProfileStore, WebhookSettings

ROOT = Path(__file__).resolve().parents[2]


def make_profile(name: str = "Red Cloud staging", **overrides) -> Profile:
    values = {"provider": "redcloud", "environment": "staging",
              "base_url": "https://api.staging.acme.example",
              "settings": {"client_id": "acme-client", "recipient": "+14155550123"},
              "webhook": WebhookSettings(port=8787, public_url="https://tunnel.example/hooks")}
    return Profile(name=name, **(values | overrides))


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    store = ProfileStore(tmp_path / "profiles.json")
    store.load()
    return store


def reloaded(store: ProfileStore) -> ProfileStore:
    again = ProfileStore(store.path)
    again.load()
    return again


# -- persistence ----------------------------------------------------------------------------------


def test_profiles_are_saved_on_every_change_and_read_back_in_order(store) -> None:
    first = store.add(make_profile("B first"))
    second = store.add(make_profile("A second", environment="production", region="eu"))
    assert list(reloaded(store)) == [first, second]


def test_a_failed_write_leaves_the_previous_file_and_no_temp_file(store, monkeypatch) -> None:
    store.add(make_profile())
    before = store.path.read_bytes()

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(paths_module.os, "fsync", disk_full)  # the one atomic writer
    with pytest.raises(OSError, match="No space"):
        store.add(make_profile("Second"))
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["profiles.json"]


def test_a_process_killed_mid_write_leaves_the_previous_file_readable(store) -> None:
    store.add(make_profile())
    before = store.path.read_bytes()
    # The writer dies after writing the temp file and before the rename: no cleanup runs.
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from desktop.core.profiles import Profile, ProfileStore
        os.replace = lambda *args: os._exit(9)
        store = ProfileStore(Path({str(store.path)!r}))
        store.load()
        store.add(Profile(name="Half written", provider="redcloud", environment="staging"))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=False,
                            capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr
    assert store.path.read_bytes() == before
    leftovers = [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the simulated crash happened after the temp file was written"
    survivor = reloaded(store)
    assert survivor.names() == ["Red Cloud staging"]
    assert survivor.load_problem is None
    survivor.add(make_profile("After the crash"))
    assert reloaded(survivor).names() == ["Red Cloud staging", "After the crash"]


def test_an_unreadable_file_is_kept_aside_and_reported(store) -> None:
    store.path.write_text("{ not json", encoding="utf-8")
    store.load()
    assert len(store) == 0
    assert "profiles.json could not be read" in store.load_problem
    assert "profiles.unreadable.json" in store.load_problem
    kept = store.path.with_suffix(".unreadable.json")
    assert kept.read_text(encoding="utf-8") == "{ not json"
    assert not store.path.exists()


def test_a_second_unreadable_file_does_not_replace_the_first_one_kept(store) -> None:
    store.path.write_text("first broken", encoding="utf-8")
    store.load()
    store.path.write_text("second broken", encoding="utf-8")
    store.load()
    assert "profiles.unreadable-2.json" in store.load_problem
    assert store.path.with_suffix(".unreadable.json").read_text() == "first broken"
    assert store.path.with_suffix(".unreadable-2.json").read_text() == "second broken"


def test_a_profile_entry_that_cannot_be_read_is_reported_and_the_original_kept(store) -> None:
    good = make_profile().to_json()
    original = json.dumps({"version": 1, "profiles": [good, {"name": "No provider"}]})
    store.path.write_text(original, encoding="utf-8")
    store.load()
    assert store.names() == ["Red Cloud staging"]
    assert "1 profile(s)" in store.load_problem
    assert "#2" in store.load_problem
    assert store.path.with_suffix(".unreadable.json").read_text() == original


def test_a_missing_file_is_an_empty_list_without_a_problem(store) -> None:
    assert len(store) == 0
    assert store.load_problem is None
    assert not store.exists_on_disk


# -- names ----------------------------------------------------------------------------------------


def test_a_profile_needs_a_name_that_no_other_profile_has(store) -> None:
    existing = store.add(make_profile())
    assert store.name_problem("") == "A profile needs a name."
    assert store.name_problem("   ") == "A profile needs a name."
    assert "already exists" in store.name_problem("Red Cloud staging")
    assert "already exists" in store.name_problem("  Red Cloud staging ")
    assert store.name_problem("Red Cloud staging", existing.id) is None
    assert store.name_problem("Something else") is None
    with pytest.raises(ProfileError, match="already exists"):
        store.add(make_profile())
    with pytest.raises(ProfileError, match="needs a name"):
        store.add(make_profile(" "))


def test_names_are_stored_without_surrounding_spaces(store) -> None:
    assert store.add(make_profile("  Padded  ")).name == "Padded"


def test_update_may_rename_a_profile_but_not_onto_another_one(store) -> None:
    first = store.add(make_profile("First"))
    store.add(make_profile("Second"))
    renamed = store.update(replace(first, name="Renamed"))
    assert renamed.id == first.id
    assert reloaded(store).names() == ["Renamed", "Second"]
    with pytest.raises(ProfileError, match="already exists"):
        store.update(replace(renamed, name="Second"))


def test_duplicate_gets_a_new_id_and_a_free_name(store) -> None:
    original = store.add(make_profile())
    copy = store.duplicate("Red Cloud staging")
    again = store.duplicate("Red Cloud staging")
    assert copy.id != original.id
    assert (copy.name, again.name) == ("Red Cloud staging copy", "Red Cloud staging copy (2)")
    assert copy.settings == original.settings
    assert copy.webhook == original.webhook


def test_every_change_is_announced(store) -> None:
    seen: list[int] = []
    store.changed.connect(lambda s: seen.append(len(s)))
    profile = store.add(make_profile())
    store.duplicate(profile.name)
    store.remove(profile.id)
    assert seen == [1, 2, 1]


# -- export / import ------------------------------------------------------------------------------


def test_export_has_no_ids_and_no_secrets(store, tmp_path) -> None:
    profile = store.add(make_profile())
    target = tmp_path / "team.json"
    assert store.export(target) == 1
    text = target.read_text(encoding="utf-8")
    assert profile.id not in text
    data = json.loads(text)
    assert data["switchboard_profiles"] == 1
    entry = data["profiles"][0]
    assert "id" not in entry
    assert not {"client_secret", "api_key", "token", "webhook_secret"} & set(entry)
    assert not {"client_secret", "api_key", "token", "webhook_secret"} & set(entry["settings"])


def test_export_can_be_limited_to_chosen_profiles(store, tmp_path) -> None:
    store.add(make_profile("One"))
    store.add(make_profile("Two"))
    target = tmp_path / "one.json"
    assert store.export(target, ["Two"]) == 1
    assert [e["name"] for e in json.loads(target.read_text())["profiles"]] == ["Two"]


def test_import_never_overwrites_and_numbers_clashing_names(store, tmp_path) -> None:
    mine = store.add(make_profile())
    theirs = make_profile(base_url="https://their.example")
    source = tmp_path / "team.json"
    source.write_text(json.dumps({"profiles": [theirs.to_json()]}), encoding="utf-8")
    added, problems = store.import_file(source)
    assert problems == []
    assert [p.name for p in added] == ["Red Cloud staging (2)"]
    assert added[0].id not in (mine.id, theirs.id), "an imported profile gets an id of its own"
    assert store.by_id(mine.id) == mine
    assert reloaded(store).get("Red Cloud staging (2)").base_url == "https://their.example"


def test_export_then_import_recreates_the_profiles_with_new_ids(store, tmp_path) -> None:
    original = store.add(make_profile())
    target = tmp_path / "team.json"
    store.export(target)
    other = ProfileStore(tmp_path / "elsewhere" / "profiles.json")
    added, _problems = other.import_file(target)
    assert len(added) == 1
    copy = added[0]
    assert copy.id != original.id
    assert {**copy.to_json(), "id": None} == {**original.to_json(), "id": None}


def test_import_reports_bad_entries_and_keeps_the_good_ones(store, tmp_path) -> None:
    source = tmp_path / "mixed.json"
    source.write_text(json.dumps({"profiles": [
        make_profile().to_json(), {"name": "No provider"}, "not an object",
        {**make_profile("Bad port").to_json(), "webhook": {"port": "eighty"}},
    ]}), encoding="utf-8")
    added, problems = store.import_file(source)
    assert [p.name for p in added] == ["Red Cloud staging"]
    assert [p.split(":")[0] for p in problems] == ["entry 2", "entry 3", "entry 4"]
    assert "provider" in problems[0]
    assert "port" in problems[2]


@pytest.mark.parametrize("content", ["", "[]", "{\"profiles\": 3}", "\x00\xff garbage"])
def test_importing_something_that_is_not_a_profiles_file_is_a_profile_error(
        store, tmp_path, content) -> None:
    source = tmp_path / "other.json"
    source.write_text(content, encoding="utf-8", errors="surrogateescape")
    with pytest.raises(ProfileError):
        store.import_file(source)
    assert len(store) == 0
    assert not store.exists_on_disk


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=12,
)
ENTRIES = st.dictionaries(
    st.sampled_from(["name", "provider", "environment", "region", "base_url", "settings",
                     "webhook", "id"]),
    JSON_VALUES, max_size=8,
) | JSON_VALUES


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRIES, max_size=4))
def test_any_json_entries_import_or_are_reported_never_crash(tmp_path, entries) -> None:
    store = ProfileStore(tmp_path / "fuzz" / "profiles.json")
    source = tmp_path / "fuzz-import.json"
    source.write_text(json.dumps({"profiles": entries}), encoding="utf-8")
    added, problems = store.import_file(source)
    assert len(added) + len(problems) == len(entries)
    for profile in added:
        assert isinstance(profile.webhook.port, int)
        assert all(isinstance(v, str) for v in profile.settings.values())
    if added:
        assert reloaded(store).names() == store.names()

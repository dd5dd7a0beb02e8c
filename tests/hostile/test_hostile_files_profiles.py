"""Hostile files, issue 17.9: a corrupt profiles.json, and leftovers of interrupted writes.

A broken file is kept aside once (never over an earlier copy), reported once (stderr in
the CLI, the status bar in the window), and the app starts with every profile that can
be read. Temporary files our writers leave when killed are removed at the next start,
and nothing else is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.paths import config_dir
from desktop.core.profiles import ProfileStore
from desktop.core.secrets import SecretStore
from desktop.core.workspace import Workspace

GOOD = {"name": "Red Cloud staging", "provider": "redcloud", "environment": "staging",
        "webhook": {"port": 8787}}


def profiles_file(content: bytes | str | dict) -> Path:
    path = config_dir() / "profiles.json"
    if isinstance(content, dict):
        content = json.dumps(content)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def loaded(path: Path) -> ProfileStore:
    store = ProfileStore(path)
    store.load()
    return store


def kept_copies(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob("profiles.unreadable*"))


CORRUPT = {
    "nested 100,000 deep": '{"profiles": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "binary garbage": b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "not JSON": "{ profiles: [",
    "a list": "[1, 2, 3]",
    "a number of 5,000 digits": '{"profiles": [], "n": 1' + "0" * 5000 + "}",
}


def test_a_corrupt_file_is_kept_once_reported_once_and_the_app_starts() -> None:
    """Today the 100k-deep file is a RecursionError: no window, no CLI command starts."""
    for name, content in CORRUPT.items():
        path = profiles_file(content)
        original = path.read_bytes()
        before = kept_copies(path)
        store = loaded(path)
        assert store.load_problem, name
        assert "\n" not in store.load_problem
        assert "profiles.json could not be read" in store.load_problem
        [new_copy] = sorted(set(kept_copies(path)) - set(before))
        assert (path.parent / new_copy).read_bytes() == original, name
        assert new_copy in store.load_problem
        workspace = Workspace(secrets=SecretStore(use_keychain=False))
        assert workspace.profiles.load_problem is None, "reported once, not on every start"
        workspace.ensure_sandbox_profile()
        assert workspace.profiles.names() == ["Sandbox"], name
        assert set(kept_copies(path)) == {*before, new_copy}, "kept once, never replaced"
        path.unlink()


def test_out_of_range_and_mistyped_values_are_reported_and_the_profile_kept(caplog) -> None:
    """Today a webhook port of 99999 loads silently and fails when the receiver starts."""
    entries = [
        {**GOOD, "name": "Port too high", "webhook": {"port": 99999}},
        {**GOOD, "name": "Negative", "webhook": {"port": -1, "failure_status": 99}},
        {**GOOD, "name": "Text", "webhook": {"port": "8080", "allow_all_interfaces": "yes"}},
        {**GOOD, "name": "Huge", "webhook": {"port": 10**30}},
        {**GOOD, "name": "Settings", "settings": {"client_id": {"nested": [1]}, "n": 5}},
    ]
    path = profiles_file({"version": 1, "profiles": entries})
    store = loaded(path)
    assert store.names() == [e["name"] for e in entries]
    for profile in store:
        assert 0 <= profile.webhook.port <= 65535
        assert 200 <= profile.webhook.failure_status <= 599
        assert isinstance(profile.webhook.allow_all_interfaces, bool)
        assert all(isinstance(v, str) for v in profile.settings.values())
    problem = store.load_problem or ""
    assert "\n" not in problem
    for words in ("99999 is out of range", "-1 is out of range", "failure_status 99",
                  "port must be a whole number", "and 2 more (see the log)"):
        assert words in problem, words
    for words in ("a huge number", "setting 'client_id'"):  # each one in full in the log
        assert words in caplog.text, words
    assert loaded(path).get("Settings").settings == {"n": "5"}


def test_one_bad_entry_loses_nothing_else_and_is_not_reported_again() -> None:
    """Today the original is copied aside and reported on every start, once more each time."""
    entries = [GOOD, {"name": "No provider"}, "not an object", 7,
               {**GOOD, "name": "Second", "webhook": {"port": 9000}}, {**GOOD}]
    path = profiles_file({"version": 1, "profiles": entries})
    original = path.read_bytes()
    store = loaded(path)
    assert store.names() == ["Red Cloud staging", "Second", "Red Cloud staging (2)"]
    assert "#2 skipped" in store.load_problem
    assert kept_copies(path) == ["profiles.unreadable.json"]
    assert (path.parent / "profiles.unreadable.json").read_bytes() == original
    for _ in range(3):
        again = loaded(path)
        assert again.load_problem is None
        assert again.names() == store.names()
        assert {p.id for p in again} == {p.id for p in store}
    assert kept_copies(path) == ["profiles.unreadable.json"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=10,
)
WEBHOOK = st.dictionaries(st.sampled_from(["host", "port", "failure_status", "public_url",
                                           "allow_all_interfaces"]), JSON, max_size=5)
ENTRY = st.fixed_dictionaries({"name": st.text(max_size=5) | JSON,
                               "provider": st.just("redcloud") | JSON,
                               "environment": st.just("staging")},
                              optional={"webhook": WEBHOOK | JSON, "settings": JSON,
                                        "region": JSON, "base_url": JSON, "id": JSON}) | JSON
DOCUMENT = st.fixed_dictionaries({"profiles": st.lists(ENTRY, max_size=4)}) | JSON


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENT, depth=st.sampled_from([0, 0, 0, 5_000, 100_000]))
def test_any_json_as_profiles_file_never_raises_and_keeps_only_sane_values(
        document, depth: int) -> None:
    """Whatever the file holds (any JSON value, any nesting), load never raises and every
    profile it keeps has values a receiver and the window can use."""
    text = json.dumps(document)
    if depth:
        text = '{"profiles": [' + "[" * depth + "]" * depth + f", {text}]}}"
    path = profiles_file(text)
    store = loaded(path)
    for profile in store:
        assert isinstance(profile.name, str)
        assert profile.name.strip()
        assert 0 <= profile.webhook.port <= 65535
        assert 200 <= profile.webhook.failure_status <= 599
        assert isinstance(profile.webhook.host, str)
        assert all(isinstance(v, str) for v in profile.settings.values())
    assert len(set(store.names())) == len(store)
    assert loaded(path).load_problem is None
    for leftover in path.parent.iterdir():
        leftover.unlink()


def test_the_cli_reports_a_corrupt_file_once_on_stderr(capsys) -> None:
    from desktop.commands.profile_args import UsageError, choose

    profiles_file(CORRUPT["nested 100,000 deep"])
    args = argparse.Namespace(profile="Red Cloud staging", provider=None, base_url=None,
                              environment=None, region=None, settings=[])
    with pytest.raises(UsageError, match="no profile named"):
        choose(args)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("switchboard: profiles.json could not be read")
    with pytest.raises(UsageError):
        choose(args)
    assert capsys.readouterr().err == ""


def test_the_window_starts_and_says_why_the_list_was_reset(qtbot) -> None:
    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow

    profiles_file(CORRUPT["nested 100,000 deep"])
    workspace = Workspace(secrets=SecretStore(use_keychain=False))  # today: RecursionError
    workspace.ensure_sandbox_profile()
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.finish_startup()
    assert "profiles.json could not be read" in window.statusBar().currentMessage()
    assert workspace.profiles.names() == ["Sandbox"]


# -- leftovers of interrupted writes -------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_temp_files_of_killed_writers_are_removed_at_start_and_nothing_else() -> None:
    folder = config_dir()
    dead = dead_pid()
    ours_dead = folder / f".profiles.json.{dead}.abcd_123.tmp"
    ours_old = folder / ".profiles.json.x1y2z3w4.tmp"
    ours_old_part = folder / ".collections.json.q1w2e3r4.part"
    for path in (ours_dead, ours_old, ours_old_part):
        path.write_text("half written")
    aged(ours_old, 7200)
    aged(ours_old_part, 7200)
    kept = {
        "young, writer unknown": folder / ".profiles.json.a1b2c3d4.tmp",
        "writer alive": folder / f".profiles.json.{os.getppid()}.a1b2c3d4.tmp",
        "the user's": folder / "notes.tmp",
        "the user's, dotted": folder / ".profiles.json.bak",
        "the user's part": folder / "video.mp4.part",
    }
    for path in kept.values():
        path.write_text("keep me")
        aged(path, 7200 if "user" in str(path) else 0)
    target = folder / "precious.txt"
    target.write_text("keep me")
    link = folder / f".profiles.json.{dead}.l1n2k3s4.tmp"
    link.symlink_to(target)
    directory = folder / f".profiles.json.{dead}.d1r2d3r4.tmp"
    directory.mkdir()
    loaded(folder / "profiles.json")
    for path in (ours_dead, ours_old, ours_old_part):
        assert not path.exists(), path.name
    for why, path in kept.items():
        assert path.read_text() == "keep me", why
    assert link.is_symlink()
    assert target.read_text() == "keep me"
    assert directory.is_dir()


def test_a_killed_profile_write_leaves_a_file_the_next_start_removes(tmp_path) -> None:
    path = config_dir() / "profiles.json"
    script = (
        "import os\n"
        "from pathlib import Path\n"
        "from desktop.core.profiles import Profile, ProfileStore\n"
        "os.replace = lambda *args: os._exit(9)\n"
        f"store = ProfileStore(Path({str(path)!r}))\n"
        "store.add(Profile(name='Half written', provider='redcloud', environment='staging'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, timeout=60,
                            cwd=Path(__file__).resolve().parents[2], capture_output=True)
    assert result.returncode == 9, result.stderr
    assert [p.name for p in path.parent.glob(".profiles.json.*.tmp")]
    loaded(path)
    assert not list(path.parent.glob(".profiles.json.*.tmp"))


def test_a_killed_bundle_export_leaves_nothing_after_the_next_export(tmp_path) -> None:
    from desktop.core.bundle import BundleContent, plan_bundle, write_bundle
    from desktop.core.redact import Redactor

    target = tmp_path / "run.zip"
    stale = tmp_path / f".run.zip.{dead_pid()}.k1l2m3n4.part"
    stale.write_bytes(b"PK half a zip")
    other = tmp_path / f".other.zip.{dead_pid()}.k1l2m3n4.part"
    other.write_bytes(b"not this export's")
    write_bundle(plan_bundle(BundleContent(), Redactor({})), target)
    assert target.exists()
    assert not stale.exists()
    assert other.exists(), "a folder the user chose: only this file's leftovers go"

"""`switchboard import` and `switchboard collections`: preview, write, refuse, export back."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from desktop.cli import main
from desktop.core.collections.postman import schema
from desktop.core.profiles import Profile, ProfileStore

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
ALL = ["postman/nested-entities.postman_collection.json", "postman/sample-collection-v2.0.json",
       "postman/oauth2-export.postman_collection.json", "insomnia/insomnia_v4.json",
       "openapi/petstore.yaml"]


def switchboard(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def files_under(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file())


@pytest.mark.parametrize("fixture", ALL)
def test_dry_run_prints_the_preview_and_writes_nothing(capsys, isolated_home, fixture) -> None:
    before = files_under(isolated_home)
    code, out, _ = switchboard(capsys, "import", str(IMPORTS / fixture), "--dry-run")
    assert code == 0
    assert out.splitlines()[-1] == "dry run: nothing was written"
    assert files_under(isolated_home) == before


@pytest.mark.parametrize("fixture", ALL)
def test_each_real_file_imports_and_exports_back_as_valid_postman(capsys, isolated_home,
                                                                  fixture, tmp_path) -> None:
    code, out, _ = switchboard(capsys, "import", str(IMPORTS / fixture), "--json")
    report = json.loads(out)
    assert code == 0
    written = report["written"]
    assert written["requests"]
    assert Path(written["path"]).is_dir()
    target = tmp_path / "out.postman_collection.json"
    code, _, err = switchboard(capsys, "collections", "export", written["collection"], "-o",
                               str(target), "--provider", "sandbox", "--base-url",
                               "http://127.0.0.1:9")
    assert code == 0, err
    exported = json.loads(target.read_text())
    jsonschema.Draft7Validator(schema("2.1")).validate(exported)
    assert exported["auth"]["type"] == "oauth2"
    code, out, _ = switchboard(capsys, "import", str(target), "--dry-run", "--json")
    assert code == 0
    assert len(json.loads(out)["preview"]["requests"]) == len(written["requests"])


def test_import_into_an_existing_collection_merges_folders(capsys, isolated_home) -> None:
    petstore = str(IMPORTS / "openapi/petstore.yaml")
    assert switchboard(capsys, "import", petstore, "--into", "Pets")[0] == 0
    assert switchboard(capsys, "import", petstore, "--into", "Pets")[0] == 0
    code, out, _ = switchboard(capsys, "collections", "show", "Pets", "--json")
    shown = json.loads(out)
    assert code == 0
    assert [r["folder"] for r in shown["requests"]] == [["pets"]] * 6


def test_an_environment_goes_into_a_profile(capsys, isolated_home) -> None:
    store = ProfileStore(isolated_home / "config" / "profiles.json")
    store.add(Profile("Staging", "sandbox", "local"))
    env = str(IMPORTS / "postman/basic.postman_environment.json")
    code, _, err = switchboard(capsys, "import", env)
    assert code == 2
    assert "give --profile NAME" in err
    code, out, _ = switchboard(capsys, "import", env, "--profile", "Staging")
    assert code == 0
    assert "profile “Staging”: 1 setting(s) written" in out
    store.load()
    assert store.get("Staging").settings["foo"] == "production"


def test_secret_variables_are_offered_not_written(capsys, isolated_home, tmp_path) -> None:
    ProfileStore(isolated_home / "config" / "profiles.json").add(Profile("P", "sandbox", "local"))
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"name": "E", "_postman_variable_scope": "environment", "values": [
        {"key": "token", "value": "cnry-offered-token-1", "type": "secret"},
        {"key": "region", "value": "eu"}]}))
    code, out, _ = switchboard(capsys, "import", str(env), "--profile", "P")
    assert code == 0
    assert "offered for the keychain, not written to any file: token" in out
    assert not any("cnry-offered-token-1" in p.read_text(errors="replace")
                   for p in files_under(isolated_home))


def test_a_har_is_explained_and_only_saved_with_into(capsys, isolated_home) -> None:
    har = str(IMPORTS / "har/chrome.har")
    code, out, _ = switchboard(capsys, "import", har, "--provider", "redcloud")
    assert code == 0
    assert "3 exchange(s) for the History:" in out
    assert "nothing was written" in out.splitlines()[-1]
    assert not (isolated_home / "config" / "collections").exists()
    code, out, _ = switchboard(capsys, "import", har, "--into", "Ticket 4711")
    assert code == 0
    assert "imported 3 request(s) into “Ticket 4711”" in out
    code, out, _ = switchboard(capsys, "collections", "export", "Ticket 4711")
    assert code == 0
    exported = json.loads(out)
    jsonschema.Draft7Validator(schema("2.1")).validate(exported)
    assert exported["item"][0]["request"]["url"] == "https://mitmproxy.org/"


@pytest.mark.parametrize(("content", "reason"), [
    ("{oops", "is not valid JSON"),
    ("[" * 100_000, "nests deeper"),
    ('{"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/'
     'collection.json"}, "item": 5}', "is not a valid Postman Collection v2.1"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "\n".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)), "expands to more than"),
])
def test_bad_files_are_one_line_and_exit_2(capsys, isolated_home, tmp_path, content,
                                           reason) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = switchboard(capsys, "import", str(path))
    assert code == 2
    assert out == ""
    assert err == f"switchboard import: {path}: " + err.split(": ", 2)[2]
    assert reason in err
    assert err.count("\n") == 1


def test_collections_list_show_and_open(capsys, isolated_home, tmp_path) -> None:
    code, out, _ = switchboard(capsys, "collections", "list")
    assert code == 0
    assert "no collections yet" in out
    switchboard(capsys, "import", str(IMPORTS / "openapi/petstore.yaml"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "collection.toml").write_text('schema = 1\nname = "From git"\n')
    (repo / "ping.toml").write_text('name = "Ping"\nurl = "/ping"\n')
    (repo / "broken.toml").write_text('name = "Broken"\nurl = 5\n')
    assert switchboard(capsys, "collections", "open", str(repo))[0] == 0
    code, out, _ = switchboard(capsys, "collections", "list", "--json")
    names = {c["name"]: c["external"] for c in json.loads(out)["collections"]}
    assert names == {"Swagger Petstore": False, "From git": True}
    code, out, _ = switchboard(capsys, "collections", "show", "From git")
    assert code == 1  # a file could not be read: said, and the rest shown
    assert "GET     Ping  /ping" in out
    assert "broken.toml: url: must be a string" in out
    code, _, err = switchboard(capsys, "collections", "show", "Nope")
    assert code == 2
    assert "no collection named 'Nope'" in err

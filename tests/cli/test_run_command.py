"""`switchboard run`: a saved collection sent headless, each answer explained, CI exit codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.collections import (
    Body,
    BodyType,
    CollectionLibrary,
    Header,
    SavedRequest,
    apply_to_collection,
    preview_file,
)

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
SEND = json.dumps({"sendFrom": "{{send_from}}", "to": ["{{recipient}}"], "messageType": "SMS",
                   "text": "Hello from {{run_id}}"}, indent=2)


def switchboard(capsys, *args: str, env: dict[str, str] | None = None,
                monkeypatch=None) -> tuple[int, str, str]:
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def smoke(isolated_home: Path) -> Path:
    """A collection shaped for the sandbox: identity, numbers, a send."""
    collection = CollectionLibrary().create("Sandbox smoke", variables={
        "send_from": "num_sbx_0142", "recipient": "+14155550123"})
    collection.save(SavedRequest("Who am I", "GET", "{{base_url}}/api/core/whoami"))
    folder = collection.add_folder("Messages")
    collection.save(SavedRequest("Numbers", "GET", "/api/core/numbers"), folder)
    collection.save(SavedRequest("Send", "POST", "{{base_url}}/api/core/messages/send",
                                 headers=(Header("Idempotency-Key", "{{uuid}}"),),
                                 body=Body(BodyType.JSON, SEND)), folder)
    return collection.root


def test_a_healthy_collection_passes_against_the_sandbox_as_json(capsys, smoke) -> None:
    code, out, _ = switchboard(capsys, "run", "Sandbox smoke", "--provider", "sandbox", "--json")
    report = json.loads(out)
    assert code == 0, out
    assert report["ok"] is True
    assert report["sent"] == 3
    assert [r["name"] for r in report["requests"]] == ["Who am I", "Numbers", "Send"]
    assert [r["status"] for r in report["requests"]] == [200, 200, 202]
    assert report["requests"][1]["folder"] == ["Messages"]
    for request in report["requests"]:
        assert set(request) >= {"name", "folder", "path", "method", "url", "status",
                                "duration_ms", "request_id", "finding", "findings", "failed"}
    assert "sandbox-secret" not in out


def test_a_failure_finding_exits_1_with_its_explanation(capsys, smoke) -> None:
    code, out, _ = switchboard(capsys, "run", str(smoke), "--provider", "sandbox",
                               "--sandbox-fault", "number_not_owned")
    lines = out.splitlines()
    assert code == 1
    assert lines[1].startswith("✓ 1/3 Who am I  GET http://127.0.0.1:")
    assert any(line.startswith("✗ 3/3 Messages / Send  POST ") and "→ 403" in line
               for line in lines)
    assert any(line.strip().startswith("Next:") for line in lines)
    assert any(line.strip().startswith("Request id: req_") for line in lines)
    assert lines[-1] == "failed: 3 sent, 1 with a failure finding, 0 skipped"


def test_folder_and_bundle(capsys, smoke, tmp_path: Path) -> None:
    bundle = tmp_path / "run.zip"
    code, out, _ = switchboard(capsys, "run", "sandbox smoke", "--provider", "sandbox",
                               "--folder", "messages", "--bundle", str(bundle))
    assert code == 0
    assert "Who am I" not in out
    assert "2/2 Messages / Send" in out
    from desktop.core.bundle_read import inspect_bounded

    assert inspect_bounded(bundle).clean
    with zipfile.ZipFile(bundle) as archive:
        har = json.loads(archive.read("har.json"))
    assert len(har["log"]["entries"]) >= 2


def test_the_openapi_petstore_runs_against_the_sandbox_and_each_404_is_explained(
        capsys, isolated_home) -> None:
    apply_to_collection(preview_file(IMPORTS / "openapi/petstore.yaml"), CollectionLibrary())
    code, out, _ = switchboard(capsys, "run", "Swagger Petstore", "--provider", "sandbox",
                               "--json")
    report = json.loads(out)
    assert code == 1
    assert [r["status"] for r in report["requests"]] == [404, 404, 404]
    assert report["requests"][2]["missing"] == ["petId"]
    assert all(r["finding"]["severity"] == "error" and r["finding"]["next_action"]
               for r in report["requests"])


def test_an_insomnia_export_runs_on_the_profile_host_only(capsys, isolated_home) -> None:
    apply_to_collection(preview_file(IMPORTS / "insomnia/insomnia_v4.json"),
                        CollectionLibrary())
    code, out, _ = switchboard(capsys, "run", "Swagger Petstore 1.0.0", "--provider", "sandbox",
                               "--same-host", "--json")
    report = json.loads(out)
    skipped = [r for r in report["requests"] if r["skipped"]]
    assert code == 1
    assert {r["name"] for r in skipped} == {"Example 1", "Example 2"}
    assert report["sent"] == 11
    assert all(r["url"].startswith("http://127.0.0.1:") for r in report["requests"]
               if not r["skipped"])


def test_production_needs_yes_for_requests_that_change_data(capsys, monkeypatch, smoke,
                                                           threaded_sandbox) -> None:
    server = threaded_sandbox()
    env = {"SWITCHBOARD_CLIENT_ID": "sandbox-client",
           "SWITCHBOARD_CLIENT_SECRET": "sandbox-secret"}
    args = ("run", "Sandbox smoke", "--provider", "redcloud", "--environment", "production",
            "--base-url", server.url)
    code, _, err = switchboard(capsys, *args, env=env, monkeypatch=monkeypatch)
    assert code == 2
    assert "refusing to send 1 request(s) that change data (POST)" in err
    assert server.call(lambda: len(server.sandbox.state.messages)) == 0
    code, out, _ = switchboard(capsys, *args, "--yes", env=env, monkeypatch=monkeypatch)
    assert code == 0, out
    assert "sandbox-secret" not in out


@pytest.mark.parametrize(("args", "message"), [
    (["run", "nope", "--provider", "sandbox"], "no collection named 'nope'"),
    (["run", "Sandbox smoke"], "--profile NAME"),
    (["run", "Sandbox smoke", "--provider", "nope"], "unknown provider"),
    (["run", "Sandbox smoke", "--profile", "missing"], "no profile named"),
    (["run", "Sandbox smoke", "--provider", "sandbox", "--folder", "none"], "has no requests"),
    (["run", "Sandbox smoke", "--provider", "sandbox", "--set", "novalue"], "NAME=VALUE"),
])
def test_usage_errors_exit_2(capsys, smoke, args, message) -> None:
    code, _, err = switchboard(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err

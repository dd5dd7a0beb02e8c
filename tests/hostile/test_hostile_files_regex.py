"""Hostile files, issue 17.6: regexes from provider files run in linear time (RE2).

Today the built-in Red Cloud catalog's ``(?i)(client|account)\\b.*\\binactive`` takes 23 s
over a 140 KB error body, holding the event loop. No timing is asserted here: the tests
check which engine runs each pattern (the stdlib's ``re`` must never see one), and that
a textbook catastrophic pattern finishes, which it would not under ``re``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import re2

from desktop.core.client.spec import RequestSpec
from desktop.core.diagnosis.catalog import matches, score
from desktop.core.diagnosis.context import DiagnosisContext
from desktop.core.lint import lint_request
from desktop.core.profile_checks import key_format_ok
from desktop.core.provider import Provider, load_registry
from desktop.core.userregex import compile_user_regex

HOSTILE_BODIES = {
    "client, no inactive": "client " * 20_000,
    "account, no inactive": ("account\t" * 17_500),
    "numberid, no sendfrom": "numberid " * 15_556,
    "letters": "a" * 140_000 + "!",
}


def shipped_patterns(provider: Provider) -> set[str]:
    """Every regex a provider file holds: the ones a server's bytes are matched against."""
    found = {e.match.message for e in provider.errors if e.match.message}
    found |= {env.host_pattern for env in provider.environments if env.host_pattern}
    found |= {rule.params[k] for rule in provider.lint for k in ("regex", "forbid")
              if isinstance(rule.params.get(k), str)}
    found |= {regex for _, regex in provider.secret_patterns if regex}
    if provider.auth.key_pattern:
        found.add(provider.auth.key_pattern)
    return found


@pytest.fixture
def registry(tmp_path: Path):
    registry = load_registry(tmp_path / "none")
    assert registry.problems == []
    return registry


class StdlibGuard:
    """Patterns ``re`` must refuse, and the calls that tried (lint swallows exceptions into
    a "could not run" finding, so the calls are recorded as well as refused)."""

    def __init__(self) -> None:
        self.refused: set[str] = set()
        self.calls: list[str] = []

    def update(self, patterns: set[str]) -> None:
        self.refused |= patterns


@pytest.fixture
def no_stdlib_for(monkeypatch: pytest.MonkeyPatch) -> Iterator[StdlibGuard]:
    """Make ``re`` refuse provider patterns: a test fails at once, instead of backtracking
    for minutes, if one reaches the stdlib engine."""
    guard = StdlibGuard()

    def wrap(name: str):
        original = getattr(re, name)

        def spy(pattern, *args, **kwargs):
            if isinstance(pattern, str) and pattern in guard.refused:
                guard.calls.append(f"re.{name}({pattern!r})")
                raise AssertionError(f"re.{name} ran the provider pattern {pattern!r}")
            return original(pattern, *args, **kwargs)
        return spy

    for name in ("compile", "search", "match", "fullmatch", "finditer", "findall", "sub"):
        monkeypatch.setattr(re, name, wrap(name))
    yield guard
    assert guard.calls == []


def test_every_shipped_regex_compiles_with_re2(registry) -> None:
    for provider in registry:
        for pattern in shipped_patterns(provider):
            compiled = compile_user_regex(pattern)
            assert isinstance(compiled, re2._Regexp), (provider.id, pattern)


def test_the_built_in_catalogs_run_over_a_140_kb_hostile_body_with_re2(
        registry, no_stdlib_for) -> None:
    """Every catalog entry with a message pattern is tried against each hostile body, with
    the status, code and transport it asks for, so its pattern really runs."""
    ran = 0
    for provider in registry:
        no_stdlib_for.update(shipped_patterns(provider))
        for entry in provider.errors:
            m = entry.match
            if not m.message:
                continue
            for body in HOSTILE_BODIES.values():
                assert len(body) >= 140_000
                ctx = DiagnosisContext(status=m.status[0] if m.status else 400,
                                       code=m.code[0] if m.code else None,
                                       transport=m.transport[0] if m.transport else None,
                                       message=body[:2000], body_text=body)
                score(entry, ctx)
                ran += 1
        matches(provider, DiagnosisContext(status=403, message="x", body_text="client " * 20_000))
    assert ran > 100
    redcloud = registry.require("redcloud")
    ctx = DiagnosisContext(status=403, body_text="client " * 20_000 + "is inactive")
    assert "client-inactive" in [found.entry.id for found in matches(redcloud, ctx)]


def test_lint_patterns_and_key_formats_from_a_provider_run_with_re2(registry,
                                                                    no_stdlib_for) -> None:
    value = "trk_" + "A1" * 70_000
    for provider in registry:
        no_stdlib_for.update(shipped_patterns(provider))
        body = json.dumps({"to": value, "from": value, "text": value, "sendFrom": value})
        for rule in provider.lint:
            method = rule.method[0] if rule.method else "POST"
            path = (rule.path or "/v1/messages").replace("*", "x")
            spec = RequestSpec(method, "https://api.example.test" + path,
                               (("Content-Type", "application/json"),
                                ("Authorization", "Bearer " + value)), body.encode())
            lint_request(spec, provider, base_url="https://api.example.test")
        key_format_ok(provider, value)
    assert no_stdlib_for.calls == []


CATASTROPHIC = "(a+)+$"


@pytest.mark.timeout(60)
def test_a_catastrophic_pattern_in_a_users_provider_file_finishes(tmp_path: Path) -> None:
    """``(a+)+$`` over ``'a' * 50 + '!'`` takes 2**50 steps in ``re``: it would not finish.
    In a user's file (catalog message, lint regex, key format) it loads and runs linearly."""
    folder = tmp_path / "providers"
    folder.mkdir()
    (folder / "evil.toml").write_text(f"""\
schema = 1
id = "evil"
name = "Evil"

[auth]
type = "api_key"
header = "X-Key"
key_pattern = '{CATASTROPHIC}'

[[environments]]
id = "production"
name = "Production"
base_url = "https://api.evil.example"
host_pattern = '{CATASTROPHIC}'

[[errors]]
id = "trap"
title = "Trap"
next_action = "Nothing."
[errors.match]
message = '{CATASTROPHIC}'

[[lint]]
id = "trap"
rule = "pattern"
fields = ["text"]
regex = '{CATASTROPHIC}'
""")
    registry = load_registry(folder)
    assert registry.problems == []
    evil = registry.require("evil")
    trap = "a" * 50 + "!"
    assert matches(evil, DiagnosisContext(status=400, message=trap, body_text=trap)) == []
    assert key_format_ok(evil, trap) is False
    spec = RequestSpec("POST", "https://api.evil.example/v1/x",
                       (("Content-Type", "application/json"),), json.dumps({"text": trap}).encode())
    findings = lint_request(spec, evil, base_url="https://api.evil.example")
    assert any(f.code == "lint.evil.trap" for f in findings)

"""Shared machinery of the seed-coverage tests: a seed symptom as data, and its diagnosis.

Each ``test_seed_coverage_<provider>.py`` lists the symptoms, causes and fixes
of its seed document as ``Case`` rows; ``diagnose`` turns a row into the
Exchange (or synthetic outcome) the app would see and runs the real
diagnosis on it. Imported by module name (pytest puts this folder on
``sys.path``); its own tests check the machinery itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from desktop.core.diagnosis import explain, explain_context, synthetic_context
from desktop.core.exchange import (
    ErrorKind,
    Exchange,
    RequestRecord,
    ResponseRecord,
    TransportError,
)
from desktop.core.finding import Finding
from desktop.core.provider import Provider, load_registry

BASE_URL = "https://api.example.test"


@dataclass(frozen=True)
class Case:
    """One seed symptom (or one variant of it) and what the diagnosis must say."""

    symptom: str
    """The seed's wording; the expected catalog entry lists it in ``symptoms``."""
    entry: str
    """Id of the catalog entry that must lead the findings."""
    status: int | None = None
    body: Any = None
    method: str = "GET"
    path: str = "/"
    step: str | None = None
    transport: str | None = None
    code: str | None = None
    """A synthetic outcome code (webhook waits, credentials checks) instead of a response."""
    facts: dict[str, Any] = field(default_factory=dict)
    mentions: tuple[str, ...] = ()
    """Key facts of the seed the finding's title, causes or next action must state."""
    first_cause: str | None = None
    """Text the top-ranked cause must contain (facts-driven ranking)."""
    base_url: str = BASE_URL

    @property
    def id(self) -> str:
        return f"{self.entry}: {self.symptom}"[:90]


def provider(provider_id: str, tmp_path: Path) -> Provider:
    """A shipped provider, loaded the way the app loads it (with an empty user folder)."""
    registry = load_registry(tmp_path)
    assert not registry.problems, registry.problems
    return registry.require(provider_id)


def make_exchange(case: Case) -> Exchange:
    request = RequestRecord(case.method, case.base_url + case.path)
    if case.transport is not None:
        error = TransportError(ErrorKind(case.transport), f"{case.transport} (test)")
        return Exchange(request=request, started_at=0.0, error=error, step=case.step)
    assert case.status is not None, "a case needs a status, a transport kind or a code"
    if isinstance(case.body, bytes):
        raw = case.body
    elif isinstance(case.body, str):
        raw = case.body.encode()
    else:
        raw = json.dumps(case.body).encode() if case.body is not None else b""
    response = ResponseRecord(status=case.status, headers=(("Content-Type", "application/json"),),
                              body=raw, body_size=len(raw))
    return Exchange(request=request, started_at=0.0, response=response, step=case.step)


def diagnose(case: Case, prov: Provider) -> list[Finding]:
    if case.code is not None:
        ctx = synthetic_context(code=case.code, step=case.step, facts=case.facts)
        return explain_context(ctx, prov)
    return explain(make_exchange(case), prov, dict(case.facts))


def text_of(finding: Finding) -> str:
    return " ".join((finding.title, *finding.causes, finding.next_action)).lower()


def check_case(case: Case, prov: Provider) -> Finding:
    """Assert the case's expectations; return the leading finding for further checks."""
    entry = next((e for e in prov.errors if e.id == case.entry), None)
    assert entry is not None, f"{prov.id} has no catalog entry {case.entry!r}"
    assert case.symptom in entry.symptoms, (
        f"{case.entry} should list the seed symptom {case.symptom!r} in its symptoms")
    findings = diagnose(case, prov)
    assert findings, "no finding at all"
    top = findings[0]
    assert top.code == f"{prov.id}.{case.entry}", (
        f"expected {case.entry}, got {top.code}: {top.title}")
    text = text_of(top)
    for fact in case.mentions:
        assert fact.lower() in text, f"{top.code} does not mention {fact!r}: {text}"
    if case.first_cause is not None:
        assert top.causes, f"{top.code} has no causes"
        assert case.first_cause.lower() in top.causes[0].lower(), (
            f"first cause should mention {case.first_cause!r}, got {top.causes[0]!r}")
    return top


def entries_with_symptoms(prov: Provider) -> set[str]:
    return {entry.id for entry in prov.errors if entry.symptoms}


# -- the machinery's own checks ----------------------------------------------------------------


def test_json_body_of_a_case_is_read_through_the_providers_error_fields(tmp_path: Path) -> None:
    prov = provider("trk-sms", tmp_path)
    case = Case("invalid_phone", "invalid-phone", status=400, method="POST", path="/send",
                body={"error": "Invalid recipient phone number format", "code": "invalid_phone"})
    top = check_case(case, prov)
    assert "code invalid_phone" in top.evidence


def test_a_case_naming_the_wrong_entry_fails(tmp_path: Path) -> None:
    prov = provider("trk-sms", tmp_path)
    case = Case("invalid_phone", "list-not-found", status=400, method="POST", path="/send",
                body={"error": "Invalid recipient phone number format", "code": "invalid_phone"})
    with pytest.raises(AssertionError):
        check_case(case, prov)

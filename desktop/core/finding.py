"""Findings: what Switchboard concluded, in words a person can act on.

A Finding is produced by request lint (before sending), by the provider's
error catalog and generic HTTP rules (after a response or transport error),
and by checklist expectations. Every view renders the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warn": 1, "error": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnosis: what we saw, why it probably happened, what to do next."""

    code: str
    """Stable identifier, e.g. ``redcloud.token.invalid_client`` or ``http.connect_refused``."""
    severity: Severity
    title: str
    """What we saw, in one sentence."""
    causes: tuple[str, ...] = ()
    """Likely causes, most likely first."""
    next_action: str = ""
    doc: str | None = None
    source: str = "http"
    """Who produced it: ``lint``, ``catalog``, ``http``, ``checklist``, ``transport``."""
    evidence: str = ""
    """The observed detail that triggered it (a status, an error code, a field)."""
    location: str | None = None
    """Where in the request it points, e.g. ``header:Idempotency-Key`` or ``body:to[0]``."""
    fix: str | None = None
    """Identifier of an automatic fix the UI can offer (see ``desktop.core.lint.FIXES``)."""
    fix_value: str | None = None
    """A suggested replacement value for ``location`` (e.g. the E.164 form of a number)."""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "title": self.title,
            "causes": list(self.causes),
            "next_action": self.next_action,
            "doc": self.doc,
            "source": self.source,
            "evidence": self.evidence,
            "location": self.location,
            "fix": self.fix,
            "fix_value": self.fix_value,
        }


def worst(findings: list[Finding] | tuple[Finding, ...]) -> Finding | None:
    """The most severe finding, the first one on ties (callers order by relevance)."""
    best: Finding | None = None
    for finding in findings:
        if best is None or finding.severity.rank > best.severity.rank:
            best = finding
    return best

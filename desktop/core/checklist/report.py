"""A run as the CLI prints it: one line per step (human), or one JSON object.

What the CLI prints goes through ``RedactedOutput``: the one redactor, knowing the
profile's secrets and every token acquired, between the run and the terminal.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from desktop.core.redact import Redactor

from desktop.core.checklist.escalation import escalation_facts
from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.finding import Finding


def finding_json(finding: Finding | None) -> dict[str, Any] | None:
    if finding is None:
        return None
    return {"title": finding.title, "causes": list(finding.causes),
            "next_action": finding.next_action, "doc": finding.doc, "code": finding.code}


def step_json(result: StepResult) -> dict[str, Any]:
    return {
        "id": result.step.id,
        "title": result.step.title,
        "kind": result.step.kind.value,
        "status": result.status.value,
        "summary": result.summary,
        "http_status": result.http_status,
        "duration_ms": round(result.duration_ms) if result.duration_ms is not None else None,
        "request_id": result.request_id,
        "finding": finding_json(result.finding),
    }


def run_json(run: ChecklistRun) -> dict[str, Any]:
    return {
        "provider": run.provider_id,
        "environment": run.environment,
        "region": run.region,
        "base_url": run.base_url,
        "profile": run.profile_name,
        "ok": run.ok,
        "steps": [step_json(r) for r in run.results],
        "escalation": escalation_facts(run),
    }


def step_line(result: StepResult, redact: Callable[[str], str] = str) -> str:
    """``✓ token     Token acquisition (212 ms): Token acquired, expires in 60 min.``

    ``redact`` applies to the summary, the part that can quote a server's answer (the
    rest is the provider file's and our own words).
    """
    timing = f" ({result.duration_ms:.0f} ms)" if result.duration_ms is not None and \
        result.status not in (StepStatus.SKIPPED, StepStatus.MANUAL) else ""
    http = f" HTTP {result.http_status}" if result.http_status is not None else ""
    return f"{result.status.symbol} {result.step.id:<14} {result.step.title}{timing}{http}: " \
           f"{redact(result.summary)}"


def finding_lines(finding: Finding, indent: str = "    ", *, said: str = "") -> list[str]:
    """The finding under a step line; its title is left out when the step line said it."""
    lines = [] if finding.title in said else [f"{indent}{finding.title}"]
    if finding.evidence:
        lines.append(f"{indent}Seen: {finding.evidence}")
    for number, cause in enumerate(finding.causes, start=1):
        lines.append(f"{indent}{number}. {cause}")
    if finding.next_action:
        lines.append(f"{indent}Next: {finding.next_action}")
    if finding.doc:
        lines.append(f"{indent}Docs: {finding.doc}")
    return lines


class RedactedOutput:
    """stdout and stderr through the redactor.

    It starts with the secrets it is given (the environment's) and the redactor's shape
    rules; ``know`` adds the profile's secrets and its provider's patterns, ``learn`` each
    access token as it is acquired. Phone numbers stay: the user typed them.
    """

    def __init__(self, secrets: Mapping[str, str | None] | None = None) -> None:
        self._secrets: dict[str, str | None] = dict(secrets or {})
        self._patterns: Sequence[tuple[str, str]] = ()
        self._learned: list[str] = []
        self.redactor = self._build()

    def _build(self) -> Redactor:
        from desktop.core.redact import Redactor

        try:
            redactor = Redactor(self._secrets, self._patterns, mask_phones=False)
        except ValueError:  # a provider pattern that does not compile: values and shapes stay
            redactor = Redactor(self._secrets, mask_phones=False)
        for token in self._learned:
            redactor.add_secret(token, "access_token")
        return redactor

    def know(self, secrets: Mapping[str, str | None],
             patterns: Sequence[tuple[str, str]] = ()) -> None:
        """The profile's secrets (added to those known) and its provider's patterns."""
        self._secrets.update({kind: value for kind, value in secrets.items() if value})
        self._patterns = tuple(patterns)
        self.redactor = self._build()

    def learn(self, secret: str) -> None:
        """A secret acquired during the run (an access token)."""
        if secret and secret not in self._learned:
            self._learned.append(secret)
            self.redactor.add_secret(secret, "access_token")

    def text(self, text: str) -> str:
        return self.redactor.redact_text(text)

    def out_json(self, document: Any) -> None:
        """One JSON document on stdout, redacted value by value (it stays valid JSON)."""
        import json

        redacted = self.redactor.redact_json(document)
        print(json.dumps(redacted, indent=2, ensure_ascii=False), file=sys.stdout, flush=True)

    def out(self, text: str) -> None:
        self._write(sys.stdout, text)

    def out_step(self, result: StepResult, *, with_finding: bool) -> None:
        """A step's line, then its finding: each part that can quote the wire is redacted on
        its own (a step titled "… signature" followed by ": Skipped" is not a secret)."""
        summary = self.text(result.summary)
        lines = [step_line(result, lambda _summary: summary)]
        if with_finding and result.finding is not None:
            finding = self.redactor.redact_finding(result.finding)
            lines += finding_lines(finding, said=summary)
        print("\n".join(lines), file=sys.stdout, flush=True)

    def err(self, text: str) -> None:
        self._write(sys.stderr, text)

    def _write(self, stream: TextIO, text: str) -> None:
        print(self.text(text), file=stream, flush=True)

    def log_filter(self) -> logging.Filter:
        """For the command's log handlers: the same redactor, as it learns."""
        from desktop.core.redact import redacting_log_filter

        return redacting_log_filter(lambda: self.redactor)

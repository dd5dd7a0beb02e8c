"""A run as the CLI prints it: one line per step (human), or one JSON object."""

from __future__ import annotations

from typing import Any

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


def step_line(result: StepResult) -> str:
    """``✓ token     Token acquisition (212 ms): Token acquired, expires in 60 min.``"""
    timing = f" ({result.duration_ms:.0f} ms)" if result.duration_ms is not None and \
        result.status not in (StepStatus.SKIPPED, StepStatus.MANUAL) else ""
    http = f" HTTP {result.http_status}" if result.http_status is not None else ""
    return f"{result.status.symbol} {result.step.id:<14} {result.step.title}{timing}{http}: " \
           f"{result.summary}"


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

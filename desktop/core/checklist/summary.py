"""summary.md: the run in a page a support engineer reads first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from desktop.core.checklist.escalation import escalation_facts
from desktop.core.checklist.model import ChecklistRun, StepStatus


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_markdown(run: ChecklistRun) -> str:
    """What happened, where it broke, why, and the facts support will ask for."""
    when = datetime.fromtimestamp(run.started_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    failed = run.failed
    outcome = "Every step passed." if run.ok else f"Stopped at **{failed.step.title}**."
    lines = [
        f"# {run.provider_name} checklist — {run.profile_name}",
        "",
        f"Run {when} against `{run.base_url}` ({run.environment}"
        f"{', ' + run.region if run.region else ''}). {outcome}",
        "",
        "| # | Step | Status | HTTP | Request id | Outcome |",
        "|---|------|--------|------|------------|---------|",
    ]
    for number, result in enumerate(run.results, start=1):
        lines.append(
            f"| {number} | {_cell(result.step.title)} | {result.status.symbol} "
            f"{result.status.value} | {_cell(result.http_status)} | "
            f"{_cell(result.request_id)} | {_cell(result.summary)} |")
    if failed is not None and failed.finding is not None:
        finding = failed.finding
        lines += ["", f"## Why “{failed.step.title}” failed", "", finding.title, ""]
        if finding.evidence:
            lines += [f"Seen: {finding.evidence}", ""]
        if finding.causes:
            lines += ["Likely causes, most likely first:", ""]
            lines += [f"{i}. {cause}" for i, cause in enumerate(finding.causes, start=1)]
            lines.append("")
        if finding.next_action:
            lines += [f"**Next action:** {finding.next_action}", ""]
        if finding.doc:
            lines += [f"Documentation: {finding.doc}", ""]
    warnings = [r for r in run.results if r.status is StepStatus.WARN and r.finding]
    if warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- **{r.step.title}:** {r.finding.title}" for r in warnings]
    facts = escalation_facts(run)
    lines += ["", "## What to capture before escalation", "",
              "| Fact | Value |", "|------|-------|"]
    labels = {
        "endpoint": "Endpoint", "http_status": "HTTP status",
        "request_timestamp": "Request time (UTC)", "request_id": "Request id",
        "payload_shape": "Payload shape (no values)",
        "token_freshly_acquired": "Token freshly acquired",
        "token_lifetime": "Token lifetime", "reproduces": "Reproduces",
        "message_id": "Message id", "api_client": "API client (never its secret)",
    }
    for key, label in labels.items():
        value = facts.get(key)
        lines.append(f"| {label} | `{_cell(value)}` |" if key == "payload_shape" and value
                     else f"| {label} | {_cell(value)} |")
    lines += ["", "Secrets, tokens and full phone numbers were removed from this bundle "
              "before it was written; see manifest.json for what was redacted, by kind.", ""]
    return "\n".join(lines)

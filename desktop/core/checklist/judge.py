"""Judging a request step's answer: expectations, extracted values, the step's finding.

The engine sends; this module decides what the answer means. An HTTP failure
is explained by the diagnosis the client made; a response that answered but
broke an expectation gets the expectation's own words, with its causes
ranked by what the response showed (the same ``{text, when}`` rule as the
error catalog).
"""

from __future__ import annotations

from typing import Any

import jmespath.exceptions

from desktop.core.checklist import expect
from desktop.core.checklist.functions import search
from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.finding import Finding, Severity
from desktop.core.provider.model import Cause, Poll, Provider
from desktop.core.templates import TemplateError, render_expression


def judge(result: StepResult, run: ChecklistRun, provider: Provider) -> None:
    """Set the step's status, finding and summary from its last exchange."""
    exchange = result.exchanges[-1]
    document, values, extracted = _document(result, run)
    unmet = expect.check(result.step.expect, document, values)
    failing = [u for u in unmet if u.expectation.severity == "fail"]
    warnings = [u for u in unmet if u.expectation.severity == "warn"]
    diagnosis = list(exchange.findings)
    http_failed = exchange.error is not None or (exchange.status or 0) >= 400

    def finding(unmet: expect.Unmet, severity: Severity) -> Finding:
        return expectation_finding(unmet, severity, provider, document, values)

    if http_failed or failing:
        result.status = StepStatus.FAIL
        main = diagnosis[0] if http_failed and diagnosis else None
        if main is None and failing:
            main = finding(failing[0], Severity.ERROR)
        if main is None:
            main = Finding(code="checklist.unexpected", severity=Severity.ERROR,
                           title=f"Unexpected answer: HTTP {exchange.status}.",
                           source="checklist")
        result.finding = main
        # When the HTTP answer itself failed, unmet expectations only restate it.
        later = [] if http_failed else [finding(u, Severity.ERROR) for u in failing[1:]]
        result.findings = [main] + [f for f in diagnosis if f is not main] + later
        result.summary = main.title
        return
    result.extracted = extracted
    if warnings:
        result.status = StepStatus.WARN
        result.findings = [finding(u, Severity.WARN) for u in warnings]
        result.finding = result.findings[0]
        result.summary = result.finding.title
        return
    result.status = StepStatus.PASS
    result.summary = (expect.fill(result.step.note, values) if result.step.note
                      else f"HTTP {exchange.status}: every expectation held.")


def _document(result: StepResult,
              run: ChecklistRun) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The response document with the run's values and this step's extractions in ``vars``,
    the values, and what this step extracted."""
    document = expect.response_document(result.exchanges[-1], run.values)
    # Extract first: an expectation may check what was found (``vars.numberId``).
    extracted, _problems = expect.extract(result.step.extract, document, run.values)
    values = {**run.values, **extracted}
    document["vars"] = values
    return document, values, extracted


def poll_done(poll: Poll, result: StepResult, run: ChecklistRun) -> bool:
    """Whether polling can stop: the condition holds, or the answer is an HTTP failure."""
    exchange = result.exchanges[-1]
    if exchange.error is not None or (exchange.status or 0) >= 400:
        return True
    document, values, _ = _document(result, run)
    return holds(poll.until, document, values)


def holds(expression: str, document: dict[str, Any], values: dict[str, Any]) -> bool:
    try:
        return bool(search(render_expression(expression, values), document))
    except (TemplateError, jmespath.exceptions.JMESPathError, RecursionError):
        return False


def ranked_causes(causes: tuple[Cause, ...], document: dict[str, Any],
                  values: dict[str, Any]) -> tuple[str, ...]:
    """Causes whose ``when`` holds first (filled with the run's values), then plain ones."""
    holding = [c.text for c in causes if c.when is not None and holds(c.when, document, values)]
    plain = [c.text for c in causes if c.when is None]
    return tuple(expect.fill(text, values) for text in holding + plain)


def expectation_finding(unmet: expect.Unmet, severity: Severity, provider: Provider,
                        document: dict[str, Any], values: dict[str, Any]) -> Finding:
    e = unmet.expectation
    return Finding(
        code=f"{provider.id}.expect", severity=severity, title=unmet.says,
        causes=ranked_causes(e.causes, document, values),
        next_action=expect.fill(e.next_action, values), doc=provider.doc_url(e.doc),
        source="checklist", evidence=unmet.error or f"expected: {e.that}")

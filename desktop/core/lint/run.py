"""One provider lint rule being applied: its parameters, its values, its findings.

Rule kinds (``kinds_*``) are small functions of a ``RuleRun``; this is what
they share, so each reads as the check it performs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from desktop.core.finding import Finding, Severity
from desktop.core.lint.context import LintContext, make_finding
from desktop.core.lint.jsonpath import Located
from desktop.core.provider.model import LintRule

MAX_FINDINGS_PER_RULE = 20
"""More than this from one rule collapses into a summary: the list must stay readable."""

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
WHOLE_PLACEHOLDER = re.compile(r"\s*\{\{[^{}]*\}\}\s*")


class RuleError(Exception):
    """The rule cannot run as written (a missing or mistyped parameter)."""


def is_placeholder(value: Any) -> bool:
    """A template value never filled in: reported once by the placeholder rule, not per kind."""
    return isinstance(value, str) and WHOLE_PLACEHOLDER.fullmatch(value) is not None


def scalars(values: list[Located]) -> Iterator[Located]:
    """Values with one level of lists opened: ``to`` checks each recipient of a list too."""
    for located in values:
        if isinstance(located.value, list):
            for index, item in enumerate(located.value):
                if item is not None:
                    yield located.child(index, item)
        else:
            yield located


def severity_of(rule: LintRule) -> Severity:
    try:
        return Severity(rule.severity)
    except ValueError:
        return Severity.WARN


class RuleRun:
    def __init__(self, ctx: LintContext, rule: LintRule, provider_id: str) -> None:
        self.ctx = ctx
        self.rule = rule
        self.code = f"lint.{provider_id}.{rule.id}"
        self.severity = severity_of(rule)
        self.findings: list[Finding] = []
        self.dropped = 0

    # -- parameters -----------------------------------------------------------------------

    def param(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.rule.params.get(name, default)
        if required and value is None:
            raise RuleError(f"it needs the parameter {name!r}")
        return value

    def text_param(self, name: str, default: str | None = None) -> str:
        value = self.param(name, default, required=True)
        if not isinstance(value, str) or not value:
            raise RuleError(f"{name!r} must be a non-empty string, not {value!r}")
        return value

    def int_param(self, name: str, default: int | None = None) -> int:
        value = self.param(name, default, required=True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{name!r} must be a whole number, not {value!r}")
        return value

    def list_param(self, name: str, *, required: bool = True) -> list[str]:
        value = self.param(name, None, required=required)
        if value is None:
            return []
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise RuleError(f"{name!r} must be a string or a list of strings, not {value!r}")
        return list(values)

    # -- values ---------------------------------------------------------------------------

    def body_values(self, expression: str) -> list[Located]:
        return self.ctx.values(expression)

    def body_scalars(self, expression: str) -> Iterator[Located]:
        """Each value at ``expression`` (lists opened once), template placeholders skipped."""
        for located in scalars(self.ctx.values(expression)):
            if not is_placeholder(located.value):
                yield located

    # -- findings -------------------------------------------------------------------------

    def report(
        self,
        title: str,
        *,
        location: str | None = None,
        next_action: str = "",
        evidence: str = "",
        fix: str | None = None,
        fix_value: str | None = None,
        extra: dict[str, object] | None = None,
        use_message_as_cause: bool = True,
    ) -> None:
        if len(self.findings) >= MAX_FINDINGS_PER_RULE:
            self.dropped += 1
            return
        causes = (self.rule.message,) if self.rule.message and use_message_as_cause else ()
        self.findings.append(make_finding(
            self.code, self.severity, title, location=location, next_action=next_action,
            causes=causes, evidence=evidence, fix=fix, fix_value=fix_value,
            extra={"rule": self.rule.id, "kind": self.rule.rule, **(extra or {})},
        ))

    def result(self) -> list[Finding]:
        if not self.dropped:
            return self.findings
        summary = make_finding(
            self.code, self.severity,
            f"…and {self.dropped} more like these (rule {self.rule.id}).",
            next_action="Fix the ones above and lint again; the rest are listed then.",
            extra={"rule": self.rule.id, "kind": self.rule.rule},
        )
        return [*self.findings, summary]

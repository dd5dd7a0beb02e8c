"""The provider's ``[[lint]]`` rules: which apply to this request, and running them.

A rule that cannot run (a kind this version does not know, a parameter of
the wrong type in a hand-built Provider) becomes an info finding saying so:
lint never raises on the composer's keystroke.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from fnmatch import fnmatchcase

from desktop.core.finding import Finding, Severity
from desktop.core.lint import kinds_fields as fields
from desktop.core.lint import kinds_request as request
from desktop.core.lint.context import LintContext, make_finding
from desktop.core.lint.run import RuleError, RuleRun
from desktop.core.provider.model import LintRule

log = logging.getLogger(__name__)

KINDS: dict[str, Callable[[RuleRun], None]] = {
    "required_header": request.required_header,
    "e164": fields.e164,
    "not_phone_number": fields.not_phone_number,
    "media_matches_type": fields.media_matches_type,
    "max_items": fields.max_items,
    "max_length": fields.max_length,
    "min_length": fields.min_length,
    "count_range": fields.count_range,
    "timestamp_format": fields.timestamp_format,
    "path_prefix": request.path_prefix,
    "https_urls": fields.https_urls,
    "link_placeholders": fields.link_placeholders,
    "json_body": request.json_body,
    "pattern": request.pattern,
    "required_field": request.required_field,
}
"""Every rule kind, by the name provider files use in ``rule = "..."``."""


def applies(ctx: LintContext, rule: LintRule) -> bool:
    """``method`` (any of) and ``path`` (fnmatch on the path after the base URL's, or the whole)."""
    if rule.method and ctx.method not in {m.upper() for m in rule.method}:
        return False
    if rule.path:
        return fnmatchcase(ctx.relative_path, rule.path) or fnmatchcase(ctx.path, rule.path)
    return True


def applicable_rules(ctx: LintContext) -> list[LintRule]:
    if ctx.provider is None:
        return []
    return [rule for rule in ctx.provider.lint if applies(ctx, rule)]


def _could_not_run(ctx: LintContext, rule: LintRule, reason: str) -> Finding:
    provider_id = ctx.provider.id if ctx.provider else "provider"
    return make_finding(
        f"lint.{provider_id}.{rule.id}", Severity.INFO,
        f"Lint rule {rule.id} could not run: {reason}.",
        next_action=f"Correct the [[lint]] rule {rule.id!r} in the provider file "
                    "(docs/lint.md lists every kind and its parameters).",
        extra={"rule": rule.id, "kind": rule.rule, "could_not_run": True},
    )


def run_rule(ctx: LintContext, rule: LintRule) -> list[Finding]:
    assert ctx.provider is not None
    kind = KINDS.get(rule.rule)
    if kind is None:
        return [_could_not_run(ctx, rule, f"this Switchboard has no rule kind {rule.rule!r}")]
    run = RuleRun(ctx, rule, ctx.provider.id)
    try:
        kind(run)
    except RuleError as exc:
        return [_could_not_run(ctx, rule, str(exc))]
    except Exception as exc:  # a rule must never break the composer
        log.exception("lint rule %s of %s failed", rule.id, ctx.provider.id)
        return [_could_not_run(ctx, rule, f"it failed ({type(exc).__name__}: {exc})")]
    return run.result()


def run_provider_rules(ctx: LintContext, rules: list[LintRule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(run_rule(ctx, rule))
    return findings

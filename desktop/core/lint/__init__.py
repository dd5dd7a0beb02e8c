"""Request lint: check a request before it is sent, and say what to fix.

``lint_request`` runs the generic rules (URL, headers, body, placeholders)
and the provider's ``[[lint]]`` rules that apply to the request's method and
path, and returns Findings, errors first. It only reports: the composer
decides whether to send anyway; the checklist engine treats an ``error`` as
a failed step before anything leaves. Findings that can be fixed in one
click name a fix in ``FIXES``; ``apply_fix`` applies it.

Rules are data (``desktop/providers/*.toml``); the kinds are implemented in
``kinds_request`` and ``kinds_fields``. docs/lint.md lists them all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from desktop.core.client.spec import RequestSpec
from desktop.core.finding import Finding, Severity
from desktop.core.lint import generic
from desktop.core.lint.context import LintContext, make_finding
from desktop.core.lint.fixes import FIXES, apply_fix
from desktop.core.lint.provider_rules import KINDS, applicable_rules, run_provider_rules
from desktop.core.provider.model import Provider

__all__ = ["FIXES", "KINDS", "apply_fix", "lint_request"]

log = logging.getLogger(__name__)

LINK_NAMES = re.compile(r"link[0-9]+")
"""``{{linkN}}`` is the API's own placeholder wherever a ``link_placeholders`` rule applies."""


def _guarded(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return check()
    except Exception as exc:  # lint runs on every keystroke: report, never raise
        log.exception("lint check %s failed", name)
        return [make_finding(
            "lint.check_failed", Severity.INFO, f"The {name} check could not run ({exc}).",
            next_action="Report this with the request that caused it.")]


def lint_request(
    spec: RequestSpec, provider: Provider | None = None, *, base_url: str = ""
) -> list[Finding]:
    """Findings about ``spec``, errors first then warnings then info, each in check order.

    ``base_url`` is the profile's: paths are compared after its own path, and a
    request to another origin is flagged (the profile's credentials stay home).
    """
    ctx = LintContext(spec, provider, base_url)
    rules = applicable_rules(ctx)
    kinds = {rule.rule for rule in rules}
    allowed = LINK_NAMES if "link_placeholders" in kinds else None
    findings = [
        *_guarded("URL", lambda: generic.url_findings(ctx)),
        *_guarded("header", lambda: generic.header_findings(ctx)),
        *_guarded("provider rule", lambda: run_provider_rules(ctx, rules)),
        *_guarded("body", lambda: generic.body_findings(ctx, json_rule="json_body" in kinds)),
        *_guarded("placeholder", lambda: generic.placeholder_findings(ctx, allowed)),
    ]
    return sorted(findings, key=lambda f: -f.severity.rank)

"""The lint rule kinds a provider file may use, their parameters, and the ``[[lint]]`` parser.

The kinds themselves run in ``desktop.core.lint``; checking each rule's
parameters here, by name and type, turns a typo (``feilds``) into a load
error naming the key instead of a rule that silently never fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.provider.model import LintRule
from desktop.core.provider.reader import Reader, check_jmespath, checking_expressions
from desktop.core.userregex import compile_user_regex

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
LINT_RULES = (
    "required_header",
    "e164",
    "not_phone_number",
    "media_matches_type",
    "max_items",
    "max_length",
    "min_length",
    "count_range",
    "timestamp_format",
    "path_prefix",
    "https_urls",
    "link_placeholders",
    "json_body",
    "pattern",
    "required_field",
)
LINT_FIXES = ("generate_uuid",)


@dataclass(frozen=True, slots=True)
class RuleParams:
    """The parameters one lint rule kind takes (``one_of``: at least one of them)."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional + self.one_of


LINT_PARAMS: dict[str, RuleParams] = {
    "required_header": RuleParams(required=("header",), optional=("fix",)),
    "e164": RuleParams(optional=("region",), one_of=("fields", "query")),
    "not_phone_number": RuleParams(required=("field",), optional=("region",)),
    "media_matches_type": RuleParams(required=("type_field", "media_field"),
                                     optional=("sms", "mms")),
    "max_items": RuleParams(required=("field", "max")),
    "max_length": RuleParams(required=("fields", "max")),
    "min_length": RuleParams(required=("fields", "min")),
    "count_range": RuleParams(required=("field", "min", "max")),
    "timestamp_format": RuleParams(required=("fields",), optional=("format",)),
    "path_prefix": RuleParams(required=("prefix",)),
    "https_urls": RuleParams(required=("fields",)),
    "link_placeholders": RuleParams(required=("field", "links_field"), optional=("key", "min")),
    "json_body": RuleParams(),
    "pattern": RuleParams(optional=("regex", "forbid"), one_of=("fields", "header", "query")),
    "required_field": RuleParams(required=("fields",)),
}
"""Parameters of each rule kind; ``desktop.core.lint`` implements the kinds themselves."""


def lint_rule(r: Reader) -> LintRule:
    rule_id = r.str("id", required=True)
    rule = r.str("rule", required=True)
    if rule not in LINT_PARAMS:
        r.fail("rule", f"must be one of {', '.join(LINT_RULES)}; got {rule!r}")
    method = tuple(m.upper() for m in r.str_list("method"))
    for m in method:
        if m not in METHODS:
            r.fail("method", f"must be HTTP methods ({', '.join(METHODS)}); got {m!r}")
    path = r.opt_str("path")
    severity = r.choice("severity", ("error", "warn", "info"), "warn")
    message = r.str("message")
    params = lint_params(r, rule, r.unread())
    r.done()
    return LintRule(id=rule_id, rule=rule, method=method, path=path, severity=severity,
                    message=message, params=params)


def lint_params(r: Reader, rule: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Check a rule's parameters by name and type; ``fields``/``query`` become lists."""
    spec = LINT_PARAMS[rule]
    for name in raw:
        if name not in spec.known:
            expected = ", ".join(spec.known) or "none"
            r.fail(name, f"is not a parameter of rule {rule!r} (it takes: {expected})")
    for name in spec.required:
        if name not in raw:
            r.fail(name, f"is required by rule {rule!r}")
    if spec.one_of and not any(name in raw for name in spec.one_of):
        r.fail(spec.one_of[0], f"rule {rule!r} needs one of: {', '.join(spec.one_of)}")
    if rule == "pattern" and ("regex" in raw) == ("forbid" in raw):
        r.fail("regex", "rule 'pattern' takes one of regex (must match) or forbid (must not)")
    params: dict[str, Any] = {}
    for name, value in raw.items():
        params[name] = _lint_param(r, name, value)
    return params


def _lint_param(r: Reader, name: str, value: Any) -> Any:
    if name in ("max", "min"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            r.fail(name, f"must be a whole number of at least 0, not {value!r}")
        return value
    if name in ("fields", "query"):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v for v in values
        ):
            r.fail(name, "must be a string or a non-empty list of strings")
        if name == "fields":
            for expression in values:
                check_jmespath(r, name, expression)
        return list(values)
    if not isinstance(value, str) or not value:
        r.fail(name, f"must be a non-empty string, not {value!r}")
    if name in ("field", "type_field", "media_field", "links_field"):
        check_jmespath(r, name, value)
    elif name in ("regex", "forbid") and checking_expressions():
        try:
            compile_user_regex(value)
        except ValueError as exc:
            r.fail(name, f"is not a usable regular expression ({exc})")
    elif name == "prefix" and not value.startswith("/"):
        r.fail(name, "must start with '/'")
    elif name == "fix" and value not in LINT_FIXES:
        r.fail(name, f"must be one of {', '.join(LINT_FIXES)}; got {value!r}")
    return value

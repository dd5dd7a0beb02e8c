"""Rule kinds about the request as a whole: headers, path, body encoding, required fields."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlunsplit

from desktop.core.lint.context import JSON_TYPES, excerpt
from desktop.core.lint.jsonpath import parse_simple
from desktop.core.lint.run import RuleError, RuleRun, is_placeholder, scalars
from desktop.core.userregex import compile_user_regex

AUTOMATIC_HEADER_FIXES = ("generate_uuid",)


def required_header(run: RuleRun) -> None:
    name = run.text_param("header")
    value = run.ctx.spec.header(name)
    if value is not None and value.strip():
        return
    fix = run.param("fix")
    fix = fix if fix in AUTOMATIC_HEADER_FIXES else None
    state = "is missing" if value is None else "is empty"
    action = f"Add the {name} header."
    if fix == "generate_uuid":
        action = (f"Add {name} with a new UUID (Switchboard can generate one); reuse the same "
                  "value only when retrying the same operation.")
    run.report(f"The {name} header {state}.", location=f"header:{name}", next_action=action,
               fix=fix)


def path_prefix(run: RuleRun) -> None:
    prefix = run.text_param("prefix")
    ctx = run.ctx
    relative = ctx.relative_path
    bare = prefix.rstrip("/")
    for path in (relative, ctx.path):
        if path.startswith(prefix) or (bare and path == bare):
            return
    fixed = None
    if ctx.url is not None and ctx.url.netloc:
        raw_path = ctx.url.path or "/"
        base_path = ""
        if ctx.base is not None and relative != ctx.path:
            base_path = ctx.base.path.rstrip("/")
        rest = raw_path[len(base_path):] if raw_path.startswith(base_path) else raw_path
        fixed = urlunsplit(ctx.url._replace(path=base_path + bare + "/" + rest.lstrip("/")))
    run.report(f"The path {relative} does not start with {prefix}.", location="url",
               evidence=relative, fix="replace_value" if fixed else None, fix_value=fixed,
               next_action=f"Put {bare} in front of the path"
                           + (f": {fixed}" if fixed else "."))


def json_body(run: RuleRun) -> None:
    body = run.ctx.body
    if not body.present:
        return
    if body.error is not None:
        extra: dict[str, object] = {"line": body.error.line, "column": body.error.column}
        run.report(f"The body is not valid JSON: {body.error.describe()}.", location="body",
                   evidence=body.error.describe(), extra=extra,
                   next_action="Correct the JSON at that position (a missing comma or quote, "
                               "or a trailing comma, is the usual cause).")
    content_type = run.ctx.spec.content_type
    if not content_type:
        run.report("The Content-Type header is missing; this API expects application/json.",
                   location="header:Content-Type", fix="set_content_type_json",
                   next_action="Add Content-Type: application/json.")
    elif not JSON_TYPES.match(content_type):
        run.report(f"Content-Type is {content_type}; this API expects application/json.",
                   location="header:Content-Type", fix="set_content_type_json",
                   evidence=content_type, next_action="Set Content-Type: application/json.")


def _regex(pattern: str) -> Any:
    """A provider file's regex, in RE2 (linear time over whatever the user typed)."""
    try:
        return compile_user_regex(pattern)
    except ValueError as exc:
        raise RuleError(f"its regex cannot be used ({exc})") from exc


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def pattern(run: RuleRun) -> None:
    """Values must match ``regex``, or must not match ``forbid``."""
    forbid = run.param("forbid")
    regex = _regex(run.text_param("forbid") if forbid else run.text_param("regex"))
    fields = run.list_param("fields", required=False)
    header = run.param("header")
    query = run.list_param("query", required=False)
    if not fields and not header and not query:
        raise RuleError("it needs 'fields', 'header' or 'query'")
    expected = f"it must not match {regex.pattern}" if forbid else \
        f"it must match {regex.pattern}"
    what = run.rule.message or expected

    def fine(text: str) -> bool:
        found = regex.search(text) is not None
        return not found if forbid else found

    for expression in fields:
        for located in scalars(run.body_values(expression)):
            if is_placeholder(located.value) or fine(_as_text(located.value)):
                continue
            run.report(f"{located.name}: {what}", location=located.location,
                       evidence=excerpt(located.value), use_message_as_cause=False,
                       next_action=f"Change {located.name}: {expected}.")
    if isinstance(header, str) and header:
        lowered = header.lower()
        for name, value in run.ctx.spec.headers:
            if name.lower() == lowered and not fine(value):
                # The value itself is never quoted: headers carry credentials.
                run.report(f"Header {name}: {what}", location=f"header:{name}",
                           use_message_as_cause=False,
                           next_action=f"Change or remove the {name} header.")
    for name in query:
        for param in run.ctx.query:
            if param.name == name and not is_placeholder(param.value) and not fine(param.value):
                run.report(f"Query parameter {name}: {what}", location=f"query:{name}",
                           evidence=excerpt(param.value), use_message_as_cause=False,
                           next_action=f"Change {name}: {expected}.")


def required_field(run: RuleRun) -> None:
    body = run.ctx.body
    if body.present and not body.is_json:
        return  # the JSON error is the finding; fields cannot be looked for
    for expression in run.list_param("fields"):
        if run.body_values(expression):
            continue
        simple = parse_simple(expression, allow_flatten=False) is not None
        run.report(f"{expression} is missing from the body.",
                   location=f"body:{expression}" if simple else "body",
                   next_action=f"Add {expression} to the JSON body.")

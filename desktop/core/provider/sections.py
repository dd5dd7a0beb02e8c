"""Parsers for each table of a provider file, used by ``loader``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from desktop.core.provider.lintspec import LINT_PARAMS, LINT_RULES, METHODS, lint_rule
from desktop.core.provider.model import (
    BUILTIN_VARIABLES,
    Auth,
    AuthType,
    CatalogEntry,
    Cause,
    ChecklistStep,
    Endpoint,
    Environment,
    ErrorMatch,
    Expectation,
    Poll,
    RateLimitConfig,
    Region,
    RequestTemplate,
    Setting,
    StepKind,
    WebhookScheme,
    WebhookWait,
)
from desktop.core.provider.reader import ProviderError, Reader, check_jmespath

__all__ = ["LINT_PARAMS", "LINT_RULES", "METHODS", "lint_rule"]

WEBHOOK_SCHEMES = ("none", "redcloud", "standard", "stripe", "github", "twilio", "hmac")
RETRY_POLICIES = ("no", "fresh_token_once", "after_wait", "backoff", "same_key")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
RATELIMIT_BODY_FIELDS = (
    "retry_after", "current_pending", "requested_count", "max_allowed", "available_capacity",
)


def unique(reader: Reader, name: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise ProviderError(reader.file, f"{name}[{index}].id", f"duplicate id {item!r}")
        seen.add(item)


def check_url(reader: Reader, key: str, url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[::1": an unclosed IPv6 bracket, a bad port
        raise ProviderError(reader.file, key, f"is not a valid URL ({exc}); got {url!r}") \
            from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProviderError(reader.file, key, f"must be an http(s) URL; got {url!r}")


def str_list_or(reader: Reader | None, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if reader is None or not reader.has(name):
        if reader is not None:
            reader.str_list(name)
        return default
    return reader.str_list(name)


def jmespaths(reader: Reader | None, name: str) -> tuple[str, ...]:
    if reader is None:
        return ()
    values = reader.str_list(name)
    for value in values:
        check_jmespath(reader, name, value)
    return values


def environment(r: Reader) -> Environment:
    env_id = r.str("id", required=True)
    base_url = r.opt_str("base_url")
    if base_url:
        check_url(r, f"{r.path}.base_url", base_url)
    regions = []
    for rr in r.tables("regions"):
        region_url = rr.opt_str("base_url")
        if region_url:
            check_url(rr, f"{rr.path}.base_url", region_url)
        regions.append(Region(id=rr.str("id", required=True), name=rr.str("name", required=True),
                              base_url=region_url))
        rr.done()
    unique(r, f"{r.path}.regions", [x.id for x in regions])
    env = Environment(
        id=env_id,
        name=r.str("name", required=True),
        production=r.bool("production"),
        base_url=base_url,
        host_pattern=r.regex("host_pattern"),
        regions=tuple(regions),
        note=r.str("note"),
        per_customer=r.bool("per_customer"),
    )
    if env.per_customer and (env.base_url or any(x.base_url for x in env.regions)):
        r.fail("per_customer", "an environment whose host is per customer has no base_url")
    r.done()
    return env


def auth(r: Reader | None) -> Auth:
    if r is None:
        return Auth(type=AuthType.NONE)
    kind = AuthType(r.choice("type", tuple(t.value for t in AuthType), "none"))
    auth = Auth(
        type=kind,
        token_path=r.str("token_path", required=kind is AuthType.OAUTH2_CLIENT_CREDENTIALS),
        body=r.choice("body", ("form", "json"), "form"),
        credentials=r.choice("credentials", ("body", "basic"), "body"),
        lifetime=r.int("lifetime", 0, minimum=1) if r.has("lifetime") else None,
        scope=r.str("scope"),
        header=r.str("header", "Authorization"),
        prefix=r.str("prefix"),
        key_pattern=r.regex("key_pattern"),
        key_format=r.str("key_format"),
    )
    if auth.token_path and not auth.token_path.startswith("/"):
        r.fail("token_path", "must start with '/'")
    r.done()
    return auth


def request_template(r: Reader) -> RequestTemplate:
    method = r.str("method", "GET").upper()
    if method not in METHODS:
        r.fail("method", f"must be one of {', '.join(METHODS)}; got {method!r}")
    path = r.str("path", required=True)
    if not path.startswith(("/", "{{")):
        r.fail("path", "must start with '/' (it is joined to the profile's base URL) "
               "or be a {{setting}} placeholder")
    bodies = [name for name in ("json", "form", "body") if r.has(name)]
    if len(bodies) > 1:
        r.fail(bodies[1], f"a request has one body: {' and '.join(bodies)} both given")
    form = r.str_map("form") if r.has("form") else None
    template = RequestTemplate(
        method=method,
        path=path,
        headers=r.str_map("headers"),
        query=r.str_map("query"),
        json=r.raw("json"),
        form=form,
        body=r.opt_str("body"),
        auth=r.bool("auth", True),
    )
    r.done()
    return template


def causes(r: Reader) -> tuple[Cause, ...]:
    """``causes``: strings, or ``{text, when}`` tables whose ``when`` is JMESPath."""
    found: list[Cause] = []
    raw = r.raw("causes") or []
    if not isinstance(raw, list):
        r.fail("causes", "must be a list of strings or {text, when} tables")
    for index, item in enumerate(raw):
        if isinstance(item, str):
            found.append(Cause(item))
        elif isinstance(item, dict):
            cr = Reader(item, r.file, f"{r.path}.causes[{index}]")
            found.append(Cause(cr.str("text", required=True), cr.jmespath("when") or None))
            cr.done()
        else:
            r.fail(f"causes[{index}]", "must be a string or a {text, when} table")
    return tuple(found)


def expectation(r: Reader) -> Expectation:
    exp = Expectation(
        that=r.jmespath("that", required=True),
        severity=r.choice("severity", ("fail", "warn"), "fail"),
        says=r.str("says", required=True),
        causes=causes(r),
        next_action=r.str("next_action"),
        doc=r.opt_str("doc"),
    )
    r.done()
    return exp


def step(r: Reader) -> ChecklistStep:
    kind = StepKind(r.choice("kind", tuple(k.value for k in StepKind), "request"))
    request_reader = r.table("request", required=kind is StepKind.REQUEST)
    extract = r.str_map("extract")
    for name, expression in extract:
        check_jmespath(r, f"extract.{name}", expression)
    webhook_reader = r.table("webhook")
    webhook = None
    if webhook_reader is not None:
        webhook = WebhookWait(
            timeout=webhook_reader.number("timeout", 30.0, minimum=0.1),
            events=webhook_reader.str_list("events"),
            message_id=webhook_reader.str("message_id", "message_id"),
        )
        webhook_reader.done()
    poll_reader = r.table("poll")
    poll = None
    if poll_reader is not None:
        poll = Poll(until=poll_reader.jmespath("until", required=True),
                    every=poll_reader.number("every", 2.0, minimum=0.1),
                    timeout=poll_reader.number("timeout", 20.0, minimum=0))
        poll_reader.done()
        if kind is not StepKind.REQUEST:
            r.fail("poll", "only request steps can poll")
    step = ChecklistStep(
        id=r.str("id", required=True),
        title=r.str("title", required=True),
        kind=kind,
        explain=r.str("explain"),
        blocks=r.str("blocks"),
        request=request_template(request_reader) if request_reader is not None else None,
        expect=tuple(expectation(x) for x in r.tables("expect")),
        extract=extract,
        requires=r.str_list("requires"),
        sends_message=r.bool("sends_message"),
        instruction=r.str("instruction", required=kind is StepKind.MANUAL),
        webhook=webhook or (WebhookWait() if kind is StepKind.WEBHOOK else None),
        poll=poll,
        note=r.str("note"),
        doc=r.opt_str("doc"),
        assumes=r.str_list("assumes"),
    )
    if not ID_PATTERN.match(step.id):
        r.fail("id", "must be lowercase letters, digits, '-' or '_'")
    r.done()
    return step


def catalog_entry(r: Reader) -> CatalogEntry:
    m = r.table("match", required=True)
    assert m is not None
    match = ErrorMatch(
        status=m.int_list("status"),
        code=m.str_list("code"),
        message=m.regex("message"),
        path=m.opt_str("path"),
        step=m.str_list("step"),
        transport=m.str_list("transport"),
    )
    m.done()
    if not (match.status or match.code or match.message or match.transport):
        r.fail("match", "needs at least one of status, code, message or transport")
    entry = CatalogEntry(
        id=r.str("id", required=True),
        title=r.str("title", required=True),
        match=match,
        causes=causes(r),
        next_action=r.str("next_action", required=True),
        doc=r.opt_str("doc"),
        severity=r.choice("severity", ("error", "warn", "info"), "error"),
        retry=r.choice("retry", RETRY_POLICIES, "no"),
        symptoms=r.str_list("symptoms"),
    )
    r.done()
    return entry


def ratelimit(r: Reader | None) -> RateLimitConfig:
    if r is None:
        return RateLimitConfig()
    config = RateLimitConfig(
        reset=r.choice("reset", ("auto", "delta", "epoch", "epoch_ms"), "auto"),
        min_wait_after_429=r.number("min_wait_after_429", 0.0, minimum=0),
        body_fields=r.str_map("body_fields"),
    )
    for name, expression in config.body_fields:
        if name not in RATELIMIT_BODY_FIELDS:
            r.fail(f"body_fields.{name}",
                   f"is not a rate-limit value (known: {', '.join(RATELIMIT_BODY_FIELDS)})")
        check_jmespath(r, f"body_fields.{name}", expression)
    r.done()
    return config


def webhooks(r: Reader | None) -> WebhookScheme:
    if r is None:
        return WebhookScheme()
    defaults = WebhookScheme()
    options = r.table("options")
    scheme = WebhookScheme(
        scheme=r.choice("scheme", WEBHOOK_SCHEMES, "none"),
        options=options.unread() if options else {},
        event_type=field_paths(r, "event_type") or defaults.event_type,
        message_id=field_paths(r, "message_id") or defaults.message_id,
        sequence=field_paths(r, "sequence") or defaults.sequence,
        external_reference=field_paths(r, "external_reference") or defaults.external_reference,
        lifecycle=r.str_list("lifecycle"),
        terminal=r.str_list("terminal"),
        failure=r.str_list("failure"),
        tolerance=r.int("tolerance", 300, minimum=0),
    )
    r.done()
    return scheme


def field_paths(r: Reader, name: str) -> tuple[str, ...]:
    """A webhook field: one JMESPath or a list of candidates, tried in order."""
    if isinstance(r.raw(name), str):
        return (r.jmespath(name),) if r.raw(name) else ()
    return jmespaths(r, name)


def endpoint(r: Reader) -> Endpoint:
    request = r.table("request", required=True)
    assert request is not None
    endpoint = Endpoint(name=r.str("name", required=True), request=request_template(request),
                        description=r.str("description"))
    r.done()
    return endpoint


def secret_pattern(r: Reader) -> tuple[str, str]:
    pattern = (r.str("kind", required=True), r.regex("regex") or "")
    if not pattern[1]:
        r.fail("regex", "is required")
    r.done()
    return pattern


def settings(r: Reader | None) -> tuple[Setting, ...]:
    """``[settings]``: ``name = "Label"`` or ``name = { label, default, choices, help }``."""
    if r is None:
        return ()
    result: list[Setting] = []
    for name, value in r.unread().items():
        if not re.match(r"^[a-z][a-z0-9_]*$", name):
            r.fail(name, "setting names are lowercase letters, digits and '_'")
        if name in BUILTIN_VARIABLES:
            r.fail(name, "is a built-in template variable; choose another setting name")
        if isinstance(value, str):
            result.append(Setting(name, value))
        elif isinstance(value, dict):
            sr = Reader(value, r.file, f"{r.path}.{name}")
            setting = Setting(name, sr.str("label", required=True), sr.str("default"),
                              sr.str_list("choices"), sr.str("help"), sr.str("assumed"))
            if setting.assumed and not setting.default:
                sr.fail("assumed", "an assumed setting needs the default it assumes")
            if setting.choices and setting.default and setting.default not in setting.choices:
                sr.fail("default", f"must be one of the choices {', '.join(setting.choices)}")
            sr.done()
            result.append(setting)
        else:
            r.fail(name, "must be a label or a { label, default, choices, help } table")
    return tuple(result)

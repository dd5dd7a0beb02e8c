"""Rules for any HTTP request, provider or not: the URL, headers, body and placeholders.

These catch what the provider file cannot know about: a pasted newline in a
key, a body sent as text, a URL pointing somewhere the profile's credentials
will not go, a ``{{variable}}`` nobody filled in.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlunsplit

from desktop.core.client.spec import join_url
from desktop.core.finding import Finding, Severity
from desktop.core.lint.context import JSON_TYPES, LintContext, is_loopback, make_finding, origin
from desktop.core.lint.jsonpath import format_path
from desktop.core.lint.run import PLACEHOLDER, WHOLE_PLACEHOLDER

ERROR, WARN, INFO = Severity.ERROR, Severity.WARN, Severity.INFO
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""A header name (RFC 9110 ``token``)."""
MAX_DUPLICATE_FINDINGS = 20


def url_findings(ctx: LintContext) -> list[Finding]:
    url = ctx.spec.url
    out: list[Finding] = []
    cleaned = re.sub(r"[\r\n\t]", "", url).strip()
    if cleaned != url:
        out.append(make_finding(
            "lint.url_whitespace", ERROR,
            "The URL has a line break, tab or spaces around it (probably pasted).",
            location="url", fix="replace_value", fix_value=cleaned,
            next_action="Remove them: the request would go to a different URL, or fail."))
    elif " " in url:
        out.append(make_finding(
            "lint.url_whitespace", WARN, "The URL contains spaces; they will be sent as %20.",
            location="url", next_action="Check the URL: spaces in a path are usually a typo."))
    if ctx.url is None:
        out.append(make_finding(
            "lint.url_invalid", ERROR, f"The URL cannot be parsed: {ctx.url_problem}.",
            location="url", evidence=ctx.url_problem,
            next_action="Correct the URL (check the port number and any [IPv6] brackets)."))
        return out
    parts = ctx.url
    if not parts.scheme and not parts.netloc:
        fixed = join_url(ctx.base_url, cleaned) if ctx.base_url else None
        out.append(make_finding(
            "lint.url_no_host", ERROR, "The URL has no scheme and host: it is only a path.",
            location="url", fix="replace_value" if fixed else None, fix_value=fixed,
            next_action=f"Use the full URL: {fixed}." if fixed
            else "Start it with https:// and the API host."))
        return out
    if parts.scheme.lower() not in ("http", "https"):
        out.append(make_finding(
            "lint.url_scheme", ERROR, f"The URL's scheme is {parts.scheme}:, not https:.",
            location="url", evidence=parts.scheme, next_action="Use an https:// URL."))
        return out
    if not parts.hostname:
        out.append(make_finding("lint.url_no_host", ERROR, "The URL has no host.",
                                location="url", next_action="Put the API host after https://."))
        return out
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname):
        out.append(make_finding(
            "lint.url_insecure", ERROR if ctx.sends_credentials else WARN,
            f"The URL uses plain http:// to {parts.hostname}: everything, credentials "
            "included, would cross the network unencrypted.",
            location="url", fix="replace_value",
            fix_value=urlunsplit(("https", *parts[1:])),
            next_action="Use https://."))
    out.extend(_other_origin(ctx))
    return out


def _other_origin(ctx: LintContext) -> list[Finding]:
    if ctx.base is None or not ctx.base.hostname or ctx.url is None:
        return []
    here, there = origin(ctx.url), origin(ctx.base)
    if here == there:
        return []
    if here[1] == there[1] and (here[0], there[0]) == ("http", "https") \
            and not is_loopback(here[1]):
        return []  # http:// typed for the profile's https://: lint.url_insecure says so
    credentials = (" The profile's credentials will not be sent there." if ctx.sends_credentials
                   else "")
    fixed = urlunsplit((ctx.base.scheme, ctx.base.netloc, *ctx.url[2:]))
    return [make_finding(
        "lint.url_other_origin", WARN,
        f"The URL goes to {ctx.url.scheme}://{ctx.url.netloc}, not the profile's "
        f"{ctx.base.scheme}://{ctx.base.netloc}.{credentials}",
        location="url", fix="replace_value", fix_value=fixed, evidence=ctx.url.netloc,
        next_action="Send it to the profile's host, or if that host is really the API, "
                    "change the profile's base URL.")]


def _shown_name(name: str) -> str:
    """A header name up to its first invalid character: a pasted value may follow it."""
    match = TOKEN.match(name)
    return match.group(0) if match else ""


def header_findings(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    for name, value in ctx.spec.headers:
        location = f"header:{name}"
        if not TOKEN.fullmatch(name):
            shown = _shown_name(name)
            reason = ("contains ':' — a whole 'Name: value' line was probably pasted as the name"
                      if ":" in name else "contains spaces or characters not allowed in a name")
            out.append(make_finding(
                "lint.header_name_invalid", ERROR,
                f"A header name ({shown or 'empty'}…) is not valid: it {reason}."
                if name else "A header has an empty name.",
                location=location, evidence=reason,
                next_action="Header names are letters, digits and - only; put the value in "
                            "the value field."))
        if any(ch in value for ch in "\r\n\x00"):
            fixable = not any(ch in value.strip() for ch in "\r\n\x00")
            out.append(make_finding(
                "lint.header_value_newline", ERROR,
                f"The {name} header's value contains a line break (a pasted newline?).",
                location=location, fix="trim_header" if fixable else None,
                next_action="Remove the line break: it would split the header (header "
                            "injection) and the request fails before it is sent."))
        elif value != value.strip(" \t"):
            out.append(make_finding(
                "lint.header_value_whitespace", ERROR,
                f"The {name} header's value has spaces around it.",
                location=location, fix="trim_header",
                causes=("Pasted with extra spaces; a key or token with spaces is rejected.",),
                next_action="Trim the value (the HTTP library refuses to send it as is)."))
        if not value.isascii():
            out.append(make_finding(
                "lint.header_value_non_ascii", ERROR,
                f"The {name} header's value has non-ASCII characters (curly quotes?).",
                location=location,
                next_action="Retype the value with plain ASCII characters; it cannot be sent."))
    out.extend(_typed_credentials(ctx))
    return out


def _typed_credentials(ctx: LintContext) -> list[Finding]:
    header = ctx.auth_header
    if header is None or ctx.spec.header(header) is None:
        return []
    return [make_finding(
        "lint.credentials_replaced", INFO,
        f"The {header} header you typed will be replaced by the profile's credentials.",
        location=f"header:{header}", fix="remove_header",
        next_action="Remove it, or turn off the profile's credentials for this request to "
                    "send exactly what you typed.")]


def body_findings(ctx: LintContext, *, json_rule: bool = False) -> list[Finding]:
    """``json_rule``: a provider ``json_body`` rule applies and speaks for the JSON checks."""
    body, out = ctx.body, []
    if not body.present:
        return out
    if ctx.method in ("GET", "HEAD"):
        out.append(make_finding(
            "lint.body_on_get", WARN, f"A {ctx.method} request has a body.",
            location="body",
            next_action=f"Servers and proxies often drop or reject a {ctx.method} body: put "
                        "the values in the query string, or use POST."))
    content_type = ctx.spec.content_type
    meant_json = body.looks_like_json and (body.error is not None
                                           or isinstance(body.value, dict | list))
    if not json_rule:
        if not content_type:
            out.append(make_finding(
                "lint.content_type_missing", WARN,
                "Content-Type is missing" + (": the body is JSON." if meant_json
                                             else " on a request with a body."),
                location="header:Content-Type",
                fix="set_content_type_json" if meant_json else None,
                next_action="Add Content-Type: application/json." if meant_json
                else "Add the Content-Type the API expects for this body."))
        elif meant_json and body.error is None and content_type in (
                "text/plain", "application/x-www-form-urlencoded"):
            out.append(make_finding(
                "lint.content_type_mismatch", WARN,
                f"The body is JSON but Content-Type says {content_type}.",
                location="header:Content-Type", fix="set_content_type_json",
                evidence=content_type, next_action="Set Content-Type: application/json."))
        if body.error is not None and (JSON_TYPES.match(content_type) or
                                       (not content_type and body.looks_like_json)):
            out.append(make_finding(
                "lint.body_not_json", ERROR,
                f"The body is not valid JSON: {body.error.describe()}.",
                location="body", evidence=body.error.describe(),
                extra={"line": body.error.line, "column": body.error.column},
                next_action="Correct the JSON at that position (a missing comma or quote, or "
                            "a trailing comma, is the usual cause)."))
    for path, key in body.duplicates[:MAX_DUPLICATE_FINDINGS]:
        where = format_path(path) or "the top-level object"
        out.append(make_finding(
            "lint.json_duplicate_key", WARN, f"The key {key!r} appears twice in {where}.",
            location="body:" + format_path((*path, key)), evidence=key,
            next_action="Keep one: which of the two the API reads depends on its parser."))
    return out


def placeholder_findings(ctx: LintContext, allowed: re.Pattern[str] | None = None) -> list[Finding]:
    """``{{name}}`` left in the URL, headers or body; ``allowed`` names are the API's own."""

    def names_in(text: str) -> list[str]:
        found = [n for n in PLACEHOLDER.findall(text) if not (allowed and allowed.fullmatch(n))]
        return list(dict.fromkeys(found))

    out: list[Finding] = []
    in_url = names_in(ctx.spec.url) or names_in(unquote(ctx.spec.url))
    if in_url:
        out.append(_placeholder(in_url, "the URL", "url", ERROR))
    for name, value in ctx.spec.headers:
        found = names_in(value)
        if found:
            out.append(_placeholder(found, f"the {name} header", f"header:{name}", ERROR))
    body = ctx.body
    if body.text is None or "{{" not in body.text or not names_in(body.text):
        return out
    if not body.is_json:
        found = names_in(body.text)
        if found:
            out.append(_placeholder(found, "the body", "body", WARN))
        return out
    first: dict[str, list] = {}  # name → [path of first use, used as a whole value?]
    for path, text in _strings(body.value):
        names = names_in(text)
        whole = bool(names) and WHOLE_PLACEHOLDER.fullmatch(text) is not None
        for name in names:
            seen = first.setdefault(name, [path, whole])
            seen[1] = seen[1] or whole
    for name, (path, whole) in first.items():
        where = format_path(path) or "the body"
        out.append(_placeholder([name], where, "body:" + format_path(path) if path else "body",
                                ERROR if whole else WARN))
    return out


def _strings(root: object) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every string holding ``{{``; paths are built for containers only."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(root, str):
        return [((), root)] if "{{" in root else []
    stack: list[tuple[tuple[str | int, ...], object]] = [((), root)]
    while stack:
        path, container = stack.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        children = []
        for key, value in items:
            if isinstance(value, str):
                if "{{" in value:
                    found.append(((*path, key), value))
            elif isinstance(value, dict | list):
                children.append(((*path, key), value))
        stack.extend(reversed(children))
    return found


def _placeholder(names: list[str], where: str, location: str, severity: Severity) -> Finding:
    listed = ", ".join("{{" + n + "}}" for n in names)
    return make_finding(
        "lint.placeholder_unfilled", severity, f"{listed} in {where} was never filled in.",
        location=location, evidence=listed,
        next_action="Set the profile setting or run the checklist step that provides it, or "
                    "type the value in its place.")

"""Rule kinds that check values in the JSON body (and, for phone numbers, the query).

Each kind reads its parameters from the rule (names as in
``desktop.core.provider.sections.LINT_PARAMS``) and reports through the
``RuleRun``; a field that is absent is never an error here (``required_field``
says so when it matters).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlunsplit

from desktop.core.lint import phones, timestamps
from desktop.core.lint.context import excerpt, split_url
from desktop.core.lint.jsonpath import Located
from desktop.core.lint.run import RuleError, RuleRun, is_placeholder, scalars

LINK_PLACEHOLDER = re.compile(r"\{\{\s*(link[0-9]+)\s*\}\}")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _phone_text(value: Any) -> str | None:
    """Numbers written as JSON numbers are read as their digits; other types are not phones."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _region(run: RuleRun) -> str:
    region = run.param("region", phones.DEFAULT_REGION)
    if not isinstance(region, str) or not region:
        raise RuleError(f"'region' must be a two-letter region code, not {region!r}")
    return region.upper()


def _report_phone(run: RuleRun, name: str, location: str, text: str, region: str,
                  *, query_raw: str | None = None) -> None:
    check = phones.check_e164(text, region)
    if check.ok:
        return
    extra: dict[str, object] = {"region": region}
    if query_raw is not None:
        extra["raw"] = query_raw
        literal = unquote(query_raw)
        if "+" in query_raw and phones.check_e164(literal, region).ok:
            run.report(
                f"{name}: the + is not encoded, so the server reads a space: write it as %2B.",
                location=location, evidence=query_raw, fix="replace_value", fix_value=literal,
                next_action=f"Encode the query value as {literal.replace('+', '%2B')}.",
                extra=extra)
            return
    if check.suggestion:
        title = f"{name} is not in E.164 format: did you mean {check.suggestion}?"
        action = (f"Use {check.suggestion} if that is the number you meant "
                  f"(read with region hint {region}).")
    else:
        title = f"{name} is not a valid E.164 phone number: it {check.problem}."
        action = "Write it as + country code and number, digits only, e.g. +14155550123."
    run.report(title, location=location, next_action=action,
               evidence=f"{excerpt(text)} ({check.problem})",
               fix="replace_value" if check.suggestion else None,
               fix_value=check.suggestion, extra=extra)


def e164(run: RuleRun) -> None:
    region = _region(run)
    fields = run.list_param("fields", required=False)
    query = run.list_param("query", required=False)
    if not fields and not query:
        raise RuleError("it needs 'fields' or 'query'")
    for expression in fields:
        for located in run.body_scalars(expression):
            text = _phone_text(located.value)
            if text is None:
                run.report(f"{located.name} should be a phone number string, not "
                           f"{type(located.value).__name__}.", location=located.location,
                           evidence=excerpt(located.value),
                           next_action="Send it as a string like \"+14155550123\".")
                continue
            if not phones.check_e164(text, region).ok:  # cached; names are built on failure
                _report_phone(run, located.name, located.location, text, region)
    for name in query:
        for param in run.ctx.query:
            if param.name == name and not is_placeholder(param.value):
                _report_phone(run, f"Query parameter {name}", f"query:{name}", param.value,
                              region, query_raw=param.raw_value)


def not_phone_number(run: RuleRun) -> None:
    region = _region(run)
    for located in run.body_scalars(run.text_param("field")):
        text = _phone_text(located.value)
        if text is None:
            continue
        number = phones.as_phone_number(text, region)
        if number is not None:
            run.report(
                f"{located.name} is a phone number ({number}), but it takes an id, not a number.",
                location=located.location, evidence=excerpt(text),
                next_action="Use the id the API lists for this number (e.g. numberId from "
                            "GET /api/core/numbers), not the number itself.")


def _has_media(values: list[Located]) -> bool:
    return any(v.value not in ("", [], {}) for v in values)


def media_matches_type(run: RuleRun) -> None:
    type_field = run.text_param("type_field")
    media_field = run.text_param("media_field")
    sms = run.text_param("sms", "SMS")
    mms = run.text_param("mms", "MMS")
    kinds = [v for v in run.body_values(type_field) if isinstance(v.value, str)]
    if not kinds or is_placeholder(kinds[0].value):
        return
    kind = kinds[0]
    has_media = _has_media(run.body_values(media_field))
    if kind.value.upper() == sms.upper() and has_media:
        run.report(f"{kind.name} is {kind.value} but {media_field} is attached: "
                   f"{sms} cannot carry media.", location=kind.location, fix="replace_value",
                   fix_value=mms, evidence=kind.value,
                   next_action=f"Send it as {mms} (from a number enabled for {mms}), "
                               f"or remove {media_field}.")
    elif kind.value.upper() == mms.upper() and not has_media:
        run.report(f"{kind.name} is {kind.value} but {media_field} is missing or empty.",
                   location=kind.location, fix="replace_value", fix_value=sms,
                   evidence=kind.value,
                   next_action=f"Attach {media_field}, or send it as {sms}.")


def max_items(run: RuleRun) -> None:
    limit = run.int_param("max")
    for located in run.body_values(run.text_param("field")):
        if isinstance(located.value, list) and len(located.value) > limit:
            run.report(f"{located.name} has {_count(len(located.value), 'item')}; at most "
                       f"{limit:,} are allowed per request.", location=located.location,
                       evidence=_count(len(located.value), "item"),
                       next_action=f"Split it into batches of at most {limit:,}, sent one "
                                   "after the other.")


def count_range(run: RuleRun) -> None:
    low, high = run.int_param("min"), run.int_param("max")
    for located in run.body_values(run.text_param("field")):
        if isinstance(located.value, list) and not low <= len(located.value) <= high:
            run.report(f"{located.name} has {_count(len(located.value), 'item')}; it needs "
                       f"{low} to {high}.", location=located.location,
                       evidence=_count(len(located.value), "item"),
                       next_action=f"Give {located.name} between {low} and {high} items.")


def _strings(run: RuleRun) -> list[tuple[Located, str]]:
    return [(located, located.value) for expression in run.list_param("fields")
            for located in run.body_scalars(expression) if isinstance(located.value, str)]


def max_length(run: RuleRun) -> None:
    limit = run.int_param("max")
    for located, text in _strings(run):
        if len(text) > limit:
            run.report(f"{located.name} is {_count(len(text), 'character')}; at most "
                       f"{limit:,} are allowed.", location=located.location, evidence=excerpt(text),
                       next_action=f"Shorten it by {_count(len(text) - limit, 'character')}.")


def min_length(run: RuleRun) -> None:
    limit = run.int_param("min")
    for located, text in _strings(run):
        if len(text) < limit:
            run.report(f"{located.name} is {_count(len(text), 'character')}; at least "
                       f"{limit} are required.", location=located.location, evidence=excerpt(text),
                       next_action=f"Make it at least {limit} characters long.")


def timestamp_format(run: RuleRun) -> None:
    provider_format = run.ctx.provider.timestamp_format if run.ctx.provider else None
    fmt = run.param("format") or provider_format
    if not isinstance(fmt, str) or not fmt:
        raise RuleError("it needs 'format' (or the provider's timestamp_format)")
    looks_like = timestamps.example(fmt)
    for expression in run.list_param("fields"):
        for located in run.body_scalars(expression):
            value = located.value
            if isinstance(value, str) and timestamps.matches(value, fmt):
                continue
            suggestion = timestamps.suggest(value, fmt)
            title = f"{located.name} is not a timestamp like {looks_like}"
            title += f": did you mean {suggestion}?" if suggestion else "."
            action = (f"Use {suggestion} (the same instant, in UTC)." if suggestion
                      else f"Write it as {looks_like} ({fmt}).")
            run.report(title, location=located.location, evidence=excerpt(value),
                       next_action=action, fix="replace_value" if suggestion else None,
                       fix_value=suggestion)


def https_urls(run: RuleRun) -> None:
    for located, text in _strings(run):
        parts, _ = split_url(text)
        if parts is not None and parts.scheme.lower() == "https" and parts.hostname:
            continue
        fixed = None
        if parts is not None and parts.scheme.lower() == "http" and parts.hostname:
            fixed = urlunsplit(("https", *parts[1:]))
        run.report(f"{located.name} is not an HTTPS URL.", location=located.location,
                   evidence=excerpt(text), fix="replace_value" if fixed else None,
                   fix_value=fixed,
                   next_action="Use an https:// URL the provider can fetch without logging in.")


def _link_keys(run: RuleRun, links: list[Located], key: str) -> set[str]:
    keys: set[str] = set()
    for located in links:
        entries = located.value if isinstance(located.value, list) else [located.value]
        for index, entry in enumerate(entries):
            value = entry.get(key) if isinstance(entry, dict) else None
            if value is None or value == "":
                where = located.child(index, entry) if isinstance(located.value, list) \
                    else located
                run.report(f"{where.name} has no {key}.", location=where.location,
                           next_action=f"Give every entry a {key} such as \"link1\".")
                continue
            keys.add(str(value).strip().strip("{}").strip())
    return keys


def link_placeholders(run: RuleRun) -> None:
    field = run.text_param("field")
    links_field = run.text_param("links_field")
    key = run.text_param("key", "key")
    minimum = run.int_param("min", 1)
    # Not body_scalars: a message that is only "{{link1}}" is content, not an unfilled value.
    messages = [v for v in scalars(run.body_values(field)) if isinstance(v.value, str)]
    if not messages:
        return
    links = run.body_values(links_field)
    keys = _link_keys(run, links, key)
    for message in messages:
        used = list(dict.fromkeys(LINK_PLACEHOLDER.findall(message.value)))
        if len(used) < minimum:
            run.report(f"{message.name} has no {{{{linkN}}}} placeholder (e.g. {{{{link1}}}}).",
                       location=message.location, evidence=excerpt(message.value),
                       next_action="Put {{link1}} where the link goes, and add an "
                                   f"{links_field} entry with {key} \"link1\".")
        missing = [name for name in used if name not in keys]
        if missing:
            listed = ", ".join("{{" + name + "}}" for name in missing)
            target = links[0] if links else message
            run.report(f"{links_field} has no entry for {listed}.", location=target.location,
                       evidence=listed,
                       next_action=f"Add an {links_field} entry with {key} "
                                   f"{', '.join(repr(m) for m in missing)} and its offer.")

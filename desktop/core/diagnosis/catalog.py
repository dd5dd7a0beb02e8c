"""Match a context against a provider's error catalog and rank what fits best.

Several entries can match one response (a 400 INVALID_REQUEST whose message
mentions Idempotency-Key matches both the generic INVALID_REQUEST entry and
the specific idempotency one). The most specific wins: a message pattern
is the narrowest evidence, then the error code, the path or step, and the
status last; an entry matching on more of them outranks one matching on fewer.
Within an entry, causes whose ``when`` holds for this response come first.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

import jmespath
import jmespath.exceptions

from desktop.core.diagnosis.context import DiagnosisContext
from desktop.core.finding import Finding, Severity
from desktop.core.provider.model import CatalogEntry, Provider
from desktop.core.userregex import compile_user_regex

_SEVERITY = {"error": Severity.ERROR, "warn": Severity.WARN, "info": Severity.INFO}


@dataclass(frozen=True, slots=True)
class CatalogMatch:
    entry: CatalogEntry
    score: int


def score(entry: CatalogEntry, ctx: DiagnosisContext) -> int:
    """0 when the entry does not apply; higher is more specific."""
    match = entry.match
    points = 0
    if match.transport:
        if ctx.transport not in match.transport:
            return 0
        points += 6
    elif ctx.transport is not None and ctx.code is None:
        return 0
    if match.status:
        if ctx.status not in match.status:
            return 0
        points += 1
    if match.code:
        if ctx.code is None or ctx.code.lower() not in {c.lower() for c in match.code}:
            return 0
        points += 4
    if match.message is not None:
        # The extracted message first; the whole body too, since some APIs put the
        # telling text elsewhere (a failure code inside a list item).
        haystacks = [text for text in (ctx.message, ctx.body_text) if text]
        if not any(_search(match.message, text) for text in haystacks):
            return 0
        points += 5
    if match.path is not None:
        if not fnmatchcase(ctx.path, match.path):
            return 0
        points += 2
    if match.step:
        if ctx.step not in match.step:
            return 0
        points += 2
    return points


def _search(pattern: str, text: str) -> bool:
    """RE2: a catalog's pattern over a server's body runs in linear time (a user's file may
    hold a backtracking trap, and a hostile server chooses the body)."""
    try:
        return compile_user_regex(pattern).search(text) is not None
    except ValueError:
        return False  # refused when the file loaded; a pattern built in code gets no match


def matches(provider: Provider, ctx: DiagnosisContext) -> list[CatalogMatch]:
    """Every applicable entry, most specific first (file order breaks ties)."""
    found = [CatalogMatch(entry, s) for entry in provider.errors if (s := score(entry, ctx))]
    found.sort(key=lambda m: -m.score)
    return found


def ranked_causes(entry: CatalogEntry, ctx: DiagnosisContext) -> tuple[str, ...]:
    """The entry's causes for this response: those whose ``when`` holds first, then the
    unconditional ones. A conditional cause whose condition does not hold is left out:
    it was written to be said only when the response shows it."""
    document = ctx.as_search_document()
    holding: list[str] = []
    plain: list[str] = []
    for cause in entry.causes:
        if cause.when is None:
            plain.append(cause.text)
            continue
        try:
            held = bool(jmespath.search(cause.when, document))
        except jmespath.exceptions.JMESPathError:
            held = False
        if held:
            holding.append(cause.text)
    return tuple(holding + plain)


def finding_for(entry: CatalogEntry, provider: Provider, ctx: DiagnosisContext) -> Finding:
    evidence = ", ".join(
        part
        for part in (
            f"HTTP {ctx.status}" if ctx.status is not None else None,
            f"code {ctx.code}" if ctx.code else None,
            f"“{ctx.message}”" if ctx.message else None,
            f"requestId {ctx.request_id}" if ctx.request_id else None,
        )
        if part
    )
    return Finding(
        code=f"{provider.id}.{entry.id}",
        severity=_SEVERITY[entry.severity],
        title=entry.title,
        causes=ranked_causes(entry, ctx),
        next_action=entry.next_action,
        doc=provider.doc_url(entry.doc),
        source="catalog",
        evidence=evidence,
        extra={"retry": entry.retry},
    )

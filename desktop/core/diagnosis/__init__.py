"""Explain this response: the provider's catalog first, generic HTTP knowledge after."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from desktop.core.diagnosis.assumed import assumed_path_finding
from desktop.core.diagnosis.catalog import finding_for, matches
from desktop.core.diagnosis.context import (
    DiagnosisContext,
    context_for,
    first_string,
    synthetic_context,
)
from desktop.core.diagnosis.generic import status_finding, transport_finding
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding
from desktop.core.provider.model import Provider

__all__ = ["DiagnosisContext", "context_for", "explain", "explain_context",
           "nothing_to_explain", "synthetic_context"]


def nothing_to_explain(exchange: Exchange, provider: Provider | None) -> bool:
    """A 2xx whose body names no error code: no rule would speak, so none is run.

    Most traffic is this; the catalog's message patterns would otherwise search
    every successful body. A 2xx that carries an error code (some APIs answer
    200 with an error) is still explained.
    """
    response = exchange.response
    if exchange.error is not None or response is None or not 200 <= response.status < 300:
        return False
    fields = provider.error_code_fields if provider is not None else ()
    return first_string(fields, response.json()) is None


def explain_context(ctx: DiagnosisContext, provider: Provider | None) -> list[Finding]:
    """Findings for a context, most relevant first.

    A 404/405 on a path the provider file guessed is that and nothing else. Otherwise
    the best catalog entry leads; a generic HTTP finding follows only when
    the catalog had nothing to say, and a transport finding always (the
    network is then part of the story even when the catalog adds a policy).
    """
    guessed = assumed_path_finding(ctx, provider)
    if guessed is not None:
        # Not a missing resource: the path itself is the provider file's guess.
        return [guessed]
    findings: list[Finding] = []
    if provider is not None:
        best = matches(provider, ctx)
        if best:
            findings.append(finding_for(best[0].entry, provider, ctx))
    transport = transport_finding(ctx)
    if transport is not None:
        findings.append(transport)
    elif not findings:
        generic = status_finding(ctx)
        if generic is not None:
            findings.append(generic)
    return findings


def explain(
    exchange: Exchange, provider: Provider | None, facts: dict[str, Any] | None = None
) -> list[Finding]:
    """Diagnose one Exchange into Findings (empty when nothing looks wrong)."""
    ctx = context_for(exchange, provider, facts)
    if ctx.facts.get("retry_after") is None and exchange.ratelimit is not None:
        ctx.facts["retry_after"] = getattr(exchange.ratelimit, "retry_after", None)
    if provider is not None:
        ctx.facts.setdefault("min_wait_after_429", provider.ratelimit.min_wait_after_429)
    response = exchange.response
    if response is not None:
        ctx.facts.setdefault("location", response.header("Location"))
    ctx.facts.setdefault("host", _host(exchange.request.url))
    return explain_context(ctx, provider)


def _host(url: str) -> str:
    return urlsplit(url).netloc or url

"""What a response (or transport error) showed, in the terms the catalog matches on.

The provider says where its error code and message live (JMESPath over the
JSON body); the caller adds facts only it knows: whether the secret had
whitespace, whether the token was fresh, whether the base URL matches the
environment. Catalog causes are ranked against these facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jmespath
import jmespath.exceptions

from desktop.core.exchange import Exchange
from desktop.core.provider.model import Provider


@dataclass(slots=True)
class DiagnosisContext:
    status: int | None = None
    code: str | None = None
    message: str | None = None
    path: str = ""
    step: str | None = None
    transport: str | None = None
    body_text: str = ""
    json: Any = None
    request_id: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def as_search_document(self) -> dict[str, Any]:
        """The document ``when`` expressions of catalog causes are evaluated against."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "step": self.step,
            "transport": self.transport,
            "json": self.json,
            "facts": self.facts,
        }


def first_string(expressions: tuple[str, ...], document: Any) -> str | None:
    """The first expression that yields a non-empty string (or number) in the document."""
    if document is None:
        return None
    for expression in expressions:
        try:
            value = jmespath.search(expression, document)
        except (jmespath.exceptions.JMESPathError, RecursionError):
            continue
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    return None


def context_for(
    exchange: Exchange,
    provider: Provider | None,
    facts: dict[str, Any] | None = None,
    *,
    code: str | None = None,
) -> DiagnosisContext:
    """Build the context for one Exchange; ``code`` overrides (e.g. a webhook-wait outcome)."""
    ctx = DiagnosisContext(
        path=urlsplit(exchange.request.url).path,
        step=exchange.step,
        facts=dict(facts or {}),
        request_id=exchange.request_id,
    )
    if exchange.error is not None:
        ctx.transport = exchange.error.kind.value
        ctx.message = exchange.error.message
    response = exchange.response
    if response is not None:
        ctx.status = response.status
        ctx.body_text = response.text(limit=64 * 1024)
        ctx.json = response.json()
        if provider is not None:
            ctx.code = first_string(provider.error_code_fields, ctx.json)
            ctx.message = first_string(provider.error_message_fields, ctx.json) or ctx.message
    if code is not None:
        ctx.code = code
    return ctx


def synthetic_context(
    *, code: str, step: str | None, message: str = "", facts: dict[str, Any] | None = None
) -> DiagnosisContext:
    """A context for outcomes that are not HTTP responses (webhook waits, local checks)."""
    return DiagnosisContext(code=code, step=step, message=message, facts=dict(facts or {}))


def body_excerpt(ctx: DiagnosisContext, limit: int = 300) -> str:
    text = ctx.body_text
    if ctx.json is not None:
        try:
            text = json.dumps(ctx.json, ensure_ascii=False)
        except (RecursionError, TypeError, ValueError):  # bodies are depth-bounded; a fact
            pass
    return text if len(text) <= limit else text[: limit - 1] + "…"

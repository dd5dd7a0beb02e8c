"""Expectations and extraction: JMESPath over what a response showed.

The document is ``{status, headers, json, text, vars}`` (header names in
lower case, ``vars`` the run's values so far), the same for every provider.
Its ``json`` is nesting-bounded (``ResponseRecord.json``): JMESPath walks it
recursively, so a hostile body nested 100,000 deep is text here, not JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jmespath
import jmespath.exceptions

from desktop.core.checklist.functions import display_text, search
from desktop.core.exchange import Exchange
from desktop.core.provider.model import Expectation
from desktop.core.templates import PLACEHOLDER, TemplateError, render_expression

TEXT_LIMIT = 64 * 1024


def response_document(exchange: Exchange, values: Mapping[str, Any]) -> dict[str, Any]:
    response = exchange.response
    if response is None:
        return {"status": None, "headers": {}, "json": None, "text": "", "vars": dict(values)}
    headers: dict[str, str] = {}
    for name, value in response.headers:
        headers.setdefault(name.lower(), value)
    return {
        "status": response.status,
        "headers": headers,
        "json": response.json(),
        "text": response.text(limit=TEXT_LIMIT),
        "vars": dict(values),
    }


@dataclass(frozen=True, slots=True)
class Unmet:
    expectation: Expectation
    says: str
    """The expectation's message with its placeholders filled."""
    error: str | None = None
    """Set when the expression itself could not be evaluated."""


def fill(text: str, values: Mapping[str, Any]) -> str:
    """Placeholders in a message filled for display (unknown ones left as written)."""
    return PLACEHOLDER.sub(
        lambda m: display_text(values[m.group(1)]) if values.get(m.group(1)) not in (None, "")
        else m.group(0), text)


def check(expectations: tuple[Expectation, ...], document: dict[str, Any],
          values: Mapping[str, Any]) -> list[Unmet]:
    """Every expectation that does not hold, in file order."""
    unmet: list[Unmet] = []
    for expectation in expectations:
        try:
            expression = render_expression(expectation.that, values)
            held = bool(search(expression, document))
            error = None
        except (TemplateError, jmespath.exceptions.JMESPathError) as exc:
            held, error = False, str(exc)
        except RecursionError:  # response bodies are depth-bounded; vars or an expression
            held, error = False, "the document or expression is nested too deeply"
        if not held:
            unmet.append(Unmet(expectation, fill(expectation.says, values), error))
    return unmet


def extract(pairs: tuple[tuple[str, str], ...], document: dict[str, Any],
            values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Values for later steps; names whose expression failed or found nothing are listed.

    In file order, each sees those before it in ``vars`` (and as placeholders), so a
    step can pick its record once and read fields from ``vars.<name>`` after.
    """
    found: dict[str, Any] = {}
    problems: list[str] = []
    for name, expression in pairs:
        seen = {**values, **found}
        try:
            value = search(render_expression(expression, seen), {**document, "vars": seen})
        except (TemplateError, jmespath.exceptions.JMESPathError) as exc:
            problems.append(f"{name}: {exc}")
            continue
        except RecursionError:
            problems.append(f"{name}: nested too deeply to evaluate")
            continue
        if value is not None:
            found[name] = value
    return found, problems

"""JMESPath functions for provider files: what their expressions need and JMESPath lacks.

Expectations, extractions and cause conditions are JMESPath over a response.
Plain JMESPath cannot compare text case-insensitively (one server writes
``Failed``, another ``FAILED``) or tell whether a setting is an E.164
number, so the checklist adds a few functions, documented in
docs/providers.md:

- ``lower(s)``: the string in lower case (null stays null);
- ``is_e164(s)``: true when ``s`` is strictly ``+`` and 2 to 15 digits;
- ``e164(s)``: the valid E.164 number ``s`` most likely means, or null;
- ``text(v)``: any value as display text (objects as compact JSON).
"""

from __future__ import annotations

import json
from typing import Any

import jmespath
from jmespath import functions


class _ChecklistFunctions(functions.Functions):
    @functions.signature({"types": ["string", "null"]})
    def _func_lower(self, value: str | None) -> str | None:
        return None if value is None else value.lower()

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_is_e164(self, value: str | float | None) -> bool:
        from desktop.core.lint.phones import STRICT_E164

        return isinstance(value, str) and STRICT_E164.fullmatch(value) is not None

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_e164(self, value: str | float | None) -> str | None:
        from desktop.core.lint.phones import derive_e164

        if value is None or isinstance(value, bool):
            return None
        return derive_e164(str(value))

    @functions.signature({"types": []})
    def _func_text(self, value: Any) -> str:
        return display_text(value)


OPTIONS = jmespath.Options(custom_functions=_ChecklistFunctions())


def search(expression: str, document: Any) -> Any:
    """``jmespath.search`` with the checklist's functions."""
    return jmespath.search(expression, document, options=OPTIONS)


def display_text(value: Any) -> str:
    """A value as a person reads it in a finding: strings as is, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except (TypeError, ValueError, RecursionError):
        return str(value)

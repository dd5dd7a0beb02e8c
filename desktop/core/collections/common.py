"""Small helpers every importer shares: defensive access to untrusted JSON, secret triage.

Importers read documents that passed a schema, but a schema leaves room
(a value may be a string or an object, a list may hold anything), and the
Hypothesis tests feed them arbitrary JSON. These accessors never raise.
"""

from __future__ import annotations

from typing import Any

from desktop.core.collections.model import MAX_NAME, METHODS
from desktop.core.redact import secret_kind
from desktop.core.secrets import SecretKind
from desktop.core.templates import PLACEHOLDER

MAX_ITEMS = 20_000
"""Requests one import may create."""


def text(value: Any, default: str = "") -> str:
    """A string value, numbers and booleans as text, anything else ``default``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return default


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def name_of(value: Any, fallback: str) -> str:
    """A usable display name: one line, at most MAX_NAME characters."""
    name = " ".join(text(value).split())[:MAX_NAME].strip()
    return name or fallback


def method_of(value: Any) -> str:
    method = text(value, "GET").strip().upper() or "GET"
    return method if method.isalpha() and len(method) <= 20 else "GET"


def standard_method(method: str) -> bool:
    return method in METHODS


def description_of(value: Any) -> str:
    """Postman descriptions are a string or ``{content, type}``."""
    if isinstance(value, dict):
        return text(value.get("content"))[:10_000]
    return text(value)[:10_000]


def secret_kind_for(name: str) -> SecretKind | None:
    """Which of the profile's secrets a variable most likely is, by its name."""
    kind = secret_kind(name)
    lowered = name.lower().replace("-", "_")
    if kind == "client_secret" or "client_secret" in lowered or "clientsecret" in lowered:
        return SecretKind.CLIENT_SECRET
    if kind == "api_key" or "apikey" in lowered.replace("_", ""):
        return SecretKind.API_KEY
    if "webhook" in lowered:
        return SecretKind.WEBHOOK_SECRET
    if kind in ("access_token", "token") or "token" in lowered:
        return SecretKind.TOKEN
    return None


def is_secret_variable(name: str, value: str, declared_secret: bool = False) -> bool:
    """A variable whose value must not be written: typed secret, or named like one."""
    if PLACEHOLDER.fullmatch(value.strip()) or not value:
        return declared_secret and bool(value)
    return declared_secret or secret_kind(name) is not None


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER.fullmatch(value.strip()) is not None

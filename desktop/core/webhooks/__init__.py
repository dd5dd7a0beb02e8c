"""Webhooks: verify signatures, receive deliveries, keep them, follow a message's lifecycle.

Names are loaded on first use (PEP 562), so ``import
desktop.core.webhooks.signatures`` costs only the signature code (the CLI
needs the scheme list at start-up) and nothing here imports aiohttp
until a ``WebhookReceiver`` is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.core.webhooks.correlation import (
        Correlator,
        Lifecycle,
        LifecycleRules,
        WaitOutcome,
        WaitResult,
    )
    from desktop.core.webhooks.events import WebhookEvent, WebhookFields
    from desktop.core.webhooks.headerblock import HeaderBlock, parse_header_block
    from desktop.core.webhooks.journal import Journal
    from desktop.core.webhooks.receiver import WebhookReceiver
    from desktop.core.webhooks.signatures import SCHEMES, HmacOptions, sign, verify
    from desktop.core.webhooks.store import WebhookStore
    from desktop.core.webhooks.verification import Reason, Suspect, Verification

__all__ = [
    "SCHEMES",
    "Correlator",
    "HeaderBlock",
    "HmacOptions",
    "Journal",
    "Lifecycle",
    "LifecycleRules",
    "Reason",
    "Suspect",
    "Verification",
    "WaitOutcome",
    "WaitResult",
    "WebhookEvent",
    "WebhookFields",
    "WebhookReceiver",
    "WebhookStore",
    "parse_header_block",
    "sign",
    "verify",
]

_HOMES = {
    "correlation": ("Correlator", "Lifecycle", "LifecycleRules", "WaitOutcome", "WaitResult"),
    "events": ("WebhookEvent", "WebhookFields"),
    "headerblock": ("HeaderBlock", "parse_header_block"),
    "journal": ("Journal",),
    "receiver": ("WebhookReceiver",),
    "signatures": ("SCHEMES", "HmacOptions", "sign", "verify"),
    "store": ("WebhookStore",),
    "verification": ("Reason", "Suspect", "Verification"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}



def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)

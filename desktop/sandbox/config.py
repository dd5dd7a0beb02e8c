"""The Sandbox's settings: demo credentials, webhook target, rate limits, timing.

A frozen value: the Sandbox swaps in a new one on every change, so a request
in flight reads one consistent snapshot. Validation lives here so the admin
endpoint, the CLI and the UI reject the same bad values with the same words.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from desktop.sandbox.ratelimit import RATELIMIT_FAMILIES

DEMO_CLIENT_ID = "sandbox-client"
# Public demo values, documented in docs/sandbox.md: they open nothing but this Sandbox.
DEMO_CLIENT_SECRET = "sandbox-secret"
DEMO_WEBHOOK_SECRET = "sandbox-webhook-secret"

TOKEN_STATUSES = (200, 201)
WEBHOOK_SHAPES = ("nested", "flat")
"""``nested``: ``{"type", "sequence", "data": {"messageId", ...}}``; ``flat``: every field at
the top level, ``{"type", "sequence", "messageId", ...}``."""

_SECRET_FIELDS = {"client_secret": DEMO_CLIENT_SECRET, "webhook_secret": DEMO_WEBHOOK_SECRET}


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    client_name: str = "Switchboard Sandbox"
    webhook_url: str | None = None
    """Where lifecycle webhooks go; None means no delivery webhook is configured."""
    webhook_secret: str = DEMO_WEBHOOK_SECRET
    ratelimit_family: str = "ietf"
    ratelimit_limit: int = 60
    ratelimit_window: int = 60
    """Seconds in one fixed rate-limit window."""
    latency: float = 2.0
    """Seconds every API response waits while the ``slow`` fault is on."""
    token_lifetime: int = 3600
    token_status: int = 200
    """What a successful token request answers: 200 (Red Cloud) or 201 (eCourtDate's
    Authentication page). Both are healthy; the checklist must pass on either."""
    token_expires_in: bool = True
    """Whether the token response states ``expires_in`` (eCourtDate's omits it)."""
    webhook_shape: str = "nested"
    """Where lifecycle webhooks carry ``messageId``: ``nested`` under ``data`` or ``flat`` at
    the top level. Red Cloud documents the field, not its place."""
    event_delay: float = 0.05
    """Seconds between one message's lifecycle webhooks."""
    retry_scale: float = 1 / 60
    """Multiplies the real retry schedule (1, 5, 15, 60 minutes): 1/60 gives 1, 5, 15, 60 s."""
    idempotency_ttl: float = 24 * 3600.0

    def __post_init__(self) -> None:
        _validate(self)

    def with_changes(self, **changes: Any) -> SandboxConfig:
        """A copy with ``changes`` applied; ValueError names the first bad field."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(
                f"unknown setting {unknown[0]!r}; settings: {', '.join(sorted(known))}"
            )
        return replace(self, **changes)

    def as_dict(self, *, redact: bool = True) -> dict[str, Any]:
        """Plain data for the admin endpoint; secrets other than the demo values are masked."""
        data = asdict(self)
        if redact:
            for name, demo in _SECRET_FIELDS.items():
                if data[name] != demo:
                    data[name] = "<redacted>"
        return data


def _validate(config: SandboxConfig) -> None:
    for name in ("client_id", "client_secret", "client_name", "webhook_secret"):
        value = getattr(config, name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    if config.webhook_url is not None:
        _check_webhook_url(config.webhook_url)
    if config.ratelimit_family not in RATELIMIT_FAMILIES:
        raise ValueError(
            f"ratelimit_family {config.ratelimit_family!r} is not one of "
            f"{', '.join(RATELIMIT_FAMILIES)}"
        )
    _check_int("ratelimit_limit", config.ratelimit_limit, minimum=1)
    _check_int("ratelimit_window", config.ratelimit_window, minimum=1)
    _check_int("token_lifetime", config.token_lifetime, minimum=0)
    if config.token_status not in TOKEN_STATUSES or isinstance(config.token_status, bool):
        raise ValueError(f"token_status must be one of {', '.join(map(str, TOKEN_STATUSES))}, "
                         f"not {config.token_status!r}")
    if not isinstance(config.token_expires_in, bool):
        raise ValueError(f"token_expires_in must be true or false, not "
                         f"{config.token_expires_in!r}")
    if config.webhook_shape not in WEBHOOK_SHAPES:
        raise ValueError(f"webhook_shape must be one of {', '.join(WEBHOOK_SHAPES)}, not "
                         f"{config.webhook_shape!r}")
    for name in ("latency", "event_delay", "retry_scale", "idempotency_ttl"):
        _check_number(name, getattr(config, name))


def _check_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, not {value!r}")


def _check_number(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a number >= 0, not {value!r}")


def _check_webhook_url(url: object) -> None:
    if not isinstance(url, str) or any(ch in url for ch in "\r\n\t "):
        raise ValueError(f"webhook_url must be an http(s) URL, not {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"webhook_url must be an http(s) URL with a host, not {url!r}")

"""Fault switches: each one makes the Sandbox show one documented symptom.

The list is data so the UI, the CLI's ``--fault`` help and the admin
endpoint all read the same names and descriptions. Nothing here imports
aiohttp: the window can list faults before the Sandbox is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from desktop.core.observable import Event


class Fault(NamedTuple):
    name: str
    description: str
    """One line for a list: what the switch does and what the user will see."""
    default: bool = False


FAULTS: tuple[Fault, ...] = (
    Fault("bad_secret", "Token endpoint rejects even correct credentials: 401 invalid_client."),
    Fault("inactive_client", "API client is inactive: token 401 invalid_client; whoami INACTIVE."),
    Fault("inactive_account", "Parent account is inactive: token 401 invalid_client."),
    Fault("expired_token", "Every bearer token is expired: CORE calls 401, a fresh token too."),
    Fault("no_numbers", "The API client owns no numbers: /numbers is empty."),
    Fault("number_not_sms_enabled", "SMS is off on every number (smsEnabled false): SMS 400."),
    Fault("number_not_owned", "The working number belongs to another client: send 403."),
    Fault(
        "reject_missing_idempotency",
        "On (as the real API): a send without Idempotency-Key is 400. Off: accepted, never "
        "deduplicated.",
        default=True,
    ),
    Fault("rate_limit_storm", "Every CORE call answers 429 with Retry-After."),
    Fault("webhook_bad_signature", "Webhooks are signed with the wrong secret."),
    Fault("webhook_never_sent", "Sends are accepted (202) but no webhook is ever posted."),
    Fault("slow", "Every API response waits the configured latency (default 2 s)."),
    Fault("server_error", "CORE calls fail: 500 SERVER_ERROR (send: 502 UPSTREAM_ERROR)."),
    Fault("drop_connection", "The server closes the connection without answering."),
)

FAULT_NAMES: tuple[str, ...] = tuple(fault.name for fault in FAULTS)
DEFAULT_FAULTS: frozenset[str] = frozenset(fault.name for fault in FAULTS if fault.default)


class UnknownFaultError(ValueError):
    """A fault name that is not in ``FAULTS``; the message lists the valid ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown fault {name!r}; valid faults: {', '.join(FAULT_NAMES)}")


def check_fault_name(name: str) -> str:
    if name not in FAULT_NAMES:
        raise UnknownFaultError(name)
    return name


class Faults:
    """Which fault switches are on; announces every change on ``changed``."""

    def __init__(self, enabled: Iterable[str] | None = None) -> None:
        initial = DEFAULT_FAULTS if enabled is None else frozenset(enabled)
        for name in initial:
            check_fault_name(name)
        self._initial = frozenset(initial)
        self._enabled: set[str] = set(initial)
        self.changed: Event[frozenset[str]] = Event()

    def set(self, name: str, on: bool = True) -> None:
        check_fault_name(name)
        before = frozenset(self._enabled)
        if on:
            self._enabled.add(name)
        else:
            self._enabled.discard(name)
        if before != self._enabled:
            self.changed.emit(self.enabled())

    def update(self, switches: dict[str, bool]) -> None:
        """Set several switches at once; checks every name before changing any."""
        for name in switches:
            check_fault_name(name)
        before = frozenset(self._enabled)
        for name, on in switches.items():
            if on:
                self._enabled.add(name)
            else:
                self._enabled.discard(name)
        if before != self._enabled:
            self.changed.emit(self.enabled())

    def reset(self) -> None:
        """Back to the switches this object was created with."""
        if self._enabled != self._initial:
            self._enabled = set(self._initial)
            self.changed.emit(self.enabled())

    def enabled(self) -> frozenset[str]:
        return frozenset(self._enabled)

    def is_on(self, name: str) -> bool:
        return name in self._enabled

    __contains__ = is_on

    def as_dict(self) -> dict[str, bool]:
        return {name: name in self._enabled for name in FAULT_NAMES}

    def __repr__(self) -> str:
        return f"Faults({sorted(self._enabled)!r})"

"""Secrets live in the OS keychain through `keyring`, never in a file.

When no keychain is available (a headless box without a Secret Service, a
locked or broken backend) secrets are kept in memory for this session only
and the app says so; nothing is ever written to disk as a fallback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from desktop import APP_ID
from desktop.core.observable import Event

log = logging.getLogger(__name__)

SERVICE = APP_ID


class SecretKind(StrEnum):
    CLIENT_SECRET = "client_secret"
    API_KEY = "api_key"
    TOKEN = "token"
    WEBHOOK_SECRET = "webhook_secret"

    @property
    def noun(self) -> str:
        """The label as it reads inside a sentence (``the API key``)."""
        label = self.label
        return label if label.split()[0].isupper() else label[0].lower() + label[1:]

    @property
    def label(self) -> str:
        return {
            "client_secret": "Client secret",
            "api_key": "API key",
            "token": "Bearer token",
            "webhook_secret": "Webhook signing secret",
        }[self.value]


@dataclass(frozen=True, slots=True)
class KeychainStatus:
    available: bool
    backend: str
    message: str


def _username(profile_id: str, kind: SecretKind) -> str:
    return f"{profile_id}:{kind.value}"


class SecretStore:
    """Get and set a profile's secrets; the keychain when there is one, memory otherwise."""

    def __init__(self, *, use_keychain: bool = True) -> None:
        self._memory: dict[str, str] = {}
        """Secrets entered or read this session (when there is no keychain: the only copy)."""
        self._looked_up: set[str] = set()
        """Keys the keychain was asked for and did not have."""
        self._overlay: dict[str, str] = {}
        self._use_keychain = use_keychain
        self._status: KeychainStatus | None = None
        self.status_changed: Event[KeychainStatus] = Event()
        self.known_values: Event[str] = Event()
        """Emitted with every secret value read or written, so the redactor can learn it."""
        self.tokens_learned: Event[str] = Event()
        """Emitted with every access token a session acquires (the log's redactor keeps the
        newest of them: tokens expire, keychain secrets do not)."""

    # -- status -----------------------------------------------------------------------------

    @property
    def status(self) -> KeychainStatus:
        """Probing loads keyring and its backend (~0.2 s, several MB): done on first need."""
        if self._status is None:
            self._status = self._probe()
            self.status_changed.emit(self._status)
        return self._status

    @property
    def known_status(self) -> KeychainStatus | None:
        """The status if something has needed the keychain already, without probing."""
        return self._status

    def _probe(self) -> KeychainStatus:
        if not self._use_keychain:
            return KeychainStatus(False, "memory", "Keychain disabled: secrets are kept in memory "
                                  "for this session only.")
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception as exc:  # a broken keyring install must not stop the app
            log.warning("keyring unusable: %s", exc)
            return self._unavailable(f"the keychain library failed to load ({exc})")
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        chained = getattr(backend, "backends", None)
        if isinstance(backend, fail.Keyring) or (chained is not None and not chained):
            return self._unavailable("no OS keychain was found (on Linux: a Secret Service such "
                                     "as GNOME Keyring or KWallet)")
        return KeychainStatus(True, name, f"Secrets are stored in the OS keychain ({name}).")

    @staticmethod
    def _unavailable(reason: str) -> KeychainStatus:
        return KeychainStatus(False, "memory", f"No keychain: {reason}. Secrets you enter are "
                              "kept in memory for this session only and must be entered again "
                              "after a restart. Nothing is written to disk.")

    def _degrade(self, exc: Exception) -> None:
        log.warning("keychain error, falling back to memory for this session: %s", exc)
        self._status = self._unavailable(f"the keychain reported an error ({exc})")
        self.status_changed.emit(self._status)

    # -- access ------------------------------------------------------------------------------

    def get(self, profile_id: str, kind: SecretKind) -> str | None:
        key = _username(profile_id, kind)
        value = self._overlay.get(key)
        if value is None:
            value = self._memory.get(key)
        if value is None and key in self._looked_up:
            return None  # asked the keychain already this session: it had nothing
        if value is None and self.status.available:
            # Once per secret per session: every request's diagnosis reads the profile's
            # secrets, and a keychain lookup is a D-Bus round trip (or a prompt).
            try:
                import keyring

                value = keyring.get_password(SERVICE, key)
            except Exception as exc:
                self._degrade(exc)
            if value is None:
                self._looked_up.add(key)
            else:
                self._memory[key] = value
        if value:
            self.known_values.emit(value)
        return value

    def set(self, profile_id: str, kind: SecretKind, value: str | None) -> None:
        """Store (or with None / "" delete) one secret."""
        key = _username(profile_id, kind)
        if not value:
            self.delete(profile_id, kind)
            return
        self.known_values.emit(value)
        if self.status.available:
            try:
                import keyring

                keyring.set_password(SERVICE, key, value)
                self._memory[key] = value  # this session's copy; the keychain has it too
                self._looked_up.discard(key)
                return
            except Exception as exc:
                self._degrade(exc)
        self._memory[key] = value

    def delete(self, profile_id: str, kind: SecretKind) -> None:
        key = _username(profile_id, kind)
        self._memory.pop(key, None)
        self._looked_up.add(key)
        if self.status.available:
            try:
                import keyring
                from keyring.errors import PasswordDeleteError

                try:
                    keyring.delete_password(SERVICE, key)
                except PasswordDeleteError:
                    pass
            except Exception as exc:
                self._degrade(exc)

    def delete_all(self, profile_id: str) -> None:
        for kind in SecretKind:
            self.delete(profile_id, kind)

    def provide(self, profile_id: str, kind: SecretKind, value: str) -> None:
        """A secret supplied by the app itself for this session (the sandbox's demo credentials)."""
        self._overlay[_username(profile_id, kind)] = value
        self.known_values.emit(value)

    def has(self, profile_id: str, kind: SecretKind) -> bool:
        return bool(self.get(profile_id, kind))

"""Per-profile live state: its one HTTP client, its webhook receiver, its rate-limit series.

A profile's client is rebuilt when the profile changes (base URL, settings)
and kept otherwise, so its token cache survives between requests. Every
Exchange any client makes lands in the shared history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from desktop.core.client.client import ClientOptions, ProfileClient, SecretLookup
from desktop.core.exchange import Exchange
from desktop.core.observable import Event
from desktop.core.profiles import Profile
from desktop.core.provider.model import Provider
from desktop.core.secrets import SecretKind

if TYPE_CHECKING:
    from desktop.core.ratelimit import RateLimitSeries
    from desktop.core.redact import Redactor
    from desktop.core.webhooks import Correlator, WebhookReceiver, WebhookStore
    from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)


class ProfileSession:
    def __init__(
        self,
        profile: Profile,
        provider: Provider,
        secrets: SecretLookup,
        *,
        on_exchange: Callable[[Exchange], None] | None = None,
        options: ClientOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        journal_name: str | None = None,
    ) -> None:
        self.profile = profile
        self.provider = provider
        self._secrets = secrets
        self._on_exchange = on_exchange
        self.options = options
        self._transport = transport
        self._journal_name = journal_name or profile.id
        self._last_token: str | None = None
        self.secret_learned: Event[str] = Event()
        """Emits secrets the profile acquired at run time (access tokens), for the log redactor."""
        self.client = self._new_client()
        self._series: RateLimitSeries | None = None
        self._store: WebhookStore | None = None
        self.receiver: WebhookReceiver | None = None
        self.receiver_changed: Event[ProfileSession] = Event()

    def secret(self, kind: SecretKind) -> str | None:
        return self._secrets(kind)

    def _new_client(self) -> ProfileClient:
        return ProfileClient(self.profile, self.provider, self._secrets,
                             on_exchange=self._recorded, options=self.options,
                             transport=self._transport)

    def redactor(self, *, mask_phones: bool = True) -> Redactor:
        """The one redactor, primed with everything secret this profile has used."""
        from desktop.core.redact import Redactor

        secrets: dict[str, str | None] = {kind.value: self.secret(kind) for kind in SecretKind}
        token = getattr(self.client.auth, "token", None)
        if token:
            secrets["access_token"] = token
        return Redactor(secrets, self.provider.secret_patterns, mask_phones=mask_phones)

    def _recorded(self, exchange: Exchange) -> None:
        token = getattr(self.client.auth, "token", None)
        if token and token != self._last_token:
            self._last_token = token
            self.secret_learned.emit(token)
        if exchange.ratelimit is not None:
            self.ratelimits.append(exchange.ratelimit)
        if self._on_exchange is not None:
            self._on_exchange(exchange)

    @property
    def ratelimits(self) -> RateLimitSeries:
        if self._series is None:
            from desktop.core.ratelimit import RateLimitSeries

            self._series = RateLimitSeries(profile=self.profile.name)
        return self._series

    @property
    def webhook_store(self) -> WebhookStore:
        if self._store is None:
            from desktop.core.paths import data_dir
            from desktop.core.webhooks import Journal, WebhookStore

            journal = Journal(data_dir() / "webhooks" / self._journal_name)
            self._store = WebhookStore(journal=journal)
        return self._store

    def correlator(self) -> Correlator:
        from desktop.core.webhooks import Correlator, LifecycleRules

        return Correlator(self.webhook_store, LifecycleRules.from_scheme(self.provider.webhooks))

    async def start_receiver(self) -> WebhookReceiver:
        """Listen for this profile's webhooks (idempotent)."""
        if self.receiver is not None and self.receiver.running:
            return self.receiver
        from desktop.core.webhooks import WebhookFields, WebhookReceiver

        scheme = self.provider.webhooks
        settings = self.profile.webhook
        self.receiver = WebhookReceiver(
            self.webhook_store,
            host=settings.host,
            port=settings.port,
            allow_all_interfaces=settings.allow_all_interfaces,
            scheme=scheme.scheme if scheme.scheme != "none" else None,
            secret=self.secret(SecretKind.WEBHOOK_SECRET),
            tolerance=scheme.tolerance,
            failure_status=settings.failure_status,
            public_url=settings.public_url or None,
            fields=WebhookFields.from_scheme(scheme),
        )
        await self.receiver.start()
        self.receiver_changed.emit(self)
        return self.receiver

    async def stop_receiver(self) -> None:
        receiver, self.receiver = self.receiver, None
        if receiver is not None:
            await receiver.stop()
            self.receiver_changed.emit(self)

    async def replace_profile(self, profile: Profile, provider: Provider) -> None:
        """The profile was edited: a new client (the old token may be for other credentials)."""
        changed_receiver = profile.webhook != self.profile.webhook
        self.profile, self.provider = profile, provider
        old, self.client = self.client, self._new_client()
        await old.aclose()
        if changed_receiver and self.receiver is not None:
            await self.stop_receiver()
            await self.start_receiver()

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.stop_receiver()
        if self._store is not None:
            self._store.flush()


class Sessions:
    """The sessions of every profile used so far in this run of the app."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._sessions: dict[str, ProfileSession] = {}
        self.created: Event[ProfileSession] = Event()

    def get(self, profile: Profile) -> ProfileSession:
        session = self._sessions.get(profile.id)
        provider = self.workspace.provider_for(profile)
        if provider is None:
            raise KeyError(f"profile {profile.name!r} uses unknown provider {profile.provider!r}")
        if session is None:
            secrets = self.workspace.secrets
            session = ProfileSession(
                profile, provider, lambda kind: secrets.get(profile.id, kind),
                on_exchange=self.workspace.history.append)
            session.secret_learned.connect(secrets.known_values.emit)
            self._sessions[profile.id] = session
            self.created.emit(session)
        return session

    def existing(self, profile_id: str) -> ProfileSession | None:
        return self._sessions.get(profile_id)

    async def refresh(self, profile: Profile) -> None:
        session = self._sessions.get(profile.id)
        provider = self.workspace.provider_for(profile)
        if session is not None and provider is not None and (
                session.profile != profile or session.provider is not provider):
            await session.replace_profile(profile, provider)

    async def forget(self, profile_id: str) -> None:
        session = self._sessions.pop(profile_id, None)
        if session is not None:
            await session.aclose()

    async def aclose(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            try:
                await session.aclose()
            except Exception:
                log.exception("closing the session of %s failed", session.profile.name)

    def __iter__(self) -> Any:
        return iter(list(self._sessions.values()))

"""Per-profile live state: its one HTTP client, its webhook receiver, its rate-limit series.

A profile's client is rebuilt when the profile changes (base URL, settings)
and kept otherwise, so its token cache survives between requests. Every
Exchange any client makes lands in the shared history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.core.exchange import Exchange
from desktop.core.observable import Event
from desktop.core.profiles import Profile
from desktop.core.provider.model import Provider
from desktop.core.secrets import SecretKind

if TYPE_CHECKING:
    import httpx

    from desktop.core.checklist.model import ChecklistRun
    from desktop.core.client.client import ClientOptions, ProfileClient, SecretLookup
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
        self._webhook_settings_changed = False
        self._bound_all = False
        self._last_token: str | None = None
        self._tokens: dict[str, None] = {}
        """The access tokens this session's clients were issued (refreshes included), in order:
        each stays a known secret of ``redactor()`` after it is replaced, the newest
        ``MAX_LEARNED_TOKENS`` of them."""
        self.last_run: ChecklistRun | None = None
        """The latest checklist run of this profile (the bundle and the summary read it)."""
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
        from desktop.core.client.client import ProfileClient  # httpx: only once it is needed

        return ProfileClient(self.profile, self.provider, self._secrets,
                             on_exchange=self._recorded, options=self.options,
                             transport=self._transport, on_token=self._token_acquired)

    def _token_acquired(self, token: str) -> None:
        """Told the moment a token is accepted, before any later answer can echo it back."""
        if token and token not in self._tokens:
            self._last_token = token
            self._remember(token)
            self.secret_learned.emit(token)

    def redactor(self, *, mask_phones: bool = True) -> Redactor:
        """The one redactor, primed with everything secret this profile has used."""
        from desktop.core.redact import Redactor

        secrets: dict[str, str | None] = {kind.value: self.secret(kind) for kind in SecretKind}
        self._learn_token()
        redactor = Redactor(secrets, self.provider.secret_patterns, mask_phones=mask_phones)
        for token in self._tokens:
            redactor.add_secret(token, "access_token")
        return redactor

    def _learn_token(self) -> None:
        """Remember the client's current token (a token is set after its own Exchange is
        recorded, so it is seen by the next Exchange, ``redactor()`` or ``rebind``)."""
        token = getattr(self.client.auth, "token", None)
        if isinstance(token, str) and token and token != self._last_token:
            self._last_token = token
            self._remember(token)
            self.secret_learned.emit(token)

    def _remember(self, token: str) -> None:
        """Keep the newest tokens only, as every redactor does (``MAX_LEARNED_TOKENS``)."""
        from desktop.core.redact.redactor import MAX_LEARNED_TOKENS

        self._tokens[token] = None
        while len(self._tokens) > MAX_LEARNED_TOKENS:
            del self._tokens[next(iter(self._tokens))]

    def _recorded(self, exchange: Exchange) -> None:
        self._learn_token()
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
            # Every secret of the profile, and each token as it is issued, is masked in
            # what the journal writes (a sender may echo any of them back).
            for kind in SecretKind:
                journal.add_secret(self.secret(kind), kind.value)
            for token in self._tokens:
                journal.add_secret(token, "access_token")
            self.secret_learned.connect(lambda token: journal.add_secret(token, "access_token"))
            self._store = WebhookStore(journal=journal)
        return self._store

    def webhook_events(self) -> list[Any]:
        """Events received this session (in memory; older ones are in the journal)."""
        return list(self._store) if self._store is not None else []

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
            failure_status=settings.failure_status,
            public_url=settings.public_url or None,
            fields=WebhookFields.from_scheme(scheme),
        )
        self._configure_verification(self.receiver)
        self._bound_all = settings.allow_all_interfaces
        await self.receiver.start()
        self.receiver_changed.emit(self)
        return self.receiver

    def _configure_verification(self, receiver: WebhookReceiver) -> None:
        from desktop.core.webhooks import HmacOptions

        scheme = self.provider.webhooks
        options = HmacOptions.from_mapping(scheme.options) if scheme.scheme == "hmac" else None
        receiver.set_verification(scheme.scheme if scheme.scheme != "none" else None,
                                  self.secret(SecretKind.WEBHOOK_SECRET), options=options,
                                  tolerance=scheme.tolerance)

    async def stop_receiver(self) -> None:
        receiver, self.receiver = self.receiver, None
        if receiver is not None:
            await receiver.stop()
            self.receiver_changed.emit(self)

    def rebind(self, profile: Profile, provider: Provider) -> ProfileClient:
        """The profile was edited: a new client now (the old token may be for other
        credentials). Returns the old client, for the caller to close when it can."""
        self._webhook_settings_changed |= profile.webhook != self.profile.webhook
        self._learn_token()
        self.profile, self.provider = profile, provider
        old, self.client = self.client, self._new_client()
        return old

    async def apply_webhook_settings(self) -> None:
        """Bring a running receiver in line with the profile's webhook settings.

        The public URL, the failure status and the secret apply in place; only a new
        address (host, port, all interfaces) needs a restart.
        """
        if not self._webhook_settings_changed or self.receiver is None:
            self._webhook_settings_changed = False
            return
        self._webhook_settings_changed = False
        settings, receiver = self.profile.webhook, self.receiver
        moved = (settings.host != receiver.host
                 or (settings.port and settings.port != receiver.port)
                 or settings.allow_all_interfaces != self._bound_all)
        if moved:
            await self.stop_receiver()
            await self.start_receiver()
            return
        receiver.public_url = settings.public_url or None
        receiver.failure_status = settings.failure_status
        self._configure_verification(receiver)
        self.receiver_changed.emit(self)

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
        self._retired_clients: list[ProfileClient] = []
        self._retired_sessions: list[ProfileSession] = []
        self.created: Event[ProfileSession] = Event()

    def get(self, profile: Profile) -> ProfileSession:
        """The session of this profile as the store has it now (a caller may hold an older
        copy: the sandbox's profile, for one, gets its base URL after the window opens)."""
        profile = self.workspace.profiles.by_id(profile.id) or profile
        session = self._sessions.get(profile.id)
        provider = self.workspace.provider_for(profile)
        if provider is None:
            raise KeyError(f"profile {profile.name!r} uses unknown provider {profile.provider!r}")
        if session is None:
            secrets = self.workspace.secrets
            session = ProfileSession(
                profile, provider, lambda kind: secrets.get(profile.id, kind),
                on_exchange=self.workspace.history.append)
            session.secret_learned.connect(secrets.tokens_learned.emit)
            self._sessions[profile.id] = session
            self.created.emit(session)
        elif session.profile != profile or session.provider is not provider:
            self._retired_clients.append(session.rebind(profile, provider))
        return session

    def existing(self, profile_id: str) -> ProfileSession | None:
        return self._sessions.get(profile_id)

    def sync(self) -> None:
        """Follow edits and deletions of profiles; closing what they replace waits for tidy()."""
        for profile_id, session in list(self._sessions.items()):
            profile = self.workspace.profiles.by_id(profile_id)
            provider = self.workspace.provider_for(profile) if profile is not None else None
            if profile is None or provider is None:
                self._retired_sessions.append(self._sessions.pop(profile_id))
            elif profile != session.profile or provider is not session.provider:
                self._retired_clients.append(session.rebind(profile, provider))

    async def refresh(self, profile: Profile) -> None:
        """Bring the sessions in line with the profile store now, and tidy up."""
        self.sync()
        await self.tidy()

    async def tidy(self) -> None:
        """Close replaced clients and sessions; apply changed webhook settings."""
        clients, self._retired_clients = self._retired_clients, []
        sessions, self._retired_sessions = self._retired_sessions, []
        for client in clients:
            await client.aclose()
        for session in sessions:
            await session.aclose()
        for session in list(self._sessions.values()):
            await session.apply_webhook_settings()

    async def aclose(self) -> None:
        await self.tidy()
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            try:
                await session.aclose()
            except Exception:
                log.exception("closing the session of %s failed", session.profile.name)

    def __iter__(self) -> Any:
        return iter(list(self._sessions.values()))

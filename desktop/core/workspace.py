"""The state of one running Switchboard, shared by the window and the CLI.

Providers, profiles, secrets and history live here; the per-profile HTTP
clients, webhook receivers and rate-limit series are created on demand.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from desktop.core.history import History
from desktop.core.observable import Event
from desktop.core.paths import config_dir
from desktop.core.profiles import SANDBOX_PROFILE_NAME, Profile, ProfileStore
from desktop.core.provider import Provider, ProviderRegistry, load_registry
from desktop.core.secrets import SecretStore

log = logging.getLogger(__name__)


class Workspace:
    def __init__(
        self,
        *,
        providers: ProviderRegistry | None = None,
        profiles: ProfileStore | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        self.providers = providers if providers is not None else load_registry()
        self.profiles = profiles if profiles is not None else ProfileStore(
            config_dir() / "profiles.json"
        )
        if profiles is None:
            self.profiles.load()
        self.secrets = secrets if secrets is not None else SecretStore()
        self.history = History()
        self.active_changed: Event[Profile | None] = Event()
        self._active_id: str | None = None

    # -- profiles -------------------------------------------------------------------------------

    def ensure_sandbox_profile(self) -> Profile | None:
        """A first launch (no profiles file yet) gets a ready Sandbox profile."""
        if self.profiles.exists_on_disk or len(self.profiles):
            return None
        provider = self.providers.get("sandbox")
        if provider is None:
            return None
        profile = Profile(
            name=SANDBOX_PROFILE_NAME,
            provider=provider.id,
            environment=provider.environments[0].id,
            settings={**provider.setting_defaults(), "client_id": "sandbox-client",
                      "recipient": "+14155550123"},
        )
        return self.profiles.add(profile)

    def provider_for(self, profile: Profile) -> Provider | None:
        return self.providers.get(profile.provider)

    @property
    def active(self) -> Profile | None:
        if self._active_id is not None:
            profile = self.profiles.by_id(self._active_id)
            if profile is not None:
                return profile
        return next(iter(self.profiles), None)

    def set_active(self, profile: Profile | None) -> None:
        new_id = profile.id if profile is not None else None
        if new_id == self._active_id:
            return
        self._active_id = new_id
        self.active_changed.emit(self.active)

    def sandbox_profiles(self) -> list[Profile]:
        result = []
        for profile in self.profiles:
            provider = self.provider_for(profile)
            if provider is not None and provider.sandbox:
                result.append(profile)
        return result

    def point_sandbox_profiles_at(self, base_url: str) -> None:
        """The sandbox listens on a random port: keep its profiles' base URL current."""
        for profile in self.sandbox_profiles():
            if profile.base_url != base_url:
                self.profiles.update(replace(profile, base_url=base_url))

"""All providers the app knows: the built-in files plus the user's own.

A broken user file is reported (file, key, reason) and skipped; it never
stops the app from starting. A user file with the id of a built-in one
replaces it, so a team can ship a corrected definition without a release.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.provider.loader import parse_provider, read_provider_toml, resolve_extends
from desktop.core.provider.model import Provider
from desktop.core.provider.reader import ProviderError

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).resolve().parent.parent.parent / "providers"


@dataclass
class ProviderRegistry:
    providers: dict[str, Provider] = field(default_factory=dict)
    problems: list[ProviderError] = field(default_factory=list)
    raw: dict[str, dict] = field(default_factory=dict, repr=False)
    """Raw tables by provider id, for ``extends``."""

    def __iter__(self) -> Iterator[Provider]:
        return iter(self.providers.values())

    def __len__(self) -> int:
        return len(self.providers)

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self.providers

    def get(self, provider_id: str) -> Provider | None:
        return self.providers.get(provider_id)

    def require(self, provider_id: str) -> Provider:
        provider = self.providers.get(provider_id)
        if provider is None:
            known = ", ".join(sorted(self.providers))
            raise KeyError(f"unknown provider {provider_id!r} (known: {known})")
        return provider

    def add_dir(self, directory: Path, *, builtin: bool) -> None:
        if not directory.is_dir():
            return
        tables: list[tuple[Path, dict]] = []
        try:
            paths = sorted(directory.glob("*.toml"))
        except OSError as exc:  # the folder vanished or cannot be listed: nothing to add
            self._skip(ProviderError(directory.name, "", f"cannot be listed ({exc})"))
            return
        for path in paths:
            try:
                data = read_provider_toml(path)
            except ProviderError as exc:
                self._skip(exc)
                continue
            except Exception as exc:  # one file never stops the others
                self._skip(unexpected(path.name, exc))
                continue
            tables.append((path, data))
            if isinstance(data.get("id"), str) and "extends" not in data:
                self.raw[data["id"]] = data
        # Files that extend another come last so their base is already known.
        tables.sort(key=lambda item: "extends" in item[1])
        loaded_here: dict[str, str] = {}
        for path, data in tables:
            try:
                merged = resolve_extends(data, path.name, self.raw)
                provider = parse_provider(merged, file=path.name, source=str(path),
                                          builtin=builtin)
            except ProviderError as exc:
                self._skip(exc)
                continue
            except Exception as exc:  # a check we missed: skipped, not fatal
                self._skip(unexpected(path.name, exc))
                continue
            if provider.id in loaded_here:
                self._skip(ProviderError(path.name, "id", f"{provider.id!r} is already defined "
                                         f"by {loaded_here[provider.id]}; this file is ignored"))
                continue
            loaded_here[provider.id] = path.name
            if provider.id in self.providers and not builtin:
                log.info("%s replaces the built-in provider %r", path, provider.id)
            self.providers[provider.id] = provider

    def _skip(self, exc: ProviderError) -> None:
        log.warning("provider file skipped: %s", exc)
        self.problems.append(exc)


def unexpected(file: str, exc: Exception) -> ProviderError:
    """A failure no check of the loader names, as a report like the others (and logged in
    full, so it can be turned into a proper check)."""
    log.debug("provider file %s could not be loaded", file, exc_info=exc)  # never on stderr
    reason = str(exc).splitlines()[0][:200] if str(exc) else ""
    return ProviderError(file, "", f"cannot be loaded ({type(exc).__name__}"
                         + (f": {reason})" if reason else ")"))


def load_registry(user_dir: Path | None = None) -> ProviderRegistry:
    """Built-in providers, then the user's (``<config>/providers/*.toml``) on top."""
    registry = ProviderRegistry()
    registry.add_dir(BUILTIN_DIR, builtin=True)
    if user_dir is None:
        from desktop.core.paths import user_providers_dir

        try:
            user_dir = user_providers_dir()
        except OSError as exc:  # "providers" is a file, or the folder cannot be made
            registry._skip(ProviderError("providers", "", f"cannot be used as the folder of "
                                         f"your provider files ({exc.strerror or exc})"))
            return registry
    registry.add_dir(user_dir, builtin=False)
    return registry

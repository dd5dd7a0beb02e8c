"""Choosing a profile on the command line, as ``switchboard check`` does, for run and export.

``--profile NAME`` takes a saved profile and its secrets from the keychain;
``--provider ID [--base-url URL]`` builds one with secrets from the
SWITCHBOARD_* environment variables, which also fill in (or replace) a saved
profile's secrets. ``--provider sandbox`` without a base URL starts the
built-in sandbox for the duration of the command. ``check``, ``run`` and
``collections export`` all choose their profile here.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

ENV_SECRETS = {
    "client_secret": "SWITCHBOARD_CLIENT_SECRET",
    "api_key": "SWITCHBOARD_API_KEY",
    "token": "SWITCHBOARD_TOKEN",
    "webhook_secret": "SWITCHBOARD_WEBHOOK_SECRET",
}


class UsageError(Exception):
    """Bad arguments: reported on stderr, exit 2."""


@dataclass(slots=True)
class Chosen:
    profile: Any
    provider: Any
    secrets: dict[str, str]


def add_arguments(parser: argparse.ArgumentParser, *, sandbox: bool = True) -> None:
    parser.add_argument("--profile", metavar="NAME", help="a saved profile (secrets from the "
                        "keychain)")
    parser.add_argument("--provider", metavar="ID", help="provider id, with secrets in "
                        "SWITCHBOARD_CLIENT_ID, _CLIENT_SECRET, _API_KEY, _TOKEN")
    parser.add_argument("--base-url", metavar="URL", help="API base URL (the sandbox provider "
                        "starts its own sandbox when omitted)")
    parser.add_argument("--environment", metavar="E", help="environment id (default: the "
                        "provider's first)")
    parser.add_argument("--region", metavar="R", help="region id")
    parser.add_argument("--set", dest="settings", metavar="NAME=VALUE", action="append",
                        default=[], help="a setting or {{variable}} value (repeatable)")
    if sandbox:
        parser.add_argument("--sandbox-fault", metavar="NAME", action="append", default=[],
                            help="with the built-in sandbox: turn this fault on")


def choose(args: argparse.Namespace, registry: Any = None) -> Chosen:
    """The profile, provider and secrets the arguments name; raises UsageError."""
    from desktop.core.profiles import Profile, ProfileStore

    if registry is None:
        from desktop.core.provider import load_registry

        registry = load_registry()
    if args.profile:
        from desktop.core.paths import config_dir
        from desktop.core.secrets import SecretStore

        store = ProfileStore(config_dir() / "profiles.json")
        store.load()
        if store.load_problem:  # once: the file is set aside or cleaned as it is reported
            print(f"switchboard: {store.load_problem}", file=sys.stderr)
        profile = store.get(args.profile)
        if profile is None:
            names = ", ".join(store.names()) or "none saved yet"
            raise UsageError(f"no profile named {args.profile!r} (profiles: {names})")
        provider = registry.get(profile.provider)
        if provider is None:
            raise UsageError(f"profile {args.profile!r} uses unknown provider "
                             f"{profile.provider!r}")
        secrets = saved_secrets(profile, provider, SecretStore(), args.profile)
        if args.base_url:
            profile = replace(profile, base_url=args.base_url)
        return Chosen(_with_settings(profile, args.settings), provider, secrets)
    if not args.provider:
        raise UsageError("give --profile NAME, or --provider ID (with --base-url URL unless "
                         "the provider has fixed hosts)")
    provider = registry.get(args.provider)
    if provider is None:
        raise UsageError(f"unknown provider {args.provider!r} (known: "
                         f"{', '.join(sorted(registry.providers))})")
    environment = provider.environment(args.environment) if args.environment else \
        provider.environments[0]
    if environment is None:
        raise UsageError(f"{provider.id} has no environment {args.environment!r} (known: "
                         f"{', '.join(e.id for e in provider.environments)})")
    if args.region and environment.region(args.region) is None:
        known = ", ".join(r.id for r in environment.regions) or "none"
        raise UsageError(f"{provider.id} {environment.id} has no region {args.region!r} "
                         f"(known: {known})")
    base_url = args.base_url or environment.base_url_for(args.region) or ""
    if not base_url and not provider.sandbox:
        raise UsageError(f"{provider.name} has no fixed host for {environment.name}: give "
                         "--base-url")
    settings = dict(provider.setting_defaults())
    if os.environ.get("SWITCHBOARD_CLIENT_ID"):
        settings["client_id"] = os.environ["SWITCHBOARD_CLIENT_ID"]
    profile = Profile(name=f"{provider.id} (command line)", provider=provider.id,
                      environment=environment.id, region=args.region, base_url=base_url,
                      settings=settings)
    secrets = {kind: os.environ.get(var, "") for kind, var in ENV_SECRETS.items()}
    return Chosen(_with_settings(profile, args.settings), provider, secrets)


def saved_secrets(profile: Any, provider: Any, keychain: Any, name: str) -> dict[str, str]:
    """A saved profile's secrets: the keychain's, with SWITCHBOARD_* variables taking over.

    Without an OS keychain nothing outlives the window that was given a secret, so a
    needed secret missing then is said plainly, with the variable that supplies it.
    """
    from desktop.core.profile_checks import secret_kinds
    from desktop.core.secrets import SecretKind

    secrets = {kind.value: keychain.get(profile.id, kind) or "" for kind in SecretKind}
    for kind, variable in ENV_SECRETS.items():
        if os.environ.get(variable):
            secrets[kind] = os.environ[variable]
    missing = [kind for kind in secret_kinds(provider) if not secrets.get(kind.value)]
    if missing and not keychain.status.available:
        nouns = " and ".join(kind.noun for kind in missing)
        variables = " and ".join(ENV_SECRETS[kind.value] for kind in missing)
        raise UsageError(
            f"profile {name!r} has no {nouns} here: this machine has no OS keychain (on "
            "Linux: a Secret Service such as GNOME Keyring), so Switchboard could not keep "
            f"it. Supply it for this run in the environment variable {variables}, which "
            "--profile reads before the keychain.")
    return secrets


def _with_settings(profile: Any, items: list[str]) -> Any:
    settings = dict(profile.settings)
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set takes NAME=VALUE, got {item!r}")
        settings[name.strip()] = value
    return replace(profile, settings=settings)


def is_production(chosen: Chosen) -> bool:
    environment = chosen.provider.environment(chosen.profile.environment)
    return bool(environment is not None and environment.production)


@asynccontextmanager
async def sandbox_if_needed(chosen: Chosen, args: argparse.Namespace) -> Any:
    """Start the built-in sandbox when the profile is the sandbox's and has no base URL."""
    faults = getattr(args, "sandbox_fault", [])
    if not (chosen.provider.sandbox and not chosen.profile.base_url):
        if faults:
            raise UsageError("--sandbox-fault needs the built-in sandbox: --provider sandbox "
                             "without --base-url")
        yield None
        return
    from desktop.sandbox.faults import FAULT_NAMES
    from desktop.sandbox.server import Sandbox

    unknown = [name for name in faults if name not in FAULT_NAMES]
    if unknown:
        raise UsageError(f"unknown sandbox fault {unknown[0]!r} (known: "
                         f"{', '.join(FAULT_NAMES)})")
    sandbox = Sandbox(faults=list(faults))
    await sandbox.start(host="127.0.0.1", port=0)
    try:
        chosen.profile = replace(chosen.profile, base_url=sandbox.url, settings={
            **chosen.profile.settings,
            "client_id": chosen.profile.settings.get("client_id") or sandbox.config.client_id})
        chosen.secrets["client_secret"] = chosen.secrets.get("client_secret") or \
            sandbox.config.client_secret
        chosen.secrets["webhook_secret"] = chosen.secrets.get("webhook_secret") or \
            sandbox.config.webhook_secret
        yield sandbox
    finally:
        await sandbox.stop()


def session_for(chosen: Chosen, exchanges: list[Any]) -> Any:
    """The profile's one client, in a session whose Exchanges land in ``exchanges``."""
    from desktop.core.secrets import SecretKind
    from desktop.core.sessions import ProfileSession

    secrets = chosen.secrets
    return ProfileSession(chosen.profile, chosen.provider,
                          lambda kind: secrets.get(SecretKind(kind).value) or None,
                          on_exchange=exchanges.append, journal_name="command-line")

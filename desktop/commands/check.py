"""`switchboard check`: run a provider's checklist headless, as the window does.

Either a saved profile (`--profile NAME`, secrets from the keychain) or a
provider and base URL with secrets from the environment
(SWITCHBOARD_CLIENT_ID / _CLIENT_SECRET / _API_KEY / _WEBHOOK_SECRET).
Exit 0 when no step failed, 1 when one did, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import replace
from typing import Any

ENV_SECRETS = {
    "client_secret": "SWITCHBOARD_CLIENT_SECRET",
    "api_key": "SWITCHBOARD_API_KEY",
    "token": "SWITCHBOARD_TOKEN",
    "webhook_secret": "SWITCHBOARD_WEBHOOK_SECRET",
}


class UsageError(Exception):
    """Bad arguments: reported on stderr, exit 2."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run a provider's debugging checklist and explain the first failure",
        description="Run a provider's checklist in its documented order. With --profile, use a "
        "saved profile; otherwise give --provider (and --base-url unless the provider has "
        "fixed hosts) and pass secrets in SWITCHBOARD_CLIENT_ID, SWITCHBOARD_CLIENT_SECRET, "
        "SWITCHBOARD_API_KEY, SWITCHBOARD_WEBHOOK_SECRET. Exit 0: no step failed; 1: a step "
        "failed; 2: usage error.",
    )
    parser.add_argument("--profile", metavar="NAME", help="a saved profile")
    parser.add_argument("--provider", metavar="ID", help="provider id (see `switchboard "
                        "providers list`)")
    parser.add_argument("--base-url", metavar="URL", help="API base URL (the sandbox provider "
                        "starts its own sandbox when omitted)")
    parser.add_argument("--environment", metavar="E", help="environment id (default: the "
                        "provider's first)")
    parser.add_argument("--region", metavar="R", help="region id")
    parser.add_argument("--recipient", metavar="E164", help="test recipient for send steps")
    parser.add_argument("--set", dest="settings", metavar="NAME=VALUE", action="append",
                        default=[], help="a provider setting, e.g. --set send_from=num_123")
    parser.add_argument("--webhook-host", metavar="H", help="receiver address (default "
                        "127.0.0.1)")
    parser.add_argument("--webhook-port", metavar="N", type=int, help="receiver port "
                        "(default: a free one)")
    parser.add_argument("--webhook-wait", metavar="SECONDS", type=float,
                        help="how long the webhook step waits (default: the provider's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--bundle", metavar="FILE.zip", help="write the redacted diagnostic "
                        "bundle of the run")
    parser.add_argument("--sandbox-fault", metavar="NAME", action="append", default=[],
                        help="with the built-in sandbox (--provider sandbox, no --base-url): "
                        "turn this fault on, e.g. bad_secret (see `switchboard sandbox --help`)")
    parser.add_argument("--yes", action="store_true", help="confirm sending a real message on "
                        "a production profile")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_check(args))
    except UsageError as exc:
        print(f"switchboard check: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("switchboard check: interrupted", file=sys.stderr)
        return 130


def _profile_and_secrets(args: argparse.Namespace) -> tuple[Any, Any, dict[str, str]]:
    from desktop.core.profiles import Profile, ProfileStore
    from desktop.core.provider import load_registry

    registry = load_registry()
    if args.profile:
        from desktop.core.paths import config_dir
        from desktop.core.secrets import SecretKind, SecretStore

        store = ProfileStore(config_dir() / "profiles.json")
        store.load()
        profile = store.get(args.profile)
        if profile is None:
            names = ", ".join(store.names()) or "none saved yet"
            raise UsageError(f"no profile named {args.profile!r} (profiles: {names})")
        provider = registry.get(profile.provider)
        if provider is None:
            raise UsageError(f"profile {args.profile!r} uses unknown provider "
                             f"{profile.provider!r}")
        keychain = SecretStore()
        secrets = {kind.value: keychain.get(profile.id, kind) or "" for kind in SecretKind}
        return _apply_overrides(profile, args), provider, secrets
    if not args.provider:
        raise UsageError("give --profile NAME, or --provider ID with --base-url URL")
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
    settings = {**provider.setting_defaults()}
    if os.environ.get("SWITCHBOARD_CLIENT_ID"):
        settings["client_id"] = os.environ["SWITCHBOARD_CLIENT_ID"]
    profile = Profile(name=f"{provider.id} (command line)", provider=provider.id,
                      environment=environment.id, region=args.region, base_url=base_url,
                      settings=settings)
    secrets = {kind: os.environ.get(var, "") for kind, var in ENV_SECRETS.items()}
    return _apply_overrides(profile, args), provider, secrets


def _apply_overrides(profile: Any, args: argparse.Namespace) -> Any:
    from desktop.core.profiles import WebhookSettings

    settings = dict(profile.settings)
    for item in args.settings:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--set takes NAME=VALUE, got {item!r}")
        settings[name.strip()] = value
    if args.recipient is not None:
        settings["recipient"] = args.recipient
    webhook = profile.webhook
    if args.webhook_host or args.webhook_port is not None:
        host = args.webhook_host or webhook.host
        webhook = WebhookSettings(
            host=host, port=args.webhook_port if args.webhook_port is not None else webhook.port,
            allow_all_interfaces=host not in ("127.0.0.1", "localhost", "::1"),
            public_url=webhook.public_url, failure_status=webhook.failure_status)
    return replace(profile, settings=settings, webhook=webhook)


async def _check(args: argparse.Namespace) -> int:
    from desktop.core.checklist.harness import build_engine, needs_receiver
    from desktop.core.checklist.model import RunFinished, StepFinished, StepStatus, StepWaiting
    from desktop.core.checklist.report import finding_lines, run_json, step_line
    from desktop.core.secrets import SecretKind
    from desktop.core.sessions import ProfileSession

    if args.webhook_wait is not None and args.webhook_wait <= 0:
        raise UsageError("--webhook-wait must be a positive number of seconds")
    profile, provider, secrets = _profile_and_secrets(args)
    if args.sandbox_fault and not (provider.sandbox and not args.base_url):
        raise UsageError("--sandbox-fault needs the built-in sandbox: --provider sandbox "
                         "without --base-url")
    sandbox = None
    if provider.sandbox and not args.base_url and not profile.base_url:
        from desktop.sandbox.faults import FAULT_NAMES
        from desktop.sandbox.server import Sandbox

        unknown = [name for name in args.sandbox_fault if name not in FAULT_NAMES]
        if unknown:
            raise UsageError(f"unknown sandbox fault {unknown[0]!r} (known: "
                             f"{', '.join(FAULT_NAMES)})")
        sandbox = Sandbox(faults=args.sandbox_fault)
        await sandbox.start(host="127.0.0.1", port=0)
        profile = replace(profile, base_url=sandbox.url, settings={
            **profile.settings, "client_id": profile.settings.get("client_id")
            or sandbox.config.client_id,
            "recipient": profile.settings.get("recipient") or "+14155550123"})
        secrets.setdefault("client_secret", "")
        secrets["client_secret"] = secrets["client_secret"] or sandbox.config.client_secret
        secrets["webhook_secret"] = secrets.get("webhook_secret") or sandbox.config.webhook_secret
    exchanges: list[Any] = []
    waiting_shown: set[str] = set()
    out = sys.stdout

    async def confirm(request: Any) -> bool:
        if args.yes:
            return True
        print(f"refusing to send a real message on {request.provider} {request.environment} "
              f"to {request.recipient} from {request.sender} without --yes", file=sys.stderr)
        return False

    session = ProfileSession(profile, provider,
                             lambda kind: secrets.get(SecretKind(kind).value) or None,
                             on_exchange=exchanges.append, journal_name="command-line")
    try:
        receiver_url = None
        if needs_receiver(provider):
            receiver_url = (await session.start_receiver()).url
            if sandbox is not None and receiver_url:
                sandbox.configure(webhook_url=receiver_url.rstrip("/") + "/webhooks")
        if not args.json:
            region = f" · {profile.region}" if profile.region else ""
            print(f"{provider.name} · {profile.environment}{region} · {profile.base_url}",
                  file=out)
            if receiver_url:
                print(f"webhook receiver listening on {receiver_url}", file=out)
        engine = build_engine(session.client,
                              webhooks=session.correlator() if receiver_url else None,
                              confirm=confirm, webhook_timeout=args.webhook_wait)
        run = None
        async for event in engine.run():
            if isinstance(event, StepWaiting) and not args.json:
                key = f"{event.result.step.id}:{event.reason.split(':')[0]}"
                if key not in waiting_shown:
                    waiting_shown.add(key)
                    print(f"  … {event.reason}", file=sys.stderr)
            elif isinstance(event, StepFinished) and not args.json:
                print(step_line(event.result), file=out, flush=True)
                finding = event.result.finding
                if finding is not None and event.result.status in (StepStatus.FAIL,
                                                                   StepStatus.WARN):
                    print("\n".join(finding_lines(finding, said=event.result.summary)),
                          file=out, flush=True)
            elif isinstance(event, RunFinished):
                run = event.run
        assert run is not None
        if args.bundle:
            from desktop.commands.bundle_writer import write_run_bundle

            path = await write_run_bundle(args.bundle, run, exchanges, session, profile,
                                          provider, secrets)
            if not args.json:
                print(f"bundle written to {path}", file=out)
    finally:
        await session.aclose()
        if sandbox is not None:
            await sandbox.stop()
    if args.json:
        print(json.dumps(run_json(run), indent=2, ensure_ascii=False), file=out)
    else:
        print("ok: no step failed" if run.ok else f"failed at step “{run.failed.step.id}”",
              file=out)
    return 0 if run.ok else 1

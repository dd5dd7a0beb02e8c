"""`switchboard check`: run a provider's checklist headless, as the window does.

Either a saved profile (`--profile NAME`, secrets from the keychain) or a
provider and base URL with secrets from the environment
(SWITCHBOARD_CLIENT_ID / _CLIENT_SECRET / _API_KEY / _WEBHOOK_SECRET).
Exit 0 when no step failed, 1 when one did (or the check could not finish),
2 on usage errors.

Everything it prints, on stdout and stderr, and everything it logs, passes
through the one redactor, which knows the profile's secrets and every
access token acquired during the run: a server that echoes the client
secret in an error body, or a base URL with a password in it, must not put
either in a CI log.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop.commands.profile_args import ENV_SECRETS, UsageError

if TYPE_CHECKING:
    from desktop.core.checklist.report import RedactedOutput

log = logging.getLogger(__name__)

__all__ = ["ENV_SECRETS", "UsageError", "register", "run"]


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
                        "127.0.0.1; any other than loopback needs --allow-all-interfaces)")
    parser.add_argument("--webhook-port", metavar="N", type=int, help="receiver port, 1-65535 "
                        "(default: a free one)")
    parser.add_argument("--allow-all-interfaces", action="store_true",
                        help="required to bind the webhook receiver to an address other than "
                        "loopback (e.g. 0.0.0.0)")
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
    from desktop.core.checklist.report import RedactedOutput

    output = RedactedOutput({kind: os.environ.get(var) for kind, var in ENV_SECRETS.items()})
    try:
        _check_arguments(args)
    except UsageError as exc:  # before any log or network: nothing to clean up
        output.err(f"switchboard check: {exc}")
        return 2
    from desktop.core.logsetup import command_logging

    with command_logging(output.log_filter()) as log_path:
        try:
            return asyncio.run(_check(args, output))
        except UsageError as exc:
            output.err(f"switchboard check: {exc}")
            return 2
        except KeyboardInterrupt:
            output.err("switchboard check: interrupted")
            return 130
        except Exception as exc:  # a traceback could quote a secret: one redacted line instead
            log.exception("switchboard check could not finish")
            where = f" (details in {log_path})" if log_path else ""
            output.err(f"switchboard check: could not finish: {type(exc).__name__}: "
                       f"{str(exc)[:300]}{where}")
            return 1


def _check_arguments(args: argparse.Namespace) -> None:
    """What can be judged before anything starts: a bundle that could never be written, a
    port no receiver can have, an address that exposes the receiver without the opt-in."""
    if args.webhook_wait is not None and not (math.isfinite(args.webhook_wait)
                                              and args.webhook_wait > 0):
        raise UsageError("--webhook-wait must be a positive number of seconds")
    if args.webhook_port is not None and not 0 <= args.webhook_port <= 65535:
        raise UsageError(f"--webhook-port must be between 1 and 65535 (0: a free one), not "
                         f"{args.webhook_port}")
    if args.webhook_host is not None:
        from desktop.core.webhooks.receiver import is_loopback

        host = args.webhook_host.strip()
        if not host:
            raise UsageError("--webhook-host is empty")
        if not is_loopback(host) and not args.allow_all_interfaces:
            raise UsageError(f"--webhook-host {host} exposes the webhook receiver beyond this "
                             "computer: add --allow-all-interfaces to mean it")
    if args.base_url:
        _check_base_url(args.base_url)
    if args.bundle is not None:
        _check_bundle_path(args.bundle)


def _check_base_url(url: str) -> None:
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise UsageError(f"--base-url is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError("--base-url must be an http:// or https:// URL with a host")
    try:
        urlsplit(url).port  # noqa: B018 - raises for a port out of range
    except ValueError as exc:
        raise UsageError(f"--base-url is not a valid URL: {exc}") from None


def _check_bundle_path(value: str) -> None:
    """The bundle is written after the run: a path it cannot go to is said now, not then."""
    import tempfile

    if not value.strip():
        raise UsageError("--bundle needs a file name, e.g. run.zip")
    path = Path(value).expanduser()
    if path.is_dir():
        raise UsageError(f"--bundle {value}: is a folder; give a file name, e.g. "
                         f"{path / 'run.zip'}")
    folder = path.parent
    if not folder.exists():
        raise UsageError(f"--bundle {value}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"--bundle {value}: {folder} is not a folder")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"--bundle {value}: the file exists and cannot be written")
    try:  # the writer puts a temporary file next to the target, then renames it
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".switchboard-check-",
                                         suffix=".probe"):
            pass
    except OSError as exc:
        raise UsageError(f"--bundle {value}: cannot write in {folder} "
                         f"({exc.strerror or type(exc).__name__})") from None


def _profile_and_secrets(args: argparse.Namespace) -> tuple[Any, Any, dict[str, str]]:
    from desktop.commands.profile_args import choose

    chosen = choose(args)
    return _apply_overrides(chosen.profile, args), chosen.provider, chosen.secrets


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
        host = (args.webhook_host or "").strip() or webhook.host
        webhook = WebhookSettings(
            host=host, port=args.webhook_port if args.webhook_port is not None else webhook.port,
            # the opt-in is the flag (checked up front), or the profile's own for its host
            allow_all_interfaces=args.allow_all_interfaces or (
                webhook.allow_all_interfaces and host == webhook.host),
            public_url=webhook.public_url, failure_status=webhook.failure_status)
    return replace(profile, settings=settings, webhook=webhook)


async def _check(args: argparse.Namespace, output: RedactedOutput) -> int:
    from desktop.core.checklist.harness import build_engine, needs_receiver
    from desktop.core.checklist.model import RunFinished, StepFinished, StepStatus, StepWaiting
    from desktop.core.checklist.report import run_json
    from desktop.core.secrets import SecretKind
    from desktop.core.sessions import ProfileSession

    profile, provider, secrets = _profile_and_secrets(args)
    output.know(secrets, provider.secret_patterns)
    if profile.base_url and not args.base_url:
        _check_base_url(profile.base_url)
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
        output.know(secrets, provider.secret_patterns)
    exchanges: list[Any] = []
    waiting_shown: set[str] = set()

    async def confirm(request: Any) -> bool:
        if args.yes:
            return True
        output.err(f"refusing to send a real message on {request.provider} "
                   f"{request.environment} to {request.recipient} from {request.sender} "
                   "without --yes")
        return False

    session = ProfileSession(profile, provider,
                             lambda kind: secrets.get(SecretKind(kind).value) or None,
                             on_exchange=exchanges.append, journal_name="command-line")
    session.secret_learned.connect(output.learn)
    try:
        receiver_url = None
        if needs_receiver(provider):
            receiver_url = await _start_receiver(session)
            if sandbox is not None and receiver_url:
                sandbox.configure(webhook_url=receiver_url.rstrip("/") + "/webhooks")
        if not args.json:
            region = f" · {profile.region}" if profile.region else ""
            output.out(f"{provider.name} · {profile.environment}{region} · {profile.base_url}")
            if receiver_url:
                output.out(f"webhook receiver listening on {receiver_url}")
        engine = build_engine(session.client,
                              webhooks=session.correlator() if receiver_url else None,
                              confirm=confirm, webhook_timeout=args.webhook_wait)
        run = None
        async for event in engine.run():
            if isinstance(event, StepWaiting) and not args.json:
                key = f"{event.result.step.id}:{event.reason.split(':')[0]}"
                if key not in waiting_shown:
                    waiting_shown.add(key)
                    output.err(f"  … {event.reason}")
            elif isinstance(event, StepFinished) and not args.json:
                output.out_step(event.result, with_finding=event.result.status in (
                    StepStatus.FAIL, StepStatus.WARN))
            elif isinstance(event, RunFinished):
                run = event.run
        assert run is not None
        if args.bundle:
            from desktop.commands.bundle_writer import write_run_bundle

            path = await write_run_bundle(args.bundle, run, exchanges, session, profile,
                                          provider, secrets)
            if not args.json:
                output.out(f"bundle written to {path}")
    finally:
        await session.aclose()
        if sandbox is not None:
            await sandbox.stop()
    if args.json:
        output.out_json(run_json(run))
    else:
        output.out("ok: no step failed" if run.ok else
                   f"failed at step “{run.failed.step.id}”")
    return 0 if run.ok else 1


async def _start_receiver(session: Any) -> str | None:
    """The receiver listens before the run; an address it cannot have is a usage error."""
    settings = session.profile.webhook
    try:
        return (await session.start_receiver()).url
    except ValueError as exc:
        raise UsageError(f"the webhook receiver cannot listen: {exc}") from None
    except OSError as exc:
        where = f"{settings.host}:{settings.port}" if settings.port else settings.host
        reason = ("the port is already in use" if _in_use(exc)
                  else exc.strerror or str(exc) or type(exc).__name__)
        raise UsageError(f"the webhook receiver cannot listen on {where}: {reason} "
                         "(--webhook-host/--webhook-port)") from None


def _in_use(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or \
        "in use" in str(exc).lower()

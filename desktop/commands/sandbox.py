"""``switchboard sandbox``: run the simulated messaging API on its own.

For curl sessions, for a second process that drives the admin endpoint,
and for trying a real client against every documented failure without an
account. It prints the base URL first, then the demo credentials and the
faults, and stops cleanly on Ctrl+C or SIGTERM (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import signal
import sys
from typing import TYPE_CHECKING

from desktop.sandbox.faults import DEFAULT_FAULTS, FAULT_NAMES, FAULTS, Faults
from desktop.sandbox.ratelimit import RATELIMIT_FAMILIES

if TYPE_CHECKING:
    from desktop.sandbox.config import SandboxConfig
    from desktop.sandbox.server import Sandbox
    from desktop.sandbox.state import SentMessage, WebhookDelivery

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FAMILIES_HELP = ", ".join(RATELIMIT_FAMILIES)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run the simulated messaging API (no account needed)",
        description="Run the Sandbox: a local simulated Red Cloud–shaped API with fault "
        "switches. Flip faults at runtime with PUT /__sandbox/faults. See docs/sandbox.md.",
        epilog="faults: " + "; ".join(f"{f.name}: {f.description}" for f in FAULTS),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    parser.add_argument(
        "--fault",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="turn a fault on at start (repeatable): " + ", ".join(FAULT_NAMES),
    )
    parser.add_argument(
        "--no-fault",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="turn a default fault off at start (e.g. reject_missing_idempotency)",
    )
    parser.add_argument("--webhook-url", help="where to POST signed lifecycle webhooks")
    parser.add_argument(
        "--webhook-secret-env",
        metavar="VAR",
        help="read the webhook signing secret from this environment variable "
        "(default: the public demo secret)",
    )
    parser.add_argument("--ratelimit-family", metavar="F", help=f"one of: {FAMILIES_HELP}")
    parser.add_argument("--ratelimit-limit", type=int, metavar="N", help="requests per window")
    parser.add_argument("--ratelimit-window", type=int, metavar="S", help="window in seconds")
    parser.add_argument(
        "--latency",
        type=float,
        metavar="S",
        help="seconds each API response waits while the `slow` fault is on (2.0)",
    )
    shapes = parser.add_argument_group(
        "shapes", "what the providers' documentation leaves open, served either way (a "
        "client must handle every variant; see docs/sandbox.md#shapes)")
    shapes.add_argument("--token-status", type=int, choices=(200, 201), metavar="{200,201}",
                        help="status of a successful token response (200)")
    shapes.add_argument("--token-no-expires-in", action="store_true",
                        help="leave expires_in out of token responses")
    shapes.add_argument("--webhook-shape", choices=("nested", "flat"),
                        help="messageId under data (nested, the default) or at the top level "
                        "of each webhook event (flat)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        _err(f"--port must be between 0 and 65535, not {args.port}")
        return EXIT_USAGE
    unknown = [name for name in [*args.fault, *args.no_fault] if name not in FAULT_NAMES]
    if unknown:
        _err(f"unknown fault {unknown[0]!r}; valid faults: {', '.join(FAULT_NAMES)}")
        return EXIT_USAGE
    config = _config_from(args)
    if isinstance(config, str):
        _err(config)
        return EXIT_USAGE
    enabled = (DEFAULT_FAULTS | set(args.fault)) - set(args.no_fault)
    try:
        return asyncio.run(_serve(args.host, args.port, config, enabled))
    except KeyboardInterrupt:  # where signal handlers are unavailable (Windows)
        return EXIT_OK


def _config_from(args: argparse.Namespace) -> SandboxConfig | str:
    """The config the flags ask for, or the message explaining why it is invalid."""
    from desktop.sandbox.config import SandboxConfig

    changes: dict[str, object] = {}
    if args.webhook_url is not None:
        changes["webhook_url"] = args.webhook_url
    if args.webhook_secret_env is not None:
        secret = os.environ.get(args.webhook_secret_env)
        if not secret:
            return f"environment variable {args.webhook_secret_env} is not set or empty"
        changes["webhook_secret"] = secret
    if args.token_no_expires_in:
        changes["token_expires_in"] = False
    for flag in ("ratelimit_family", "ratelimit_limit", "ratelimit_window", "latency",
                 "token_status", "webhook_shape"):
        value = getattr(args, flag)
        if value is not None:
            changes[flag] = value
    try:
        return SandboxConfig(**changes)  # type: ignore[arg-type]
    except ValueError as exc:
        return str(exc)


async def _serve(host: str, port: int, config: SandboxConfig, enabled: set[str]) -> int:
    from desktop.sandbox.server import Sandbox

    sandbox = Sandbox(config, faults=Faults(enabled))
    try:
        url = await sandbox.start(host, port)
    except OSError as exc:
        _err(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    try:
        _print_banner(sandbox, url, host)
        sandbox.state.recorded.connect(_print_record)
        sandbox.changed.connect(
            lambda what: _say(f"{what} changed; faults on: {_names(sandbox.faults.enabled())}")
        )
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await sandbox.stop()
    _say("Sandbox stopped.")
    return EXIT_OK


def _print_banner(sandbox: Sandbox, url: str, host: str) -> None:
    from desktop.sandbox.config import DEMO_CLIENT_SECRET

    config = sandbox.config
    _say(f"Sandbox running at {url}")
    _say(f"  token endpoint: POST {url}/api/auth/token")
    _say(f"  client_id:      {config.client_id}")
    lifetime = "with expires_in" if config.token_expires_in else "without expires_in"
    _say(f"  token answer:   {config.token_status}, {lifetime}; webhooks "
         f"{config.webhook_shape} (messageId {_PLACES[config.webhook_shape]})")
    if config.client_secret == DEMO_CLIENT_SECRET:
        _say(f"  client_secret:  {DEMO_CLIENT_SECRET} (public demo value, see docs/sandbox.md)")
    _say(f"  webhooks:       {config.webhook_url or 'not configured (--webhook-url)'}")
    _say(
        f"  rate limit:     {config.ratelimit_limit} per {config.ratelimit_window} s, "
        f"headers: {config.ratelimit_family}"
    )
    _say(f"  admin:          {url}/__sandbox")
    _say(f"  faults on:      {_names(sandbox.faults.enabled())}")
    _say(f"  all faults:     {', '.join(FAULT_NAMES)}")
    _say("Press Ctrl+C to stop.")
    if not _is_loopback(host):
        _err(
            f"warning: listening on {host}: the unauthenticated admin endpoint "
            "/__sandbox is reachable from other machines"
        )


def _print_record(record: SentMessage | WebhookDelivery) -> None:
    from desktop.sandbox.state import SentMessage

    if isinstance(record, SentMessage):
        _say(
            f"accepted {record.message_type} {record.message_id} to {record.to} "
            f"from {record.send_from} (webhooks: {record.webhooks})"
        )
        return
    answer = str(record.status) if record.status is not None else record.error
    retry = "" if record.next_retry_in is None else f", retry in {record.next_retry_in:g} s"
    _say(
        f"webhook {record.event_type} #{record.sequence} {record.message_id} "
        f"attempt {record.attempt}: {answer}{retry}"
    )


_PLACES = {"nested": "under data", "flat": "at the top level"}


def _names(names: frozenset[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _say(line: str) -> None:
    print(line, flush=True)


def _err(line: str) -> None:
    print(f"switchboard sandbox: {line}", file=sys.stderr, flush=True)

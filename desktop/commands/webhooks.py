"""`switchboard webhooks`: receive webhooks locally, or check one delivery's signature.

``listen`` runs the same receiver as the window and prints each delivery
as it arrives; ``verify`` checks a saved delivery (headers file + exact
body file) and says why it fails. Exit codes: 0 valid / stopped cleanly,
1 invalid signature or cannot listen, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.webhooks.signatures import SCHEMES

if TYPE_CHECKING:
    from desktop.core.webhooks.events import WebhookEvent
    from desktop.core.webhooks.signatures import HmacOptions

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user typed: exit 2 with the message on stderr."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "webhooks", help="receive webhooks locally or verify a delivery's signature",
        description="Receive webhooks on this computer, or check one delivery's signature.",
    )
    actions = parser.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)

    listen = actions.add_parser(
        "listen", help="receive webhooks and print each one as it arrives",
        description="Start a local webhook receiver and print each delivery as it arrives. "
        "Ctrl+C (or SIGTERM) stops it. Every event is also kept in the webhook journal.",
    )
    listen.add_argument("--host", help="address to bind (default 127.0.0.1)")
    listen.add_argument("--port", type=int, help="port to bind (default 0: a free port)")
    listen.add_argument("--allow-all-interfaces", action="store_true",
                        help="required to bind an address other than loopback (e.g. 0.0.0.0)")
    listen.add_argument("--scheme", choices=(*SCHEMES, "none"),
                        help="signature scheme to check deliveries with")
    listen.add_argument("--secret-env", metavar="VAR",
                        help="environment variable holding the webhook secret")
    listen.add_argument("--tolerance", type=float, metavar="SECONDS",
                        help="accepted timestamp age/skew (default 300)")
    listen.add_argument("--failure-status", type=int, metavar="STATUS",
                        help="status answered when a signature fails (default 401)")
    listen.add_argument("--max-body", type=int, metavar="BYTES",
                        help="largest body accepted; larger ones get 413 (default 1 MiB)")
    listen.add_argument("--public-url", metavar="URL",
                        help="the URL the sender calls (a tunnel's), for schemes that sign it")
    listen.add_argument("--profile", metavar="NAME",
                        help="take host, port, scheme and secret from this profile")
    listen.add_argument("--json", action="store_true", help="print one JSON object per event")
    _add_hmac_options(listen)

    check = actions.add_parser(
        "verify", help="check one delivery's signature (exit 0 valid, 1 invalid)",
        description="Check the signature of a saved delivery: a headers file (one 'Name: "
        "value' per line) and the exact body bytes.",
    )
    check.add_argument("--scheme", required=True, choices=SCHEMES)
    check.add_argument("--secret-env", metavar="VAR", required=True,
                       help="environment variable holding the webhook secret")
    check.add_argument("--headers", metavar="FILE", required=True, type=Path,
                       help="the request's headers, 'Name: value' per line")
    check.add_argument("--body", metavar="FILE", required=True,
                       help="the exact raw body ('-' reads standard input)")
    check.add_argument("--original-body", metavar="FILE", type=Path,
                       help="the body as the sender sent it, to tell 'body altered' from "
                       "'wrong secret'")
    check.add_argument("--url", help="the full URL the sender called (required by twilio)")
    check.add_argument("--at", type=float, metavar="EPOCH_SECONDS",
                       help="judge the timestamp as of this instant (default now)")
    check.add_argument("--tolerance", type=float, metavar="SECONDS", default=300.0,
                       help="accepted timestamp age/skew (default 300)")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    _add_hmac_options(check)
    parser.set_defaults(func=run)


def _add_hmac_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("generic hmac scheme (--scheme hmac)")
    group.add_argument("--header", metavar="NAME", help="signature header (default X-Signature)")
    group.add_argument("--algorithm", choices=("sha1", "sha256", "sha512"))
    group.add_argument("--encoding", choices=("hex", "base64"))
    group.add_argument("--prefix", metavar="P", help="text before the digest, e.g. 'sha256='")
    group.add_argument("--signed", choices=("body", "timestamp.body", "id.timestamp.body"))
    group.add_argument("--timestamp-header", metavar="NAME")
    group.add_argument("--id-header", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    try:
        if args.webhooks_command == "listen":
            return _listen(args)
        return _verify(args)
    except UsageError as error:
        print(f"switchboard webhooks {args.webhooks_command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


# -- shared ------------------------------------------------------------------------------------

_HMAC_FIELDS = ("header", "algorithm", "encoding", "prefix", "signed", "timestamp_header",
                "id_header")


def _hmac_options(args: argparse.Namespace, scheme: str | None) -> HmacOptions | None:
    """The hmac flags as options; None when none was given (the defaults, or a profile's)."""
    given = {name: getattr(args, name) for name in _HMAC_FIELDS if getattr(args, name) is not None}
    if not given:
        return None
    if scheme != "hmac":
        print("note: --header/--algorithm/... apply to --scheme hmac only; ignored.",
              file=sys.stderr)
        return None
    from desktop.core.webhooks.signatures import HmacOptions

    try:
        return HmacOptions(**given)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _secret(var: str | None) -> str | None:
    if var is None:
        return None
    import os

    value = os.environ.get(var)
    if not value:
        raise UsageError(f"environment variable {var} is not set (it should hold the secret)")
    return value


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read the {what} file {path}: {error.strerror or error}") from None


# -- verify ------------------------------------------------------------------------------------

def _verify(args: argparse.Namespace) -> int:
    from desktop.core.webhooks.headerblock import parse_header_block
    from desktop.core.webhooks.signatures import verify

    secret = _secret(args.secret_env)
    options = _hmac_options(args, args.scheme)
    if args.scheme == "twilio" and not args.url:
        raise UsageError("twilio signs the URL it called: pass --url")
    block = parse_header_block(_read(args.headers, "headers").decode("utf-8", "surrogateescape"))
    for problem in block.problems:
        print(f"note: {args.headers}: {problem} (skipped)", file=sys.stderr)
    body = sys.stdin.buffer.read() if args.body == "-" else _read(Path(args.body), "body")
    original = _read(args.original_body, "original body") if args.original_body else None
    result = verify(args.scheme, secret, block.headers, body, url=args.url, at=args.at,
                    tolerance=args.tolerance, options=options, original_body=original)
    if args.json:
        import json

        print(json.dumps(result.to_dict()))
    elif result.ok:
        print(f"valid: {result.message}")
    else:
        print(f"invalid ({result.reason.value}): {result.message}")
        if result.hint:
            print(f"hint: {result.hint}")
    return EXIT_OK if result.ok else EXIT_FAILED


# -- listen ------------------------------------------------------------------------------------

def _listen(args: argparse.Namespace) -> int:
    import asyncio

    settings = _profile_settings(args.profile) if args.profile else {}
    scheme = args.scheme or settings.get("scheme")
    if scheme == "none":
        scheme = None
    if args.scheme not in (None, "none") and not args.secret_env:
        raise UsageError(f"--scheme {scheme} needs --secret-env VAR (the webhook secret)")
    if args.secret_env and scheme is None:
        raise UsageError("--secret-env needs --scheme (how to check the signature)")
    secret = _secret(args.secret_env) if args.secret_env else settings.get("secret")
    if scheme is not None and not secret:  # only a profile can get here without a secret
        print(f"note: profile {args.profile} has no webhook secret in the keychain; every "
              "signature check will report no_secret.", file=sys.stderr)
    options = _hmac_options(args, scheme) or settings.get("options")
    chosen: dict[str, Any] = {
        "host": args.host or settings.get("host") or "127.0.0.1",
        "port": args.port if args.port is not None else settings.get("port", 0),
        "allow_all_interfaces": args.allow_all_interfaces or settings.get("allow_all", False),
        "failure_status": args.failure_status or settings.get("failure_status") or 401,
        "public_url": args.public_url or settings.get("public_url") or None,
        "tolerance": args.tolerance if args.tolerance is not None
        else settings.get("tolerance", 300),
    }
    if args.max_body is not None:
        chosen["max_body"] = args.max_body
    if "fields" in settings:
        chosen["fields"] = settings["fields"]
    try:
        return asyncio.run(_serve(args.json, scheme=scheme, secret=secret, options=options,
                                  **chosen))
    except KeyboardInterrupt:  # where signal handlers are unavailable (Windows)
        return EXIT_OK


def _profile_settings(name: str) -> dict[str, Any]:
    """Receiver settings from a saved profile, or a note and nothing when that is not possible."""
    try:
        from desktop.core.secrets import SecretKind
        from desktop.core.webhooks.events import WebhookFields
        from desktop.core.webhooks.signatures import HmacOptions
        from desktop.core.workspace import Workspace

        workspace = Workspace()
        profile = workspace.profiles.get(name)
        if profile is None:
            known = ", ".join(workspace.profiles.names()) or "none yet"
            raise UsageError(f"no profile named {name!r} (profiles: {known})")
        provider = workspace.provider_for(profile)
        hooks = provider.webhooks if provider is not None else None
        webhook = profile.webhook
        settings: dict[str, Any] = {
            "host": webhook.host, "port": webhook.port,
            "allow_all": webhook.allow_all_interfaces, "public_url": webhook.public_url,
            "failure_status": webhook.failure_status,
        }
        if hooks is not None and hooks.scheme != "none":
            settings.update(
                scheme=hooks.scheme, tolerance=hooks.tolerance,
                fields=WebhookFields.from_scheme(hooks),
                options=HmacOptions.from_mapping(hooks.options) if hooks.scheme == "hmac"
                else None,
                secret=workspace.secrets.get(profile.id, SecretKind.WEBHOOK_SECRET),
            )
        return settings
    except (ImportError, AttributeError, TypeError, ValueError) as error:
        # Profiles are young; a mismatch with this reader must not stop a plain listen.
        print(f"note: --profile {name} ignored ({error}); pass --scheme and --secret-env.",
              file=sys.stderr)
        return {}


async def _serve(as_json: bool, **receiver_args: Any) -> int:
    import asyncio
    import signal

    from desktop.core.webhooks.receiver import WebhookReceiver
    from desktop.core.webhooks.store import WebhookStore

    store = WebhookStore()
    try:
        receiver = WebhookReceiver(store, **receiver_args)
    except ValueError as error:
        raise UsageError(str(error)) from None
    store.added.connect(lambda event: print(_line(event, as_json), flush=True))
    try:
        await receiver.start()
    except OSError as error:
        where = f"{receiver.host}:{receiver_args['port']}"
        print(f"cannot listen on {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises instead
            pass
    checking = f"checking {receiver.scheme} signatures" if receiver.scheme \
        else "not checking signatures (no --scheme)"
    print(f"Listening on {receiver.url} ({checking}); Ctrl+C stops.", file=sys.stderr, flush=True)
    if receiver.warning:
        print(f"warning: {receiver.warning}", file=sys.stderr, flush=True)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(signum)
            except (NotImplementedError, RuntimeError):
                pass
        await receiver.stop()
        store.close()
    print(f"Stopped after {store.count_total} event(s); journal in {store.journal.directory}.",
          file=sys.stderr)
    return EXIT_OK


def _line(event: WebhookEvent, as_json: bool) -> str:
    if as_json:
        import json

        return json.dumps(event.to_dict(mask=True))
    import time

    clock = time.strftime("%H:%M:%S", time.localtime(event.received_at))
    if event.verification is None:
        check = "unchecked"
    elif event.verification.ok:
        check = "signature ok"
    else:
        check = f"signature FAILED: {event.verification.reason.value}"
    if event.truncated:
        check = "refused: body too large"
    facts = [event.event_type or "(no type)"]
    if event.message_id:
        facts.append(f"message {event.message_id}")
    if event.sequence is not None:
        facts.append(f"seq {event.sequence}")
    line = (f"{clock}  {event.method} {event.target}  {'  '.join(facts)}  {check}  "
            f"-> {event.status}  {event.size} B from {event.source}")
    # Whatever a sender put in a path or field must not drive the terminal (escape codes,
    # newlines) nor fail to print (lone surrogates from undecodable bytes).
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)

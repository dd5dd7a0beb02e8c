"""`switchboard webhooks listen`: the window's receiver, headless, printing each delivery.

Every line it prints (text or ``--json``, the journal's record) passes through the
one redactor, which knows the webhook secret: a sender that puts the secret in a
header, the query or the body never gets it onto the terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from desktop.commands.webhooks import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    _hmac_options,
    _redactor,
    _secret,
)

if TYPE_CHECKING:
    from desktop.core.redact import Redactor
    from desktop.core.webhooks.events import WebhookEvent
    from desktop.core.webhooks.journal import Journal


def listen(args: argparse.Namespace) -> int:
    """``switchboard webhooks listen``: serve until Ctrl+C or SIGTERM."""
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
    redactor = _redactor(receiver.secret)
    store.added.connect(lambda event: print(line(event, as_json, redactor, store.journal),
                                            flush=True))
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
    refused = ", ".join(f"{count} {cause}" for cause, count in sorted(receiver.refused.items()))
    print(f"Stopped after {store.count_total} event(s); journal in {store.journal.directory}."
          + (f" Refused by a limit: {refused}." if refused else ""), file=sys.stderr)
    return EXIT_OK


def line(event: WebhookEvent, as_json: bool, redactor: Redactor | None = None,
         journal: Journal | None = None) -> str:
    """One event for the terminal: the journal's record (``--json``) or a line of text,
    either way through the redactor that knows the webhook secret."""
    if redactor is None:
        redactor = _redactor(None)
    if as_json:
        import json

        from desktop.core.webhooks.record import journal_record

        record = journal.record(event) if journal is not None \
            else journal_record(event, redactor)
        body = record.pop("body_b64")  # exact bytes, already searched for known secrets
        return json.dumps({**redactor.redact_json(record), "body_b64": body})
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
    text = redactor.redact_text(
        f"{clock}  {event.method} {event.target}  {'  '.join(facts)}  {check}  "
        f"-> {event.status}  {event.size} B from {event.source}")
    # Whatever a sender put in a path or field must not drive the terminal (escape codes,
    # newlines) nor fail to print (lone surrogates from undecodable bytes).
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)

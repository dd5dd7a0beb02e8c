"""`switchboard webhooks`: receive webhooks locally, or check one delivery's signature.

``listen`` runs the same receiver as the window and prints each delivery
as it arrives; ``verify`` checks a saved delivery (headers file + exact
body file) and says why it fails. Exit codes: 0 valid / stopped cleanly,
1 invalid signature or cannot listen, 2 usage error.

Whatever they print passes through the one redactor, which knows the
webhook secret: a sender that echoes it in a header or a body (or a saved
header that holds it) never gets it onto a terminal or a CI log. ``verify``
reads at most the receiver's body limit from any file, so a huge file or
``/dev/zero`` is a one-line error, not a machine out of memory.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from desktop.core.webhooks.signatures import SCHEMES

if TYPE_CHECKING:
    from desktop.core.redact import Redactor
    from desktop.core.webhooks.events import WebhookEvent
    from desktop.core.webhooks.journal import Journal
    from desktop.core.webhooks.signatures import HmacOptions

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
READ_LIMIT = 1024 * 1024
"""The most ``verify`` reads from a body or headers file: the receiver's body limit."""


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
    listen.add_argument("--tolerance", type=_tolerance, metavar="SECONDS",
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
    check.add_argument("--at", type=_seconds, metavar="EPOCH_SECONDS",
                       help="judge the timestamp as of this instant (default now)")
    check.add_argument("--tolerance", type=_tolerance, metavar="SECONDS", default=300.0,
                       help="accepted timestamp age/skew (default 300)")
    check.add_argument("--max-body", type=int, metavar="BYTES", default=READ_LIMIT,
                       help="largest body (and headers file) read (default 1 MiB, as the "
                       "receiver)")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    _add_hmac_options(check)
    for sub in (listen, check):
        sub.error = _one_line_error(sub)  # type: ignore[method-assign]
    parser.set_defaults(func=run)


def _one_line_error(parser: argparse.ArgumentParser) -> Any:
    """argparse's errors as one line (no usage block): what a CI log or a script can quote."""
    def error(message: str) -> None:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {message} (see --help)\n")
    return error


def _seconds(text: str) -> float:
    """A finite number: nan and inf would make every timestamp check meaningless."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, not {text!r}")
    return value


def _tolerance(text: str) -> float:
    value = _seconds(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text!r}")
    return value


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
            from desktop.commands.webhooks_listen import listen

            return listen(args)
        return _verify(args)
    except UsageError as error:
        line = f"switchboard webhooks {args.webhooks_command}: error: {error}"
        print(_redactor(_env_secret(args)).redact_text(line), file=sys.stderr)
        return EXIT_USAGE


def _redactor(secret: str | bytes | None) -> Redactor:
    """The one redactor, knowing the webhook secret (and shape rules when there is none)."""
    from desktop.core.webhooks.record import finder

    found = finder({"webhook_secret": secret}) if secret else None
    if found is not None:
        return found
    from desktop.core.redact import Redactor

    return Redactor(mask_phones=False)


def _env_secret(args: argparse.Namespace) -> str | None:
    var = getattr(args, "secret_env", None)
    return os.environ.get(var) if var else None


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
    value = os.environ.get(var)
    if not value:
        raise UsageError(f"environment variable {var} is not set (it should hold the secret)")
    return value


def _read(path: Path, what: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file (a usage error past that): /dev/zero, a huge file or
    a FIFO nobody writes to end in bounded time and memory."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO must not wait for a writer
    except OSError as error:
        raise UsageError(f"cannot read the {what} file {path}: {error.strerror or error}") from None
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as file:
            return _read_capped(file, f"the {what} file {path}", limit)
    except OSError as error:
        raise UsageError(f"cannot read the {what} file {path}: {error.strerror or error}") from None
    finally:
        os.close(fd)


def _read_capped(stream: BinaryIO, what: str, limit: int) -> bytes:
    """In 64 KiB pieces: ``read(limit)`` would allocate the whole limit at once."""
    data = bytearray()
    while len(data) <= limit:
        piece = stream.read(min(64 * 1024, limit + 1 - len(data)))
        if not piece:
            return bytes(data)
        data += piece
    raise UsageError(f"{what} is larger than {limit:,} bytes (--max-body raises the limit)")


# -- verify ------------------------------------------------------------------------------------

def _verify(args: argparse.Namespace) -> int:
    from desktop.core.webhooks.headerblock import parse_header_block
    from desktop.core.webhooks.signatures import verify

    limit = args.max_body
    if limit < 0:
        raise UsageError("--max-body must not be negative")
    secret = _secret(args.secret_env)
    options = _hmac_options(args, args.scheme)
    if args.scheme == "twilio" and not args.url:
        raise UsageError("twilio signs the URL it called: pass --url")
    redactor = _redactor(secret)
    text = _read(args.headers, "headers", limit).decode("utf-8", "surrogateescape")
    block = parse_header_block(text)
    for problem in block.problems:
        print(redactor.redact_text(f"note: {args.headers}: {problem} (skipped)"),
              file=sys.stderr)
    if args.body == "-":
        body = _read_capped(sys.stdin.buffer, "the body on standard input", limit)
    else:
        body = _read(Path(args.body), "body", limit)
    original = _read(args.original_body, "original body", limit) if args.original_body \
        else None
    result = verify(args.scheme, secret, block.headers, body, url=args.url, at=args.at,
                    tolerance=args.tolerance, options=options, original_body=original)
    if args.json:
        import json

        print(json.dumps(redactor.redact_json(result.to_dict())))
    elif result.ok:
        print(redactor.redact_text(f"valid: {result.message}"))
    else:
        print(redactor.redact_text(f"invalid ({result.reason.value}): {result.message}"))
        if result.hint:
            print(redactor.redact_text(f"hint: {result.hint}"))
    return EXIT_OK if result.ok else EXIT_FAILED


def _line(event: WebhookEvent, as_json: bool, redactor: Redactor | None = None,
          journal: Journal | None = None) -> str:
    """One event as ``listen`` prints it (see ``webhooks_listen.line``)."""
    from desktop.commands.webhooks_listen import line

    return line(event, as_json, redactor, journal)

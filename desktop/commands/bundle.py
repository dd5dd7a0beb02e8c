"""``switchboard bundle inspect FILE.zip``: check a diagnostic bundle before (or after) sharing it.

Prints the manifest (files, sizes, SHA-256 check, redaction counts) and
re-scans every file for secret-like strings. Exit 0 when clean, 1 when a
file does not match the manifest or something secret-like was found, 2
when the file is not a Switchboard bundle or cannot be inspected within the
limits of ``desktop.core.bundle_read`` (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bundle",
        help="inspect a diagnostic bundle",
        description="Work with Switchboard diagnostic bundles (zip files for support tickets).",
    )
    actions = parser.add_subparsers(dest="bundle_command", metavar="ACTION")
    inspect = actions.add_parser(
        "inspect",
        help="print a bundle's manifest and re-scan its files for secrets",
        description="Print the manifest (files, sizes, SHA-256 check, redaction counts) and "
        "re-scan every file for secret-like strings. Exit 0 when clean, 1 when something "
        "suspicious was found, 2 when FILE is not a Switchboard bundle.",
    )
    inspect.add_argument("file", metavar="FILE.zip", help="the bundle to inspect")
    parser.set_defaults(func=run, bundle_parser=parser)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if getattr(args, "bundle_command", None) != "inspect":
        parser = getattr(args, "bundle_parser", None)
        if parser is not None:
            parser.print_help(out)
        return EXIT_USAGE
    from desktop.core.bundle_read import BundleReadError, inspect_bounded

    try:
        result = inspect_bounded(args.file)
    except BundleReadError as exc:
        print(f"switchboard bundle inspect: {_safe(str(exc))}", file=err)
        return EXIT_USAGE
    except (MemoryError, RecursionError) as exc:  # a limit missed: still one line, never more
        print(f"switchboard bundle inspect: {_safe(args.file)}: cannot be inspected "
              f"({type(exc).__name__})", file=err)
        return EXIT_USAGE
    _print_inspection(result, out)
    return EXIT_OK if result.clean else EXIT_FAILED


def _safe(text: object) -> str:
    """Text from the bundle (names, versions, excerpts) with control characters escaped: a
    hostile bundle must not drive the terminal with escape sequences or fake lines."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _print_inspection(result: Any, out: TextIO) -> None:
    manifest = result.manifest
    exchanges = manifest.get("exchanges") or {}
    print(f"Switchboard bundle {_safe(result.path)}", file=out)
    print(f"  created {_safe(manifest.get('created_at', '?'))} by "
          f"{_safe(manifest.get('app', 'Switchboard'))} "
          f"{_safe(manifest.get('app_version', '?'))}; exchanges: "
          f"{exchanges.get('included', '?')} included, {exchanges.get('excluded', 0)} excluded",
          file=out)
    print("files:", file=out)
    width = min(max((len(_safe(f.name)) for f in result.files), default=10), 60)
    for check in result.files:
        size = "-" if check.size is None else f"{check.size:,} B"
        status = {"ok": "sha256 ok", "mismatch": "SHA-256 MISMATCH", "missing": "MISSING",
                  "unlisted": "not in manifest"}.get(check.status, check.status)
        print(f"  {_safe(check.name):<{width}}  {size:>14}  {status}", file=out)
    excluded = manifest.get("excluded_files") or []
    if excluded:
        print(f"  excluded by the user: {_safe(', '.join(map(str, excluded)))}", file=out)
    redaction = manifest.get("redaction") or {}
    by_kind = redaction.get("by_kind") or {}
    if by_kind:
        counts = _safe(", ".join(f"{kind} {count}" for kind, count in by_kind.items()))
        print(f"redacted: {redaction.get('total', sum(by_kind.values()))} ({counts})", file=out)
    else:
        print("redacted: nothing", file=out)
    if result.suspicions:
        print(f"SUSPICIOUS: {len(result.suspicions)} secret-like string(s) found:", file=out)
        for suspicion in result.suspicions:
            print(f"  {_safe(suspicion)}", file=out)
    else:
        print("scan: no secret-like strings found", file=out)
    bad = [f for f in result.files if f.status != "ok"]
    print("result: " + ("clean" if result.clean else
                        f"NOT clean ({len(result.suspicions)} suspicious, {len(bad)} file "
                        "problem(s))"), file=out)

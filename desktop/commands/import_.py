"""``switchboard import FILE``: bring a Postman, Insomnia, OpenAPI or HAR file in.

The preview (what comes in, what is dropped) is printed first; ``--dry-run``
stops there. Collections are written through the redactor into the library
(``--into NAME`` chooses or creates the collection); a Postman environment
becomes settings of ``--profile NAME``; a HAR's exchanges are explained
(``--provider``) and, with ``--into``, its requests saved. A bad or hostile
file is one line naming the file and the reason, exit 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from desktop.commands.output import pipe_safe

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import a Postman collection or environment, Insomnia v4 export, OpenAPI 3 "
        "document or HAR file",
        description="Import requests from other tools into a Switchboard collection. The "
        "preview (what will come in, what will be dropped) is printed first. Secrets are "
        "never written to a file: credential headers and auth helpers are dropped (the "
        "profile's credentials are used), secret variables are only offered for the keychain.",
    )
    parser.add_argument("file", metavar="FILE", help="the file to import (- for standard "
                        "input)")
    parser.add_argument("--into", metavar="NAME", help="the collection to import into "
                        "(created when missing; default: a new one named after the file)")
    parser.add_argument("--profile", metavar="NAME", help="for a Postman environment: the "
                        "profile whose settings receive its variables")
    parser.add_argument("--provider", metavar="ID", help="for a HAR file: whose catalog "
                        "explains its exchanges (default: generic HTTP knowledge)")
    parser.add_argument("--dry-run", action="store_true", help="print the preview, write "
                        "nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


class UsageError(Exception):
    pass


@pipe_safe
def run(args: argparse.Namespace) -> int:
    from desktop.core.collections import CollectionError, ImportFileError, UnsafeWriteError

    try:
        return _import(args)
    except (UsageError, ImportFileError, CollectionError, UnsafeWriteError) as exc:
        print(f"switchboard import: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug must still be one line, not a traceback
        log.exception("import of %s failed", args.file)
        print(f"switchboard import: {args.file}: could not be imported ({type(exc).__name__})",
              file=sys.stderr)
        return EXIT_USAGE


def _import(args: argparse.Namespace) -> int:
    from desktop.core.collections import (
        CollectionLibrary,
        ImportKind,
        apply_environment,
        apply_to_collection,
        preview_file,
    )
    from desktop.core.collections.safety import default_redactor

    provider = None
    if args.provider:
        from desktop.core.provider import load_registry

        registry = load_registry()
        provider = registry.get(args.provider)
        if provider is None:
            raise UsageError(f"unknown provider {args.provider!r} (known: "
                             f"{', '.join(sorted(registry.providers))})")
    redactor = default_redactor()
    preview = preview_file(args.file, provider=provider)
    environment = preview.kind is ImportKind.POSTMAN_ENVIRONMENT
    if environment and not args.dry_run and not args.profile:
        raise UsageError(f"{args.file} is a Postman environment: give --profile NAME (the "
                         "profile whose settings receive its variables), or --dry-run")
    if args.profile and not environment:
        raise UsageError("--profile is for Postman environments; collections go --into a "
                         "collection")
    har_only = preview.kind is ImportKind.HAR and not args.into
    written: dict[str, Any] | None = None
    if not args.dry_run and not har_only:
        if environment:
            from desktop.core.paths import config_dir
            from desktop.core.profiles import ProfileStore

            store = ProfileStore(config_dir() / "profiles.json")
            store.load()
            if store.load_problem:
                print(f"switchboard: {store.load_problem}", file=sys.stderr)
            result = apply_environment(preview, store, args.profile, redactor=redactor)
            written = {"profile": args.profile, "settings": sorted(preview.variables),
                       "left_out": result.variables_left_out}
        else:
            library = CollectionLibrary(redactor=redactor)
            result = apply_to_collection(preview, library, into=args.into)
            assert result.collection is not None
            written = {"collection": result.collection.name,
                       "path": str(result.collection.root),
                       "requests": [r.path for r in result.saved],
                       "dropped_on_write": result.dropped_on_write,
                       "variables_left_out": result.variables_left_out}
    if args.json:
        print(json.dumps({"preview": preview.to_json(redactor),
                          "written": redactor.redact_json(written) if written else None},
                         indent=2, ensure_ascii=False))
        return EXIT_OK
    for line in preview.lines(redactor):
        print(line)
    if args.dry_run:
        print("dry run: nothing was written")
    elif har_only:
        print("nothing was written: a HAR's exchanges go to the window's History; give "
              "--into NAME to save its requests as a collection")
    elif written is not None and environment:
        print(redactor.redact_text(f"profile “{args.profile}”: {len(preview.variables)} "
                                   "setting(s) written"))
    elif written is not None:
        print(redactor.redact_text(f"imported {len(written['requests'])} request(s) into "
                                   f"“{written['collection']}” ({written['path']})"))
        for line in written["dropped_on_write"]:
            print(redactor.redact_text(f"  left out: {line}"))
    if written is not None:
        for name in written.get("left_out") or written.get("variables_left_out") or []:
            print(redactor.redact_text(f"  not written (secret): {name}"))
    return EXIT_OK

"""``switchboard collections list|show|open|export``: the saved collections, headless.

``export`` writes a collection as Postman Collection v2.1 (redacted), so a
teammate without Switchboard can use it; ``open`` remembers a collection
folder that lives elsewhere (a git checkout) so it is listed from then on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop.commands.output import pipe_safe

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "collections",
        help="list, show, open or export saved collections",
        description="Saved collections (docs/collections.md): list them, show one as a tree, "
        "open a collection folder from elsewhere (a git checkout), or export one as Postman "
        "Collection v2.1.",
    )
    actions = parser.add_subparsers(dest="collections_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every collection, with where it lives")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    show = actions.add_parser("show", help="a collection's folders and requests, in run order")
    show.add_argument("name", metavar="COLLECTION")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    opened = actions.add_parser("open", help="remember a collection folder from elsewhere")
    opened.add_argument("path", metavar="FOLDER")
    export = actions.add_parser("export", help="write a collection as Postman Collection v2.1")
    export.add_argument("name", metavar="COLLECTION")
    export.add_argument("--output", "-o", metavar="FILE", default="-",
                        help="where to write it (default: standard output)")
    export.add_argument("--provider", metavar="ID", help="add the provider's auth (as "
                        "{{placeholders}}) at the collection level")
    export.add_argument("--base-url", metavar="URL", help="the value of {{base_url}} in the "
                        "export")
    parser.set_defaults(func=run)


@pipe_safe
def run(args: argparse.Namespace) -> int:
    from desktop.core.collections import CollectionError, CollectionLibrary, UnsafeWriteError

    library = CollectionLibrary()
    try:
        if args.collections_action == "list":
            return _list(library, args)
        if args.collections_action == "open":
            collection = library.open(Path(args.path))
            print(f"opened “{collection.name}” ({collection.root})")
            return EXIT_OK
        collection = library.get(args.name)
        if collection is None:
            raise CollectionError(f"no collection named {args.name!r} (collections: "
                                  f"{', '.join(library.names()) or 'none yet'})")
        if args.collections_action == "show":
            return _show(collection, args)
        return _export(collection, args)
    except (CollectionError, UnsafeWriteError, OSError) as exc:
        print(f"switchboard collections: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _list(library: Any, args: argparse.Namespace) -> int:
    entries = library.entries()
    if args.json:
        print(json.dumps({"collections": [
            {"name": e.name, "path": str(e.path), "external": e.external, "problem": e.problem}
            for e in entries]}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print(f"no collections yet (they live in {library.home}); `switchboard import FILE` "
              "brings some in")
    for entry in entries:
        where = f"{entry.path}" + (" (opened from elsewhere)" if entry.external else "")
        problem = f"  ✗ {entry.problem}" if entry.problem else ""
        print(f"{entry.name}  {where}{problem}")
    return EXIT_OK


def _show(collection: Any, args: argparse.Namespace) -> int:
    tree = collection.tree()
    redactor = collection.redactor
    if args.json:
        print(json.dumps(redactor.redact_json({
            "name": tree.meta.name, "path": str(collection.root),
            "variables": tree.meta.variables,
            "requests": [{"folder": list(trail), "path": node.path, "name": node.name,
                          "method": node.request.method, "url": node.request.url}
                         for trail, node in tree.requests()],
            "problems": [str(p) for p in tree.problems]}), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(redactor.redact_text(f"{tree.meta.name}  ({collection.root})"))
    _print_folder(tree.root, "  ", redactor)
    for problem in tree.problems:
        print(redactor.redact_text(f"✗ {problem}"))
    return EXIT_FAILED if tree.problems else EXIT_OK


def _print_folder(folder: Any, indent: str, redactor: Any) -> None:
    from desktop.core.collections import FolderNode

    for child in folder.children():
        if isinstance(child, FolderNode):
            print(redactor.redact_text(f"{indent}{child.name}/"))
            _print_folder(child, indent + "  ", redactor)
        else:
            print(redactor.redact_text(f"{indent}{child.request.method:<7} {child.name}  "
                                       f"{child.request.url}"))


def _export(collection: Any, args: argparse.Namespace) -> int:
    from desktop.core.collections import export_text

    provider = None
    if args.provider:
        from desktop.core.provider import load_registry

        provider = load_registry().get(args.provider)
        if provider is None:
            print(f"switchboard collections: unknown provider {args.provider!r}",
                  file=sys.stderr)
            return EXIT_USAGE
    text = export_text(collection, provider=provider, base_url=args.base_url or "")
    if args.output == "-":
        sys.stdout.write(text)
    else:
        from desktop.core.collections.tomlfile import atomic_write

        atomic_write(Path(args.output), text)
        print(f"exported “{collection.name}” to {args.output} (Postman Collection v2.1)",
              file=sys.stderr)
    return EXIT_OK

"""`switchboard providers`: list the providers, show a checklist, validate provider files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "providers", help="list providers, show their checklists, validate provider files",
        description="Providers are TOML data files: built in, or yours in the config dir's "
        "providers/ folder (see docs/providers.md).")
    commands = parser.add_subparsers(dest="providers_command", metavar="ACTION", required=True)
    listing = commands.add_parser("list", help="every provider with its environments")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    steps = commands.add_parser("steps", help="a provider's checklist step ids, in order")
    steps.add_argument("provider", metavar="ID")
    steps.add_argument("--json", action="store_true")
    steps.set_defaults(func=run_steps)
    validate = commands.add_parser(
        "validate", help="check provider files; exit 1 naming file, key and reason on error")
    validate.add_argument("files", metavar="FILE", nargs="+", type=Path)
    validate.set_defaults(func=run_validate)


def run_list(args: argparse.Namespace) -> int:
    from desktop.core.paths import user_providers_dir

    registry = _load_quietly()
    rows = []
    for provider in registry:
        environments = []
        for env in provider.environments:
            regions = [r.id for r in env.regions]
            environments.append({"id": env.id, "name": env.name, "production": env.production,
                                 "base_url": env.base_url, "regions": regions})
        rows.append({"id": provider.id, "name": provider.name, "auth": provider.auth.type.value,
                     "builtin": provider.builtin, "environments": environments,
                     "steps": [s.id for s in provider.checklist]})
    if args.json:
        print(json.dumps({"providers": rows, "problems": [str(p) for p in registry.problems]},
                         indent=2))
    else:
        for row in rows:
            envs = ", ".join(e["id"] + (" (production)" if e["production"] else "")
                             for e in row["environments"])
            origin = "" if row["builtin"] else "  [from your config dir]"
            print(f"{row['id']:<18} {row['name']}{origin}")
            print(f"{'':<18} environments: {envs}")
            print(f"{'':<18} checklist: {' → '.join(row['steps']) or '—'}")
        print(f"\nYour provider files go in {user_providers_dir()}")
    for problem in registry.problems:
        print(f"skipped: {_one_line(str(problem))}", file=sys.stderr)
    return 0


def run_steps(args: argparse.Namespace) -> int:
    provider = _load_quietly().get(args.provider)
    if provider is None:
        print(f"switchboard providers: unknown provider {args.provider!r}", file=sys.stderr)
        return 2
    steps = [{"id": s.id, "title": s.title, "kind": s.kind.value, "explain": s.explain}
             for s in provider.checklist]
    if args.json:
        print(json.dumps(steps, indent=2))
    else:
        for number, step in enumerate(steps, start=1):
            print(f"{number}. {step['id']:<16} {step['title']} ({step['kind']})")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from desktop.core.provider import ProviderError
    from desktop.core.provider.loader import (
        parse_provider,
        read_provider_toml,
        resolve_extends,
    )
    from desktop.core.provider.registry import unexpected

    registry = _load_quietly()
    failed = 0
    for path in args.files:
        try:
            data = resolve_extends(read_provider_toml(path), path.name, registry.raw)
            provider = parse_provider(data, file=path.name, source=str(path))
        except ProviderError as exc:
            print(f"✗ {_one_line(str(exc))}")
            failed += 1
            continue
        except Exception as exc:  # a check the loader lacks: still one line, never a traceback
            print(f"✗ {_one_line(str(unexpected(path.name, exc)))}")
            failed += 1
            continue
        print(f"✓ {path.name}: {provider.id} ({provider.name}), {len(provider.checklist)} "
              f"steps, {len(provider.errors)} catalog entries, {len(provider.lint)} lint rules")
    return 1 if failed else 0


def _load_quietly() -> Any:
    """The registry, its skipped files said once: ``list`` prints them itself, and without
    a configured log Python would print each warning on stderr as well."""
    import logging

    from desktop.core.provider import load_registry

    logger = logging.getLogger("desktop.core.provider.registry")
    quiet = logging.NullHandler()
    logger.addHandler(quiet)
    try:
        return load_registry()
    finally:
        logger.removeHandler(quiet)


def _one_line(text: str) -> str:
    """A report from a file's contents (a key, a quoted value) kept to one printable line:
    a hostile file must not forge lines or drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)

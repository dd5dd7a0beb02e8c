"""``switchboard run COLLECTION``: send a saved collection headless, each answer explained.

As newman and the bru CLI are used in CI: one line per request with its
top finding, ``--json`` for one object, ``--bundle`` for a diagnostic bundle.
Exit 0 when no request got an error-severity finding, 1 when one did, 2 on
usage errors. Everything printed passes through the profile's redactor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from desktop.commands.output import pipe_safe
from desktop.commands.profile_args import (
    UsageError,
    add_arguments,
    choose,
    is_production,
    sandbox_if_needed,
    session_for,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="send every request of a saved collection and explain each answer",
        description="Send a collection's requests in order through the profile's client and "
        "explain each answer with the provider's catalog. COLLECTION is a collection name "
        "(`switchboard collections list`) or the path of a collection folder. Exit 0: no "
        "request got a failure finding; 1: one did; 2: usage error.",
    )
    parser.add_argument("collection", metavar="COLLECTION", help="collection name or folder")
    add_arguments(parser)
    parser.add_argument("--folder", metavar="NAME", action="append", default=[],
                        help="only the requests in this folder (repeatable; `a/b` for a "
                        "sub-folder)")
    parser.add_argument("--same-host", action="store_true",
                        help="skip requests whose URL is not on the profile's host")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--bundle", metavar="FILE.zip",
                        help="write the redacted diagnostic bundle of the run")
    parser.add_argument("--yes", action="store_true", help="confirm sending requests that "
                        "change data (POST, PUT, PATCH, DELETE) on a production profile")
    parser.set_defaults(func=run)


@pipe_safe
def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except UsageError as exc:
        print(f"switchboard run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("switchboard run: interrupted", file=sys.stderr)
        return 130


def _collection(args: argparse.Namespace) -> Any:
    from desktop.core.collections import CollectionLibrary

    library = CollectionLibrary()
    collection = library.get(args.collection)
    if collection is None:
        names = ", ".join(library.names()) or "none yet"
        raise UsageError(f"no collection named {args.collection!r} and no collection folder "
                         f"there (collections: {names})")
    return collection


def _include(folders: list[str]) -> Any:
    if not folders:
        return None
    wanted = [tuple(p for p in f.strip("/").split("/") if p) for f in folders]

    def include(trail: tuple[str, ...], _request: Any) -> bool:
        lowered = tuple(t.lower() for t in trail)
        return any(lowered[:len(w)] == tuple(p.lower() for p in w) for w in wanted)

    return include


async def _run(args: argparse.Namespace) -> int:
    from desktop.core.collections import (
        CollectionRun,
        changing_requests,
        run_collection,
        run_values,
    )

    collection = _collection(args)
    tree = collection.tree()
    chosen = choose(args)
    include = _include(args.folder)
    selected = [node.request for trail, node in tree.requests()
                if include is None or include(trail, node.request)]
    if not selected:
        raise UsageError(f"{tree.meta.name} has no requests" + (" in those folders"
                                                                if args.folder else ""))
    changing = [r for r in changing_requests(tree) if r in selected]
    if is_production(chosen) and changing and not args.yes:
        raise UsageError(f"refusing to send {len(changing)} request(s) that change data "
                         f"({', '.join(sorted({r.method for r in changing}))}) on a production "
                         f"profile ({chosen.profile.name}) without --yes")
    out = sys.stdout
    exchanges: list[Any] = []
    async with sandbox_if_needed(chosen, args):
        session = session_for(chosen, exchanges)
        redactor = session.redactor()
        session.secret_learned.connect(lambda token: redactor.add_secret(token, "access_token"))
        for problem in tree.problems:
            print(f"warning: {redactor.redact_text(str(problem))}", file=sys.stderr)
        values = run_values(tree.meta.variables, chosen.profile, chosen.provider)
        result = CollectionRun(tree.meta.name)
        try:
            if not args.json:
                print(redactor.redact_text(f"{tree.meta.name} · {chosen.provider.name} · "
                                           f"{chosen.profile.environment} · "
                                           f"{chosen.profile.base_url}"), file=out)
            total = len(selected)
            async for outcome in run_collection(
                    tree, session.client, values, same_host_only=args.same_host,
                    include=include, last_exchange=lambda: exchanges[-1] if exchanges else None):
                result.outcomes.append(outcome)
                if not args.json:
                    for line in outcome_lines(outcome, len(result.outcomes), total):
                        print(redactor.redact_text(line), file=out, flush=True)
            if args.bundle:
                await _bundle(args.bundle, chosen, session, exchanges, redactor)
                if not args.json:
                    print(f"bundle written to {args.bundle}", file=out)
        finally:
            await session.aclose()
    if args.json:
        print(json.dumps(run_json(result, chosen, tree, redactor), indent=2,
                         ensure_ascii=False), file=out)
    else:
        failed = sum(1 for o in result.outcomes if o.failed)
        skipped = sum(1 for o in result.outcomes if o.skipped and not o.failed)
        print(("ok" if result.ok else "failed") + f": {result.sent} sent, {failed} with a "
              f"failure finding, {skipped} skipped", file=out)
    return EXIT_OK if result.ok else EXIT_FAILED


def outcome_lines(outcome: Any, index: int, total: int) -> list[str]:
    """``✓ 1/3 pets / List all pets  GET /pets → 200 (12 ms)`` and the top finding under it."""
    from desktop.commands.output import finding_lines
    from desktop.core.finding import Severity

    trail = " / ".join((*outcome.folder, outcome.request.name))
    finding = outcome.top_finding
    if outcome.skipped and not outcome.failed:
        return [f"- {index}/{total} {trail}  skipped: {outcome.skipped}"]
    symbol = "✓" if finding is None or finding.severity is Severity.INFO else \
        "!" if finding.severity is Severity.WARN else "✗"
    spec = outcome.spec
    target = f"{spec.method} {spec.url}" if spec is not None else outcome.request.method
    if outcome.exchange is not None:
        answer = str(outcome.exchange.status) if outcome.exchange.response is not None else \
            f"✗ {outcome.exchange.error_label}"
        target += f" → {answer} ({outcome.exchange.duration_ms:.0f} ms)"
    lines = [f"{symbol} {index}/{total} {trail}  {target}"]
    if outcome.missing:
        lines.append("    unresolved: " + ", ".join("{{" + m + "}}" for m in outcome.missing))
    if outcome.withheld_credentials:
        lines.append("    sent without the profile's credentials: the URL is not on its host")
    if finding is not None and finding.severity is not Severity.INFO:
        lines.append(f"    {finding.severity.value}: {finding.title}")
        lines.extend(finding_lines(finding, indent="    ", said=finding.title))
        if outcome.request_id:
            lines.append(f"    Request id: {outcome.request_id}")
    return lines


def run_json(result: Any, chosen: Any, tree: Any, redactor: Any) -> dict[str, Any]:
    requests = []
    for outcome in result.outcomes:
        finding = outcome.top_finding
        requests.append({
            "name": outcome.request.name,
            "folder": list(outcome.folder),
            "path": outcome.path,
            "method": outcome.request.method,
            "url": redactor.redact_url(outcome.spec.url) if outcome.spec else None,
            "status": outcome.status,
            "error": outcome.exchange.error.kind.value if outcome.exchange is not None and
            outcome.exchange.error is not None else None,
            "duration_ms": round(outcome.duration_ms) if outcome.duration_ms is not None
            else None,
            "request_id": outcome.request_id,
            "skipped": outcome.skipped,
            "missing": list(outcome.missing),
            "credentials_withheld": outcome.withheld_credentials,
            "failed": outcome.failed,
            "finding": finding.to_dict() if finding is not None else None,
            "findings": [f.to_dict() for f in outcome.findings],
        })
    report = {
        "collection": tree.meta.name,
        "profile": chosen.profile.name,
        "provider": chosen.provider.id,
        "environment": chosen.profile.environment,
        "base_url": chosen.profile.base_url,
        "ok": result.ok,
        "sent": result.sent,
        "requests": requests,
        "problems": [str(p) for p in tree.problems],
    }
    return redactor.redact_json(report)


async def _bundle(target: str, chosen: Any, session: Any, exchanges: list[Any],
                  redactor: Any) -> None:
    from desktop.core.bundle import build_bundle_async
    from desktop.core.diagnostic_bundle import bundle_content

    content = bundle_content(profile=chosen.profile, provider=chosen.provider,
                             exchanges=exchanges, webhook_events=session.webhook_events(),
                             ratelimits=session.ratelimits)
    await build_bundle_async(content, redactor, target, None)

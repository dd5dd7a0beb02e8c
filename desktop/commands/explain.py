"""``switchboard explain``: read a response someone pasted into a ticket, or a HAR file.

The same findings the Composer shows for a live answer (title, what was
seen, likely causes, next action, doc link, request id), from the
provider's catalog and generic HTTP knowledge. Nothing is sent. Exit 0 when
no error-severity finding was made, 1 when one was, 2 on usage errors.
Everything printed passes through the redactor.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from desktop.commands.output import pipe_safe

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="explain a pasted response (status, headers, body) or a HAR file",
        description="Explain an HTTP answer with a provider's error catalog, as the Composer "
        "does: give --status (with --header and --body), or --transport for a request that "
        "got no answer, or --har FILE for every entry of a HAR file. Exit 0: nothing failed; "
        "1: a failure finding; 2: usage error.",
    )
    parser.add_argument("--provider", metavar="ID", required=True,
                        help="whose catalog explains it (`switchboard providers list`)")
    parser.add_argument("--status", metavar="N", type=int, help="the HTTP status")
    parser.add_argument("--header", metavar="'Name: value'", action="append", default=[],
                        help="a response header (repeatable)")
    parser.add_argument("--body", metavar="FILE", help="the response body, from a file or - "
                        "for standard input")
    parser.add_argument("--method", default="GET", help="the request's method (GET)")
    parser.add_argument("--url", default="", help="the request's URL or path (lets "
                        "path-specific catalog entries match)")
    parser.add_argument("--transport", metavar="KIND", help="no answer came: dns, "
                        "connect_refused, connect_timeout, tls, read_timeout, reset...")
    parser.add_argument("--har", metavar="FILE", help="explain every entry of a HAR file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


@pipe_safe
def run(args: argparse.Namespace) -> int:
    from desktop.core.collections.loading import ImportFileError
    from desktop.core.collections.pasted import PastedInputError

    try:
        return _explain(args)
    except (UsageError, PastedInputError) as exc:
        print(f"switchboard explain: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ImportFileError as exc:
        print(f"switchboard explain: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _provider(provider_id: str) -> Any:
    from desktop.core.provider import load_registry

    registry = load_registry()
    provider = registry.get(provider_id)
    if provider is None:
        raise UsageError(f"unknown provider {provider_id!r} (known: "
                         f"{', '.join(sorted(registry.providers))})")
    return provider


def _explain(args: argparse.Namespace) -> int:
    from desktop.core.redact import Redactor

    provider = _provider(args.provider)
    redactor = Redactor(patterns=provider.secret_patterns)
    if args.har:
        if args.status is not None or args.body or args.header or args.transport:
            raise UsageError("--har explains a whole file: leave out --status, --header, "
                             "--body and --transport")
        return _explain_har(args, provider, redactor)
    exchange = _pasted(args, provider)
    failed = _failed(exchange.findings)
    if args.json:
        print(json.dumps(redactor.redact_json({
            "provider": provider.id, "status": exchange.status,
            "transport": exchange.error.kind.value if exchange.error else None,
            "request_id": exchange.request_id, "failed": failed,
            "findings": [f.to_dict() for f in exchange.findings]}), indent=2,
            ensure_ascii=False))
    else:
        for line in exchange_lines(exchange, provider):
            print(redactor.redact_text(line))
    return EXIT_FAILED if failed else EXIT_OK


def _pasted(args: argparse.Namespace, provider: Any) -> Any:
    from desktop.core.collections.pasted import (
        MAX_PASTED_BODY,
        parse_header_lines,
        pasted_exchange,
    )

    if args.status is None and not args.transport:
        raise UsageError("give --status N (with --header and --body), --transport KIND, or "
                         "--har FILE")
    if args.status is not None and args.transport:
        raise UsageError("give --status or --transport, not both")
    body = b""
    if args.body:
        from desktop.core.collections.loading import read_source

        body = read_source(args.body, MAX_PASTED_BODY)
    return pasted_exchange(provider, status=args.status, headers=parse_header_lines(args.header),
                           body=body, method=args.method, url=args.url,
                           transport=args.transport)


def _explain_har(args: argparse.Namespace, provider: Any, redactor: Any) -> int:
    from desktop.core.collections import loading
    from desktop.core.collections.har_import import import_har, looks_like_har

    doc = loading.load(args.har)
    if not looks_like_har(doc):
        raise loading.ImportFileError(args.har, "is not a HAR file (no log.entries list)")
    preview = import_har(doc, args.har, provider)
    failed = any(_failed(e.findings) for e in preview.exchanges)
    if args.json:
        print(json.dumps(redactor.redact_json({
            "provider": provider.id, "source": args.har, "failed": failed,
            "exchanges": [{"method": e.request.method, "url": redactor.redact_url(e.request.url),
                           "status": e.status,
                           "transport": e.error.kind.value if e.error else None,
                           "request_id": e.request_id,
                           "findings": [f.to_dict() for f in e.findings]}
                          for e in preview.exchanges],
            "dropped": [str(d) for d in preview.dropped]}), indent=2, ensure_ascii=False))
        return EXIT_FAILED if failed else EXIT_OK
    print(redactor.redact_text(f"{preview.format}: {len(preview.exchanges)} exchange(s), "
                               f"explained with {provider.name}"))
    for index, exchange in enumerate(preview.exchanges, start=1):
        finding = exchange.top_finding
        symbol = "✗" if _failed(exchange.findings) else "!" if finding is not None and \
            finding.severity.value == "warn" else "✓"
        print(redactor.redact_text(f"{symbol} {index} {exchange.request.method} "
                                   f"{redactor.redact_url(exchange.request.url)} → "
                                   f"{_answer(exchange)}"))
        if finding is not None:
            for line in _finding_lines(exchange, indent="    "):
                print(redactor.redact_text(line))
    for dropped in preview.dropped:
        print(redactor.redact_text(f"skipped: {dropped}"))
    return EXIT_FAILED if failed else EXIT_OK


def _answer(exchange: Any) -> str:
    if exchange.response is not None:
        from desktop.core.compose import status_text

        return status_text(exchange.response.status, exchange.response.reason)
    return f"no answer ({exchange.error_label})"


def _failed(findings: Any) -> bool:
    return any(f.severity.value == "error" for f in findings)


def exchange_lines(exchange: Any, provider: Any) -> list[str]:
    """The answer in one line, then each finding as the Composer shows it."""
    request_id = f" · request id {exchange.request_id}" if exchange.request_id else ""
    lines = [f"{provider.name} · {_answer(exchange)}{request_id}"]
    if not exchange.findings:
        lines.append("nothing to explain: neither the catalog nor the HTTP rules found a "
                     "problem in this answer")
        return lines
    lines.extend(_finding_lines(exchange, indent=""))
    return lines


def _finding_lines(exchange: Any, indent: str) -> list[str]:
    from desktop.commands.output import finding_lines

    lines = []
    for finding in exchange.findings:
        symbol = {"error": "✗", "warn": "!", "info": "i"}[finding.severity.value]
        lines.append(f"{indent}{symbol} {finding.severity.value}: {finding.title}")
        lines.extend(finding_lines(finding, indent=indent + "    ", said=finding.title))
        if exchange.request_id:
            lines.append(f"{indent}    Request id: {exchange.request_id} (quote it to support)")
    return lines

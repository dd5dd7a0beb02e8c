"""``switchboard curl parse|export``: curl commands to JSON requests and back.

Both read standard input and write standard output, so they sit in a pipe:
``pbpaste | switchboard curl parse | jq .headers``. Bad input is a usage
error: a message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "curl",
        help="read a curl command as JSON, or write a JSON request as a curl command",
        description="Convert between curl commands (bash syntax, as browsers' "
        "'Copy as cURL' produces) and JSON requests. Both read standard input.",
    )
    actions = parser.add_subparsers(dest="curl_action", metavar="ACTION", required=True)
    parse = actions.add_parser(
        "parse",
        help="curl command (arguments or stdin) -> JSON request on stdout",
        description='Print {"method", "url", "headers", "body"} for the curl command given '
        "as arguments or on stdin. A body that is not UTF-8 is printed in base64 with "
        '"body_encoding": "base64".',
    )
    parse.add_argument(
        "curl_words", nargs=argparse.REMAINDER, metavar="CURL ...",
        help="the curl command itself, as arguments (quote it as one, or leave it out and "
        "pipe it on stdin)",
    )
    parse.add_argument(
        "--wire",
        action="store_true",
        help="list every header curl 8.2.1 would send (Host, User-Agent, Accept, "
        "Content-Length included), in its order",
    )
    export = actions.add_parser(
        "export",
        help="JSON request on stdin -> curl command on stdout",
        description="Print a bash curl command for the JSON request on stdin "
        "(the format 'switchboard curl parse' prints).",
    )
    export.add_argument("--single-line", action="store_true", help="no line continuations")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop.core.curl import CurlExportError, CurlParseError
    from desktop.core.redact import Redactor

    # Only `parse` takes the command as arguments; `export` always reads stdin.
    words = getattr(args, "curl_words", None)
    text = _command_text(words) if words else _read_stdin()
    try:
        if args.curl_action == "parse":
            output = _parse(text, wire=args.wire)
        else:
            output = _export(text, multiline=not args.single_line)
    except (CurlParseError, CurlExportError) as error:
        # The command may carry credentials: an error never repeats them.
        message = Redactor().redact_text(str(error))
        print(f"switchboard curl {args.curl_action}: {message}", file=sys.stderr)
        return EXIT_USAGE
    print(output)
    return EXIT_OK


def _parse(text: str, *, wire: bool) -> str:
    import base64

    from desktop.core.curl import parse_curl, request_target, wire_headers

    request = parse_curl(text)
    for warning in request.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    headers = wire_headers(request) if wire else list(request.headers)
    result: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "headers": [[name, value] for name, value in headers],
    }
    if wire:
        result["request_target"] = request_target(request.url)
    try:
        result["body"] = request.body.decode("utf-8")
    except UnicodeDecodeError:
        result["body"] = base64.b64encode(request.body).decode("ascii")
        result["body_encoding"] = "base64"
    if request.insecure:
        result["insecure"] = True
    if request.follow_redirects:
        result["follow_redirects"] = True
    if request.local_files:  # named, never read: the command came from someone else
        result["local_files"] = list(request.local_files)
    result["warnings"] = list(request.warnings)
    return _json_lines(result)


def _json_lines(result: dict[str, Any]) -> str:
    """Indented JSON with one header pair per line, easier to read than json's indent=2."""
    import json

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = []
    for key, value in result.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {dump(item)}" for item in value)
            lines.append(f"  {dump(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(lines) + "\n}"


def _export(text: str, *, multiline: bool) -> str:
    from desktop.core.curl import to_curl

    data = _load_request(text)
    return to_curl(
        data["method"],
        data["url"],
        data["headers"],
        data["body"],
        multiline=multiline,
        insecure=data["insecure"],
        follow_redirects=data["follow_redirects"],
    )


def _load_request(text: str) -> dict[str, Any]:
    """The JSON request, checked field by field so a mistake gets a precise message."""
    import base64
    import binascii
    import json

    from desktop.core.curl import CurlExportError

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nested thousands deep
        raise CurlExportError(f"the input is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise CurlExportError('the input must be a JSON object like {"method", "url", ...}')
    method, url = data.get("method", "GET"), data.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        raise CurlExportError('"method" and "url" must be strings, and "url" is required')
    headers = data.get("headers", [])
    if not isinstance(headers, list) or not all(
        isinstance(h, list | tuple) and len(h) == 2 and all(isinstance(p, str) for p in h)
        for h in headers
    ):
        raise CurlExportError('"headers" must be a list of [name, value] string pairs')
    body_text, encoding = data.get("body", ""), data.get("body_encoding", "utf-8")
    if not isinstance(body_text, str) or encoding not in ("utf-8", "base64"):
        raise CurlExportError('"body" must be a string; "body_encoding" "utf-8" or "base64"')
    try:
        body = (
            base64.b64decode(body_text, validate=True)
            if encoding == "base64"
            else body_text.encode("utf-8")
        )
    except (binascii.Error, UnicodeEncodeError) as error:
        raise CurlExportError(f'"body" cannot be decoded ({error})') from None
    return {
        "method": method,
        "url": url,
        "headers": [(name, value) for name, value in headers],
        "body": body,
        "insecure": data.get("insecure") is True,
        "follow_redirects": data.get("follow_redirects") is True,
    }


def _command_text(words: list[str]) -> str:
    """The command given as arguments: one quoted argument as is, or the words the shell
    split, quoted back (``curl -u a:b https://x`` typed after ``curl parse``)."""
    import shlex

    words = list(words)
    if words and words[0] == "--":
        words = words[1:]
    return words[0] if len(words) == 1 else shlex.join(words)


def _read_stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:  # bytes that are not UTF-8 survive as surrogate escapes
        return buffer.read().decode("utf-8", "surrogateescape")
    return sys.stdin.read()

"""curl commands in and out: read a pasted "Copy as cURL", write any request as one.

``parse_curl`` reads a bash command the way bash splits it and curl 8.2.1
interprets it; ``wire_headers`` adds what curl sends by itself (Host,
User-Agent, Accept, Content-Length) in curl's order; ``to_curl`` writes a
request back as a command that ``parse_curl`` reads to the same request.
"""

from __future__ import annotations

from desktop.core.curl.export import CurlExportError, quote, to_curl
from desktop.core.curl.parse import parse_curl
from desktop.core.curl.request import BodyKind, CurlParseError, CurlRequest, HeaderOrigin
from desktop.core.curl.wire import CURL_VERSION, request_target, wire_headers

__all__ = [
    "CURL_VERSION",
    "BodyKind",
    "CurlExportError",
    "CurlParseError",
    "CurlRequest",
    "HeaderOrigin",
    "parse_curl",
    "quote",
    "request_target",
    "to_curl",
    "wire_headers",
]

"""The headers curl 8.2.1 actually sends for a :class:`CurlRequest`, in its order.

curl builds a request in a fixed order (``lib/http.c``, ``Curl_http``):
Host, Authorization, User-Agent, Accept, Accept-Encoding, Referer, Cookie,
then every ``-H`` header, then Content-Length, the Content-Type of ``-d`` or
``-F``, and ``Expect: 100-continue`` for bodies over 1 MiB. A ``-H`` header
of the same name replaces a default and is sent where the ``-H`` headers go.
We checked this order against a real curl on a loopback socket; it differs
from the curlconverter fixtures, which put Authorization after Accept and
Content-Type before Content-Length.
"""

from __future__ import annotations

from desktop.core.curl.request import BodyKind, CurlRequest, HeaderOrigin
from desktop.core.curl.url import host_header, request_target

CURL_VERSION = "8.2.1"
DEFAULT_USER_AGENT = f"curl/{CURL_VERSION}"
EXPECT_100_THRESHOLD = 1024 * 1024
"""curl asks ``Expect: 100-continue`` for request bodies larger than this."""

_OPTION_ORDER = ("authorization", "user-agent", "accept-encoding", "referer", "cookie")

__all__ = ["CURL_VERSION", "DEFAULT_USER_AGENT", "request_target", "wire_headers"]


def wire_headers(request: CurlRequest) -> list[tuple[str, str]]:
    """Every header curl sends for *request*, defaults included, in curl's order."""
    custom: list[tuple[str, str]] = []
    option: dict[str, tuple[str, str]] = {}
    body: list[tuple[str, str]] = []
    for index, header in enumerate(request.headers):
        origin = request.origin(index)
        if origin is HeaderOrigin.OPTION:
            option.setdefault(header[0].lower(), header)
        elif origin is HeaderOrigin.BODY:
            body.append(header)
        else:
            custom.append(header)
    overridden = {name.lower() for name, _ in custom} | set(request.removed_headers)

    out: list[tuple[str, str]] = []
    custom_host = next((h for h in custom if h[0].lower() == "host"), None)
    if custom_host is not None:
        out.append(custom_host)
    elif "host" not in overridden:
        out.append(("Host", host_header(request.url)))
    if "authorization" in option:
        out.append(option["authorization"])
    if "user-agent" in option:
        out.append(option["user-agent"])
    elif "user-agent" not in overridden:
        out.append(("User-Agent", DEFAULT_USER_AGENT))
    if "accept" not in overridden:
        out.append(("Accept", "*/*"))
    out += [option[name] for name in _OPTION_ORDER[2:] if name in option]
    out += [h for h in custom if h[0].lower() != "host"]

    kind = request.body_kind
    if kind is BodyKind.NONE and request.body:
        kind = BodyKind.DATA
    if kind is not BodyKind.NONE:
        if "content-length" not in overridden:
            out.append(("Content-Length", str(len(request.body))))
        out += body
        if len(request.body) > EXPECT_100_THRESHOLD and "expect" not in overridden:
            out.append(("Expect", "100-continue"))
    return out

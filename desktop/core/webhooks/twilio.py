"""What Twilio signs: the URL it called plus the form parameters, or a body hash.

Twilio's ``X-Twilio-Signature`` is base64 HMAC-SHA1 over the full URL
followed by every form parameter (names sorted; for a repeated name each
distinct value, values sorted) as name+value. For JSON bodies it signs
only the URL, which carries ``bodySHA256`` = hex SHA-256 of the body.
Validators accept the URL with and without the scheme's default port, as
twilio-python's ``RequestValidator`` does; we mirror that reference.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from desktop.core.webhooks.verification import equal

_DEFAULT_PORTS = {"https": "443", "http": "80"}


def url_forms(url: str) -> tuple[str, ...]:
    """The URL as given, without its port and with the default port (duplicates removed)."""
    forms = [url]
    try:
        parts = urlsplit(url)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        host, port = _split_port(hostport)
        bare = parts._replace(netloc=f"{userinfo}{at}{host}")
        forms.append(urlunsplit(bare))
        default = _DEFAULT_PORTS.get(parts.scheme.lower(), "80")
        forms.append(url if port else urlunsplit(bare._replace(
            netloc=f"{userinfo}{at}{host}:{default}")))
    except ValueError:
        pass
    return tuple(dict.fromkeys(forms))


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):  # IPv6 literal: the port, if any, follows the bracket
        host, _, rest = hostport.partition("]")
        return host + "]", rest[1:] if rest.startswith(":") else ""
    host, sep, port = hostport.rpartition(":")
    return (host, port) if sep and port.isdigit() else (hostport, "")


def _body_hash(url: str) -> str | None:
    try:
        values = parse_qs(urlsplit(url).query).get("bodySHA256")
    except ValueError:
        return None
    return values[0] if values else None


def _params(body: bytes) -> str:
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    values: dict[str, set[str]] = {}
    for name, value in pairs:
        values.setdefault(name, set()).add(value)
    return "".join(name + value for name in sorted(values) for value in sorted(values[name]))


def contents(url: str, body: bytes) -> tuple[bytes, ...]:
    """The bytes Twilio signs for this URL and body, one per accepted URL form."""
    suffix = "" if _body_hash(url) is not None else _params(body)
    return tuple((form + suffix).encode("utf-8", "surrogatepass") for form in url_forms(url))


def body_check(url: str) -> Callable[[bytes], bool] | None:
    """For JSON webhooks, a check that the body hashes to the signed ``bodySHA256``."""
    expected = _body_hash(url)
    if expected is None:
        return None
    return lambda body: equal(hashlib.sha256(body).hexdigest(), expected)


def json_url(url: str, body: bytes) -> str:
    """``url`` with the ``bodySHA256`` query parameter Twilio adds for a JSON body."""
    parts = urlsplit(url)
    extra = urlencode({"bodySHA256": hashlib.sha256(body).hexdigest()})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))

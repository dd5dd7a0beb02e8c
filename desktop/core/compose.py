"""The composer's non-visual half: a request split into editable parts, and back.

The Composer page is a thin view; what it needs that is not drawing lives
here so it is tested without Qt: the query string as rows, a provider
template filled from a profile, an Exchange turned back into an editable
request (credentials and transport headers removed), the credentials a
pasted curl command carried, the headers worth exporting to curl, and the
redactor that knows a profile's secrets.

Redaction, curl and lint load on first use: this module is imported when
the window is built, and they are not needed before the first request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import Exchange, Headers, RequestRecord, header_value
from desktop.core.profiles import Profile
from desktop.core.provider.model import AuthType, Provider, RequestTemplate
from desktop.core.templates import profile_values, render_request

if TYPE_CHECKING:
    from desktop.core.redact import Redactor
    from desktop.core.sessions import ProfileSession

Pairs = list[tuple[str, str]]

TRANSPORT_HEADERS = frozenset({
    "host", "content-length", "connection", "transfer-encoding", "accept-encoding",
    "keep-alive", "te", "upgrade", "proxy-connection",
})
"""Headers the HTTP stack writes by itself: not part of what the user composed, and
curl adds its own (an exported ``Accept-Encoding: gzip`` would print compressed bytes)."""

TEMPLATE_ALIASES: Mapping[str, str] = {"numberId": "send_from"}
"""Template variables a checklist extracts that a profile setting can stand in for."""


# -- the query string as rows ----------------------------------------------------------------

def split_query(url: str) -> tuple[str, Pairs]:
    """``https://h/p?a=1&b=`` → (``https://h/p``, [(a, 1), (b, '')]); the fragment is dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, []
    if not parts.query:
        return urlunsplit(parts._replace(fragment="")), []
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return urlunsplit(parts._replace(query="", fragment="")), pairs


def with_query(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    """The URL with these parameters appended (percent-encoded, spaces as ``%20``)."""
    pairs = [(name, value) for name, value in pairs if name]
    if not pairs:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(pairs, quote_via=quote)


# -- templates ---------------------------------------------------------------------------------

def template_values(profile: Profile, provider: Provider,
                    learned: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What ``{{name}}`` can refer to in the composer: the profile's values, what the last
    checklist run learned (``numberId``...), and setting aliases."""
    values = profile_values(profile, provider)
    for name, value in (learned or {}).items():
        values.setdefault(name, value)
    for alias, setting in TEMPLATE_ALIASES.items():
        if values.get(setting) and alias not in values:
            values[alias] = values[setting]
    return values


def fill_template(template: RequestTemplate, profile: Profile, provider: Provider,
                  learned: Mapping[str, Any] | None = None) -> tuple[RequestSpec, list[str]]:
    """The template as a request; values nobody has stay visible as ``{{name}}``.

    ``render_request`` would leave a gap where a value is missing; in the
    composer the placeholder is kept instead, so lint names it and the user
    sees exactly what to fill in.
    """
    values = template_values(profile, provider, learned)
    spec, missing = render_request(template, values, profile.base_url)
    if missing:
        values.update({name: "{{" + name + "}}" for name in missing})
        spec, _ = render_request(template, values, profile.base_url)
    return spec, missing


# -- exchanges back into requests ---------------------------------------------------------------

def auth_header_name(provider: Provider | None) -> str | None:
    """The header the profile's credentials travel in, or None without auth."""
    if provider is None or provider.auth.type is AuthType.NONE:
        return None
    if provider.auth.type is AuthType.API_KEY:
        return provider.auth.header
    return "Authorization"


def editable_spec(exchange: Exchange, provider: Provider | None) -> RequestSpec:
    """An Exchange's request as the composer edits it: no credentials, no transport headers.

    The profile attaches its credentials again when the request is re-sent,
    so they never appear in the editable headers.
    """
    from desktop.core.redact import secret_kind

    auth = (auth_header_name(provider) or "Authorization").lower()
    headers: Pairs = []
    attached_auth = False
    for name, value in exchange.request.headers:
        lowered = name.lower()
        if lowered in TRANSPORT_HEADERS:
            continue
        if lowered == "user-agent" and value.startswith("Switchboard/"):
            continue
        if lowered == "accept" and value == "*/*":
            continue
        if lowered == auth:
            attached_auth = True
            continue
        if secret_kind(name) is not None:
            continue
        headers.append((name, value))
    is_token_request = bool(provider and provider.auth.uses_token and provider.auth.token_path
                            and urlsplit(exchange.request.url).path.endswith(
                                provider.auth.token_path))
    return RequestSpec(method=exchange.request.method, url=exchange.request.url,
                       headers=tuple(headers), body=exchange.request.body,
                       attach_auth=attached_auth and not is_token_request)


def credential_headers(headers: Iterable[tuple[str, str]], provider: Provider | None) -> list[str]:
    """Names of the headers that carry credentials (a pasted curl's Authorization, API key)."""
    from desktop.core.redact import secret_kind

    auth = (auth_header_name(provider) or "").lower()
    return [name for name, _ in headers
            if name.lower() == auth or secret_kind(name) is not None]


def drop_headers(spec: RequestSpec, names: Iterable[str]) -> RequestSpec:
    lowered = {name.lower() for name in names}
    return replace(spec, headers=tuple((k, v) for k, v in spec.headers
                                       if k.lower() not in lowered))


def curl_headers(headers: Headers | Iterable[tuple[str, str]]) -> Pairs:
    """Recorded headers worth putting in a curl command: curl writes the transport ones."""
    return [(name, value) for name, value in headers if name.lower() not in TRANSPORT_HEADERS]


def curl_command(request: RequestRecord | RequestSpec, redactor: Redactor | None) -> str:
    """The request as a curl command, through ``redactor`` unless it is None (a copy with
    secrets, which the UI only makes after a warning). Raises ``CurlExportError``."""
    from desktop.core.curl import to_curl

    url, headers, body = request.url, curl_headers(request.headers), request.body
    if redactor is not None:
        content_type = header_value(tuple(headers), "Content-Type")
        url = redactor.redact_url(url)
        headers = redactor.redact_headers(headers)
        body = redactor.redact_bytes(body, content_type)
    return to_curl(request.method, url, headers, body)


# -- words ---------------------------------------------------------------------------------------

def status_text(status: int, reason: str = "") -> str:
    """``401 Unauthorized``: the server's reason phrase, or the standard one (HTTP/2 has none)."""
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".strip()


def redactor_for(session: ProfileSession) -> Redactor:
    """A redactor that knows this profile's secrets and every access token it was issued."""
    return session.redactor()

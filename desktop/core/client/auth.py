"""Authentication as httpx auth flows: OAuth2 client credentials, API key, static bearer.

The OAuth2 flow is the provider docs' advice in code: acquire a token on
first use, cache it with its expiry, and on a 401 get one fresh token and
retry once. It knows whether the token on a request was just acquired, so
a 401 with a fresh token is diagnosed differently from one with an old one.

Token requests are not sent through the request being authorised: the flow
hands them to ``send_token`` (the ProfileClient's), which never follows a
redirect. A 307 would otherwise re-post the client secret to wherever it
points; a token endpoint that redirects is reported instead.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import httpx

from desktop.core.client.recording import (
    EXT_AUTH_HEADERS,
    EXT_AUTH_ORIGIN,
    EXT_COLLECT,
    EXT_MAX_BODY,
    EXT_SEND_DEADLINE,
    EXT_STEP,
    EXT_TOKEN_COLLECT,
    EXT_TOKEN_FRESH,
    EXT_TOKEN_URL,
    origin_of,
)

if TYPE_CHECKING:
    from desktop.core.exchange import Exchange

SecretGetter = Callable[[], str | None]
TokenSender = Callable[[httpx.Request], Awaitable[httpx.Response]]
"""Sends one token request as it is (never following a redirect); returns the read response."""
FRESH_SECONDS = 60.0
"""A token younger than this counts as freshly acquired."""
EXPIRY_MARGIN = 30.0
TOKEN_BODY_LIMIT = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TokenState:
    acquired_at: float
    expires_at: float | None
    """When the server said the token ends (``expires_in``); None when it did not say."""
    token_type: str = "bearer"
    documented_lifetime: float | None = None
    """The lifetime the provider's documentation gives, used when the server states none."""

    @property
    def lifetime_stated(self) -> bool:
        return self.expires_at is not None

    def age(self, now: float | None = None) -> float:
        return max(0.0, (now or time.time()) - self.acquired_at)

    def fresh(self, now: float | None = None) -> bool:
        return self.age(now) < FRESH_SECONDS

    def expires_in(self, now: float | None = None) -> float | None:
        """Seconds left as the server stated them; None when it stated no lifetime."""
        return None if self.expires_at is None else self.expires_at - (now or time.time())

    def expired(self, now: float | None = None) -> bool:
        """Past the stated lifetime, or the documented one when the server stated none."""
        ends = self.expires_at
        if ends is None and self.documented_lifetime is not None:
            ends = self.acquired_at + self.documented_lifetime
        return ends is not None and ends - (now or time.time()) <= EXPIRY_MARGIN

    def lifetime_text(self, now: float | None = None) -> str:
        """``expires in 54 min``, or ``lifetime not stated (documented: 1 year)``."""
        left = self.expires_in(now)
        if left is not None:
            return "expired" if left <= 0 else f"expires in {_duration(left)}"
        if self.documented_lifetime is not None:
            return f"lifetime not stated (documented: {_duration(self.documented_lifetime)})"
        return "lifetime not stated"

    def describe(self, now: float | None = None) -> str:
        """``Bearer (token fresh, expires in 54 min)``: shown instead of the token itself."""
        freshness = "token fresh" if self.fresh(now) else f"token {_duration(self.age(now))} old"
        return f"Bearer ({freshness}, {self.lifetime_text(now)})"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)} h"
    if seconds >= 360 * 86400:
        years = round(seconds / (365 * 86400), 1)
        return "1 year" if years == 1 else f"{years:g} years"
    return f"{round(seconds / 86400)} days"


class TokenError(Exception):
    """The token endpoint did not give us a token; the request was not sent."""

    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.exchange: Exchange | None = None
        """The token request's Exchange, when it reached the wire (set by the client)."""


class TokenRedirectError(TokenError):
    """The token endpoint answered with a redirect; credentials are not sent after it."""


def _stated_lifetime(value: object) -> float | None:
    """``expires_in`` as seconds, or None when absent or not a positive finite number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if 0 < seconds < 1e10 else None


def _refusal(status: int, data: object, raw: bytes) -> str:
    """Why a token response is not a token, quoting what came back."""
    if isinstance(data, dict):
        reason = data.get("error_description") or data.get("error") or data.get("message")
        if isinstance(reason, str) and reason:
            return f"The token endpoint answered {status}: {_excerpt(reason)}"
    ok = 200 <= status < 300
    what = "without an access_token" if ok else "without a token"
    text = raw.decode("utf-8", "replace").strip()
    return (f"The token endpoint answered {status} {what}"
            + (f": {_excerpt(text)}" if text else " and an empty body."))


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class MissingCredentialsError(TokenError):
    """A secret the provider needs is not set on the profile."""


def _mark(request: httpx.Request, header: str, origin: tuple[str, str, int | None]) -> None:
    names = list(request.extensions.get(EXT_AUTH_HEADERS) or [])
    if header not in names:
        names.append(header)
    request.extensions[EXT_AUTH_HEADERS] = names
    request.extensions[EXT_AUTH_ORIGIN] = origin


class OAuth2ClientCredentials(httpx.Auth):
    """Client-credentials grant, form or JSON body, credentials in the body or HTTP Basic."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: Callable[[], str],
        client_secret: SecretGetter,
        body: str = "form",
        credentials: str = "basic",
        default_lifetime: float | None = None,
        scope: str = "",
        clock: Callable[[], float] = time.time,
        send_token: TokenSender | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        """``send_token`` sends token requests (the ProfileClient's, which follows no
        redirect); without it they are yielded to httpx like any request, where the
        RecordingTransport still refuses a redirect hop. ``on_token`` learns each new
        access token the moment it is accepted (the redactor must know it)."""
        self.token_url = token_url
        self._send_token = send_token
        self._on_token = on_token
        self._client_id = client_id
        self._client_secret = client_secret
        self.body = body
        self.credentials = credentials
        self.default_lifetime = default_lifetime
        self.scope = scope
        self._clock = clock
        self._token: str | None = None
        self.state: TokenState | None = None
        self._lock = asyncio.Lock()
        self._origin = origin_of(httpx.URL(token_url))

    # -- token bookkeeping --------------------------------------------------------------------

    def forget(self) -> None:
        self._token = None
        self.state = None

    @property
    def token(self) -> str | None:
        return self._token

    def _usable(self) -> bool:
        return self._token is not None and self.state is not None and not self.state.expired(
            self._clock())

    def build_token_request(self) -> httpx.Request:
        client_id = self._client_id()
        secret = self._client_secret()
        if not client_id or not secret:
            missing = "client id" if not client_id else "client secret"
            raise MissingCredentialsError(
                f"The profile has no {missing}: set it before requesting a token.")
        fields: dict[str, str] = {"grant_type": "client_credentials"}
        if self.scope:
            fields["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.credentials == "basic":
            # RFC 6749 2.3.1: id and secret are form-urlencoded before base64.
            pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            fields["client_id"] = client_id
            fields["client_secret"] = secret
        if self.body == "json":
            content = json.dumps(fields).encode()
            headers["Content-Type"] = "application/json"
        else:
            content = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = httpx.Request("POST", self.token_url, headers=headers, content=content)
        request.extensions[EXT_MAX_BODY] = TOKEN_BODY_LIMIT
        request.extensions[EXT_TOKEN_URL] = str(request.url)  # and no other URL, ever
        if self.credentials == "basic":
            _mark(request, "Authorization", self._origin)
        return request

    async def accept_token_response(self, response: httpx.Response) -> None:
        """Take the token from a token-endpoint response, or raise TokenError saying why.

        Any 2xx carrying an ``access_token`` is a token: eCourtDate documents ``201``
        with no ``expires_in``, Red Cloud ``200`` with one. A missing lifetime is
        recorded as not stated, never replaced by a guess.
        """
        # aread() (not a streaming read) because httpx reads this response again
        # after the flow; the transport caps token bodies (EXT_MAX_BODY).
        raw = await response.aread()
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            data = {}
        token = data.get("access_token") if isinstance(data, dict) else None
        if not 200 <= response.status_code < 300 or not isinstance(token, str) or not token:
            raise TokenError(_refusal(response.status_code, data, raw), response)
        now = self._clock()
        lifetime = _stated_lifetime(data.get("expires_in"))
        self._token = token
        self.state = TokenState(
            acquired_at=now, expires_at=None if lifetime is None else now + lifetime,
            token_type=str(data.get("token_type") or "bearer"),
            documented_lifetime=self.default_lifetime)

    async def fetch_token(self, request: httpx.Request) -> TokenState:
        """Send a token request through ``send_token`` and take its token; raises TokenError.

        A redirect is refused with TokenRedirectError, whatever its status and target.
        """
        if self._send_token is None:
            raise TokenError("No token sender: this flow yields its token requests.")
        response = await self._send_token(request)
        try:
            self.refuse_redirect(response)
            await self.accept_token_response(response)
        finally:
            await response.aclose()
        self._learned()
        assert self.state is not None
        return self.state

    def refuse_redirect(self, response: httpx.Response) -> None:
        """Raise TokenRedirectError for a 3xx: the credentials stay where they were sent."""
        if 300 <= response.status_code < 400:
            from desktop.core.client.findings import token_redirect

            finding = token_redirect(str(response.request.url), response.headers.get("Location"),
                                     response.status_code)
            raise TokenRedirectError(finding.title, response)

    def _learned(self) -> None:
        if self._on_token is not None and self._token:
            self._on_token(self._token)

    def _token_request_for(self, request: httpx.Request) -> httpx.Request:
        """A token request made on behalf of ``request``: same step, same overall deadline,
        its Exchanges handed to whoever collects that request's token exchanges."""
        token_request = self.build_token_request()
        for key in (EXT_STEP, EXT_SEND_DEADLINE):
            if key in request.extensions:
                token_request.extensions[key] = request.extensions[key]
        collect = request.extensions.get(EXT_TOKEN_COLLECT)
        if collect is not None:
            token_request.extensions[EXT_COLLECT] = collect
        return token_request

    # -- the flow -------------------------------------------------------------------------------

    def _authorise(self, request: httpx.Request) -> None:
        assert self._token is not None
        assert self.state is not None
        request.headers["Authorization"] = f"Bearer {self._token}"
        request.extensions[EXT_TOKEN_FRESH] = self.state.fresh(self._clock())
        _mark(request, "Authorization", origin_of(request.url))

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        async with self._lock:
            if not self._usable():
                if self._send_token is not None:
                    await self.fetch_token(self._token_request_for(request))
                else:
                    token_response = yield self._token_request_for(request)
                    self.refuse_redirect(token_response)
                    await self.accept_token_response(token_response)
                    self._learned()
        self._authorise(request)
        response = yield request
        if response.status_code != 401:
            return
        # One fresh token and one retry, as the provider docs ask; never a loop.
        await response.aread()
        async with self._lock:
            if self._send_token is not None:
                await self.fetch_token(self._token_request_for(request))
            else:
                token_response = yield self._token_request_for(request)
                self.refuse_redirect(token_response)
                await self.accept_token_response(token_response)
                self._learned()
        self._authorise(request)
        yield request


class ApiKeyAuth(httpx.Auth):
    """A key in a header (``X-Api-Key: ...``), optionally with a prefix (``Bearer ``)."""

    def __init__(self, header: str, key: SecretGetter, prefix: str = "") -> None:
        self.header = header
        self._key = key
        self.prefix = prefix

    def auth_flow(self, request: httpx.Request):
        key = self._key()
        if key:
            request.headers[self.header] = f"{self.prefix}{key}"
            _mark(request, self.header, origin_of(request.url))
        yield request

"""ProfileClient: the one object through which a profile talks to its API.

It owns an ``httpx.AsyncClient`` whose transport is injectable (tests pass
``httpx.MockTransport`` or talk to the loopback sandbox) and wrapped by the
RecordingTransport, so every request on the wire becomes an Exchange that
is diagnosed and handed to the history. No other code opens connections.

Every exchange has a deadline (``ClientOptions.deadline``, shorter for token
requests), and every send an overall one (``total_timeout``): a server that
keeps a connection open and drips its answer ends in an Exchange with a
transport error and a finding, never a hang. A token that cannot be had is
a finding too: on the 401 that needed a fresh one, or on the token request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from desktop import __version__
from desktop.core.client import findings
from desktop.core.client.auth import ApiKeyAuth, OAuth2ClientCredentials, TokenError, TokenState
from desktop.core.client.body import DEFAULT_BODY_CAP
from desktop.core.client.jsonload import MAX_JSON_DEPTH, too_deep
from desktop.core.client.recording import (
    EXT_COLLECT,
    EXT_DEADLINE,
    EXT_SEND_DEADLINE,
    EXT_STEP,
    EXT_TOKEN_COLLECT,
    Deadline,
    RecordingTransport,
)
from desktop.core.client.response_facts import find_request_id, sample_for
from desktop.core.client.spec import RequestSpec, join_url
from desktop.core.diagnosis import explain, nothing_to_explain
from desktop.core.exchange import Exchange
from desktop.core.profile_checks import diagnosis_facts
from desktop.core.profiles import Profile
from desktop.core.provider.model import AuthType, Provider
from desktop.core.secrets import SecretKind

log = logging.getLogger(__name__)

SecretLookup = Callable[[SecretKind], str | None]
USER_AGENT = f"Switchboard/{__version__}"
_BACKSTOP_GRACE = 5.0
"""Seconds past ``total_timeout`` before the send itself is cut (the transport ends first)."""


@dataclass(frozen=True, slots=True)
class ClientOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    """Longest silence between two bytes (httpx's); a dripping server never trips it."""
    deadline: float = 60.0
    """Longest one exchange may take, connect to last body byte; each redirect hop and the
    401 retry get their own. Past it: a transport error and a ``client.deadline`` finding."""
    token_deadline: float = 30.0
    """The same for token requests: a token endpoint answers in well under a second, and a
    send waits on it before it can even start."""
    total_timeout: float = 120.0
    """Longest one send may take in all (token, redirect hops, the 401 retry): an endless
    body is cut off here at the latest."""
    body_cap: int = DEFAULT_BODY_CAP
    verify_tls: bool = True
    follow_redirects: bool = True
    max_redirects: int = 5
    max_in_flight: int = 20
    """Requests on the wire at once (and connections kept); later sends wait their turn."""


class ProfileClient:
    def __init__(
        self,
        profile: Profile,
        provider: Provider,
        secrets: SecretLookup,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        options: ClientOptions | None = None,
        enrich: Callable[[Exchange], None] | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        """``on_token`` hears each access token as soon as it is acquired (for redactors)."""
        self.profile = profile
        self._on_token = on_token
        self.provider = provider
        self._secrets = secrets
        self.options = options or ClientOptions()
        self._on_exchange = on_exchange
        self._enrich = enrich
        inner = transport or httpx.AsyncHTTPTransport(
            verify=self.options.verify_tls, retries=0,
            limits=httpx.Limits(max_connections=self.options.max_in_flight,
                                max_keepalive_connections=self.options.max_in_flight))
        self._recording = RecordingTransport(inner, self._record, profile=profile.name,
                                             body_cap=self.options.body_cap)
        self.auth = self._build_auth()
        # Sends beyond the pool's size wait on this rather than in httpcore's pool: the pool
        # rescans its whole queue, and checks every connection's socket, for each request
        # that arrives or ends. 500 sends started at once held the UI's loop for a quarter
        # of a second, and with 100 connections those checks were half the CPU time of a
        # busy window (tests/benchmarks, responsiveness; py-spy). 20 connections is more
        # than any provider's rate limit lets one profile use. A free slot costs nothing.
        self._slots = asyncio.Semaphore(self.options.max_in_flight)
        self._http = httpx.AsyncClient(
            transport=self._recording,
            timeout=httpx.Timeout(self.options.read_timeout,
                                  connect=self.options.connect_timeout),
            follow_redirects=self.options.follow_redirects,
            max_redirects=self.options.max_redirects,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    # -- auth -----------------------------------------------------------------------------------

    def _build_auth(self) -> httpx.Auth | None:
        auth = self.provider.auth
        if auth.type is AuthType.OAUTH2_CLIENT_CREDENTIALS:
            return OAuth2ClientCredentials(
                token_url=join_url(self.profile.base_url, auth.token_path),
                client_id=lambda: self.profile.settings.get("client_id", ""),
                client_secret=lambda: self._secrets(SecretKind.CLIENT_SECRET),
                body=auth.body,
                credentials=self.profile.settings.get("auth_credentials") or auth.credentials,
                default_lifetime=auth.lifetime,
                scope=auth.scope,
                send_token=self._send_token_request,
                on_token=self._token_acquired,
            )
        if auth.type is AuthType.API_KEY:
            return ApiKeyAuth(auth.header, lambda: self._secrets(SecretKind.API_KEY), auth.prefix)
        if auth.type is AuthType.BEARER:
            return ApiKeyAuth("Authorization", lambda: self._secrets(SecretKind.TOKEN),
                              "Bearer ")
        return None

    @property
    def token_state(self) -> TokenState | None:
        return self.auth.state if isinstance(self.auth, OAuth2ClientCredentials) else None

    def auth_description(self) -> str:
        """What the composer shows in place of the credential itself."""
        kind = self.provider.auth.type
        if kind is AuthType.OAUTH2_CLIENT_CREDENTIALS:
            state = self.token_state
            return state.describe() if state else "Bearer (token acquired on first request)"
        if kind is AuthType.API_KEY:
            has_key = bool(self._secrets(SecretKind.API_KEY))
            return f"{self.provider.auth.header}: " + ("•••• (from keychain)" if has_key
                                                       else "not set")
        if kind is AuthType.BEARER:
            return "Bearer •••• (from keychain)" if self._secrets(SecretKind.TOKEN) else \
                "Bearer token not set"
        return "No authentication"

    def forget_token(self) -> None:
        if isinstance(self.auth, OAuth2ClientCredentials):
            self.auth.forget()

    def secret(self, kind: SecretKind) -> str | None:
        return self._secrets(kind)

    async def acquire_token(
        self, *, step: str | None = None, collect: Callable[[Exchange], None] | None = None
    ) -> TokenState:
        """Request a new token now (the checklist's token step); raises TokenError, whose
        ``exchange`` is the token request's when it reached the wire."""
        if not isinstance(self.auth, OAuth2ClientCredentials):
            raise TokenError("This provider does not use OAuth2 tokens.")
        try:
            request = self.auth.build_token_request()
        except httpx.InvalidURL as exc:
            raise TokenError(f"The token URL is not valid: {exc}") from None
        seen: list[Exchange] = []

        def keep(exchange: Exchange) -> None:
            seen.append(exchange)
            if collect is not None:
                collect(exchange)

        if step:
            request.extensions[EXT_STEP] = step
        request.extensions[EXT_COLLECT] = keep
        total = self.options.total_timeout
        request.extensions[EXT_SEND_DEADLINE] = Deadline(
            asyncio.get_running_loop().time() + total, total)
        try:
            return await self.auth.fetch_token(request)
        except TokenError as exc:
            exc.exchange = seen[-1] if seen else None
            raise

    async def _send_token_request(self, request: httpx.Request) -> httpx.Response:
        """One token request, read whole, within the token deadline; never follows a redirect
        (its body or Authorization header holds the client secret)."""
        request.extensions.setdefault(EXT_DEADLINE, self.options.token_deadline)
        try:
            return await self._http.send(request, auth=None, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise TokenError(f"The token endpoint did not answer in time: {exc}") from exc
        except httpx.TransportError as exc:
            raise TokenError(f"The token endpoint could not be reached: {exc}") from exc

    def _token_acquired(self, token: str) -> None:
        if self._on_token is not None:
            self._on_token(token)

    # -- sending --------------------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        return join_url(self.profile.base_url, path)

    async def send(self, spec: RequestSpec, *, step: str | None = None) -> Exchange:
        """Send one request; returns the final Exchange (after any token, retry or redirect).

        Raises TokenError when a token could not be acquired before the request
        went out (the request was not sent; the token Exchange is in the history
        and in the error's ``exchange``). When the request went out, got a 401,
        and the fresh token could not be had, the 401 is returned with a
        ``client.token_refresh_failed`` finding first. A transport failure or a
        deadline is not raised: it is the returned Exchange's ``error``. Time
        spent waiting for one of ``max_in_flight`` slots is not part of any
        timeout.
        """
        async with self._slots:
            return await self._send(spec, step)

    async def _send(self, spec: RequestSpec, step: str | None) -> Exchange:
        request = self._http.build_request(spec.method, spec.url, headers=list(spec.headers),
                                           content=spec.body or None)
        if step:
            request.extensions[EXT_STEP] = step
        total = self.options.total_timeout
        request.extensions[EXT_DEADLINE] = self.options.deadline
        request.extensions[EXT_SEND_DEADLINE] = Deadline(
            asyncio.get_running_loop().time() + total, total)
        collected: list[Exchange] = []
        tokens: list[Exchange] = []
        # Redirect hops and the 401 retry carry the same extensions: all land here.
        request.extensions[EXT_COLLECT] = collected.append
        request.extensions[EXT_TOKEN_COLLECT] = tokens.append
        auth = self.auth if spec.attach_auth else None
        try:
            # The transport ends every exchange at its deadline; this is the backstop.
            async with asyncio.timeout(total + _BACKSTOP_GRACE):
                response = await self._http.send(request, auth=auth, stream=True)
                try:
                    async for _chunk in response.aiter_raw():
                        pass  # the RecordingTransport keeps what fits under the cap
                finally:
                    await response.aclose()
        except TimeoutError:
            if collected and collected[-1].response is not None:
                collected[-1].response.incomplete = (
                    f"the response did not end within {total:g} s; the rest was not read")
        except (httpx.TransportError, httpx.TooManyRedirects):
            pass  # recorded: the last Exchange carries the error and its finding
        except TokenError as exc:
            exc.exchange = tokens[-1] if tokens else None
            if not collected:
                raise  # the request itself was never sent
            # It went out, got a 401, and the fresh token could not be had: say so on it.
            collected[-1].findings.insert(0, findings.token_refresh_failed(str(exc)))
        if not collected:
            if tokens:
                error = TokenError(f"The token request did not end: {tokens[-1].summary}")
                error.exchange = tokens[-1]
                raise error
            raise RuntimeError(f"{spec.method} {spec.url} produced no exchange")
        return collected[-1]

    def _record(self, exchange: Exchange) -> None:
        self._finish(exchange)
        if self._on_exchange is not None:
            self._on_exchange(exchange)

    def _finish(self, exchange: Exchange) -> None:
        """Request id, rate-limit sample and findings, once the body is in.

        Whatever the answer, this must not raise: it runs inside the transport, and an
        error here would lose the Exchange. A rule that fails is said in a finding.
        """
        try:
            self._diagnose(exchange)
        except Exception as exc:
            log.warning("diagnosing %s failed: %s: %s", exchange.summary, type(exc).__name__,
                        exc)
            exchange.findings.append(findings.diagnosis_failed(exc))

    def _diagnose(self, exchange: Exchange) -> None:
        response = exchange.response
        if response is not None and response.body and not response.truncated \
                and response.body.lstrip()[:1] in (b"[", b"{") and too_deep(response.body):
            exchange.findings.append(findings.json_too_deep(MAX_JSON_DEPTH))
        exchange.request_id = find_request_id(exchange, self.provider)
        exchange.ratelimit = sample_for(exchange, self.provider)
        if self._enrich is not None:
            self._enrich(exchange)
        if nothing_to_explain(exchange, self.provider):
            return
        facts = diagnosis_facts(self.profile, self.provider, self._secret_map())
        facts["token_fresh"] = exchange.token_fresh
        state = self.token_state
        if state is not None:
            facts["token_age_s"] = state.age()
        facts["auth_header_sent"] = exchange.request.header(
            self.provider.auth.header if self.provider.auth.type is AuthType.API_KEY
            else "Authorization") is not None
        exchange.findings.extend(explain(exchange, self.provider, facts))

    def _secret_map(self) -> dict[SecretKind, str | None]:
        return {kind: self._secrets(kind) for kind in (SecretKind.CLIENT_SECRET,
                                                       SecretKind.API_KEY, SecretKind.TOKEN)}

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ProfileClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

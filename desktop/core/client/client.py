"""ProfileClient: the one object through which a profile talks to its API.

It owns an ``httpx.AsyncClient`` whose transport is injectable (tests pass
``httpx.MockTransport`` or talk to the loopback sandbox) and wrapped by the
RecordingTransport, so every request on the wire becomes an Exchange that
is diagnosed and handed to the history. No other code opens connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from desktop import __version__
from desktop.core.client.auth import ApiKeyAuth, OAuth2ClientCredentials, TokenError, TokenState
from desktop.core.client.body import DEFAULT_BODY_CAP
from desktop.core.client.recording import EXT_COLLECT, EXT_STEP, RecordingTransport
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


@dataclass(frozen=True, slots=True)
class ClientOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    """A response body still arriving after this long is cut off (endless streams)."""
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
    ) -> None:
        self.profile = profile
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
        """Request a new token now (the checklist's token step); raises TokenError."""
        if not isinstance(self.auth, OAuth2ClientCredentials):
            raise TokenError("This provider does not use OAuth2 tokens.")
        request = self.auth.build_token_request()
        if step:
            request.extensions[EXT_STEP] = step
        if collect is not None:
            request.extensions[EXT_COLLECT] = collect
        try:
            response = await self._http.send(request, auth=None, follow_redirects=False)
        except httpx.TransportError as exc:
            raise TokenError(f"The token endpoint could not be reached: {exc}") from exc
        try:
            await self.auth.accept_token_response(response)
        finally:
            await response.aclose()
        assert self.auth.state is not None
        return self.auth.state

    # -- sending --------------------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        return join_url(self.profile.base_url, path)

    async def send(self, spec: RequestSpec, *, step: str | None = None) -> Exchange:
        """Send one request; returns the final Exchange (after any token, retry or redirect).

        Raises TokenError when a token could not be acquired (the request was
        not sent; the token Exchange is in the history). A transport failure
        is not raised: it is the returned Exchange's ``error``. Time spent
        waiting for one of ``max_in_flight`` slots is not part of any timeout.
        """
        async with self._slots:
            return await self._send(spec, step)

    async def _send(self, spec: RequestSpec, step: str | None) -> Exchange:
        request = self._http.build_request(spec.method, spec.url, headers=list(spec.headers),
                                           content=spec.body or None)
        if step:
            request.extensions[EXT_STEP] = step
        collected: list[Exchange] = []
        # Redirect hops and the 401 retry carry the same extensions: all land here.
        request.extensions[EXT_COLLECT] = collected.append
        auth = self.auth if spec.attach_auth else None
        try:
            async with asyncio.timeout(self.options.total_timeout):
                response = await self._http.send(request, auth=auth, stream=True)
                try:
                    async for _chunk in response.aiter_raw():
                        pass  # the RecordingTransport keeps what fits under the cap
                finally:
                    await response.aclose()
        except TimeoutError:
            if collected and collected[-1].response is not None:
                collected[-1].response.incomplete = (
                    f"the response did not end within {self.options.total_timeout:g} s; "
                    "the rest was not read")
        except (httpx.TransportError, httpx.TooManyRedirects) as exc:
            if not collected:
                # Only the token request reached the wire (it is in the history): the
                # request itself was never sent.
                raise TokenError(f"The token endpoint could not be reached: {exc}") from exc
        if not collected:
            raise RuntimeError(f"{spec.method} {spec.url} produced no exchange")
        return collected[-1]

    def _record(self, exchange: Exchange) -> None:
        self._finish(exchange)
        if self._on_exchange is not None:
            self._on_exchange(exchange)

    def _finish(self, exchange: Exchange) -> None:
        """Request id, rate-limit sample and findings, once the body is in."""
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

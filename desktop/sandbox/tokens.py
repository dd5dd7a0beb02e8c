"""The tokens the Sandbox has issued (no aiohttp here: the server loads it on first use)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IssuedToken:
    client_id: str
    expires_at: float


class TokenStore:
    """Tokens the Sandbox issued, bounded: the oldest are forgotten first."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_tokens: int = 10_000):
        self._clock = clock
        self._max_tokens = max_tokens
        self._tokens: OrderedDict[str, IssuedToken] = OrderedDict()

    def issue(self, client_id: str, lifetime: float) -> str:
        # imported here: hashing stays unloaded while the idle window's sandbox waits
        # for its first client (see desktop.sandbox.server; idle RSS)
        import secrets

        token = "sbx_" + secrets.token_urlsafe(32)
        self._tokens[token] = IssuedToken(client_id, self._clock() + lifetime)
        while len(self._tokens) > self._max_tokens:
            self._tokens.popitem(last=False)
        return token

    def get(self, token: str) -> IssuedToken | None:
        return self._tokens.get(token)

    def expired(self, issued: IssuedToken) -> bool:
        return self._clock() >= issued.expires_at

    def clear(self) -> None:
        self._tokens.clear()

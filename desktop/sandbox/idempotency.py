"""Idempotency keys: the same key and body replay the first answer, not a new send.

This is the behaviour the seed's "duplicate messages" symptom hinges on: a
retry that reuses its key is safe, a retry under a new key is a second
message. Keys live 24 hours (configurable) in a bounded LRU.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: bytes
    stored_at: float


def fingerprint(body: bytes) -> str:
    """A digest of the request body that ignores JSON whitespace and key order."""
    # imported here: hashing stays unloaded while the idle window's sandbox waits
    # for its first client (see desktop.sandbox.server; idle RSS)
    import hashlib

    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):
        return "raw:" + hashlib.sha256(body).hexdigest()
    return "json:" + hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    """Responses remembered per (API client, key), oldest evicted first."""

    def __init__(
        self,
        ttl: float = 24 * 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self._max_keys = max_keys
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], StoredResponse] = OrderedDict()

    def lookup(self, scope: str, key: str) -> StoredResponse | None:
        entry = self._entries.get((scope, key))
        if entry is None:
            return None
        if self._clock() - entry.stored_at >= self.ttl:
            del self._entries[(scope, key)]
            return None
        self._entries.move_to_end((scope, key))
        return entry

    def remember(self, scope: str, key: str, fingerprint: str, status: int, body: bytes) -> None:
        self._entries[(scope, key)] = StoredResponse(fingerprint, status, body, self._clock())
        self._entries.move_to_end((scope, key))
        while len(self._entries) > self._max_keys:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

"""Load for the receiver figures: a raw HTTP/1.1 poster, signed events, an unsigned flood.

Hand-written over asyncio streams (not httpx or aiohttp) so the client costs little
next to the receiver it loads, and so it can keep posting whatever the receiver does
to a connection: each worker reconnects when one is closed or reset.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from desktop.core.webhooks.signatures import sign


@dataclass(slots=True)
class Tally:
    sent: int = 0
    ok: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    failed: int = 0
    acked: list[str] = field(default_factory=list)
    """Receipt ids the receiver answered 2xx with."""


class Poster:
    """One keep-alive connection, reopened when the receiver closes it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path or "/"
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """(status, response body); raises OSError/IncompleteReadError when the peer fails."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        head = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"connection" and b"close" in value.lower():
                    close = True
            answer = await reader.readexactly(length)
        except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
            self.close()
            raise ConnectionError("the receiver closed or reset the connection") from None
        if close:
            self.close()
        return status, answer

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def signed_event(secret: str, n: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({
        "id": f"evt_{n:08d}_{secrets.token_hex(4)}", "type": "message.delivery", "sequence": 3,
        "createdAt": "2026-01-01T00:00:00Z",
        "data": {"messageId": f"msg_{n:08d}", "status": "delivered",
                 "externalReference": f"bench-{n}"},
    }, separators=(",", ":")).encode()
    return body, {"Content-Type": "application/json", **sign("redcloud", secret, body)}


async def post_signed(url: str, secret: str, *, seconds: float, rate: float | None,
                      workers: int = 32, limit: int | None = None) -> Tally:
    """Signed events for ``seconds`` (at ``rate`` per second, or as fast as answered), at
    most ``limit`` of them."""
    tally = Tally()
    started = time.perf_counter()

    async def worker() -> None:
        poster = Poster(url)
        try:
            while limit is None or tally.sent < limit:
                n = tally.sent
                due = started + n / rate if rate else 0.0
                if due - started >= seconds or time.perf_counter() - started >= seconds:
                    return
                tally.sent += 1
                if (wait := due - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                body, headers = signed_event(secret, n)
                try:
                    status, answer = await poster.post(body, headers)
                except ConnectionRefusedError:  # the receiver is gone (killed): stop
                    tally.failed += 1
                    return
                except ConnectionError:
                    tally.failed += 1
                    continue
                if 200 <= status < 300:
                    tally.ok += 1
                    tally.acked.append(json.loads(answer)["id"])
                else:
                    tally.refused[status] = tally.refused.get(status, 0) + 1
        finally:
            poster.close()

    await asyncio.gather(*(worker() for _ in range(workers)))
    return tally


async def flood(url: str, *, count: int, size: int, workers: int = 32) -> Tally:
    """``count`` unsigned POSTs of ``size`` bytes each (a hostile or misconfigured sender)."""
    tally = Tally()
    body = b'{"pad":"' + b"x" * max(0, size - 10) + b'"}'

    async def worker() -> None:
        poster = Poster(url)
        try:
            while tally.sent < count:
                tally.sent += 1
                try:
                    status, _ = await poster.post(body, {"Content-Type": "application/json"})
                except ConnectionError:
                    tally.failed += 1
                    continue
                if 200 <= status < 300:
                    tally.ok += 1
                else:
                    tally.refused[status] = tally.refused.get(status, 0) + 1
        finally:
            poster.close()

    await asyncio.gather(*(worker() for _ in range(workers)))
    return tally

"""Hostile senders for the webhook receiver's tests: raw HTTP/1.1 over loopback sockets.

Raw asyncio streams rather than httpx, because the point is to misbehave as no client
library would: announce a body and drip it, never finish the headers, hold connections
open, flood. Also: the forms a secret travels in, to scan every byte the journal or the
terminal got.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from desktop.core.redact import Redactor
from desktop.core.webhooks.receiver import WebhookReceiver
from desktop.core.webhooks.store import WebhookStore

T = TypeVar("T")
GUARD = 20.0
"""Seconds before a test gives up waiting (a hang guard, never a speed assertion)."""


def serve(scenario: Callable[[WebhookReceiver], Awaitable[T]], store: WebhookStore,
          **options: object) -> T:
    """Run ``scenario`` against a started receiver over ``store``, then stop it."""

    async def main() -> T:
        receiver = WebhookReceiver(store, **options)  # type: ignore[arg-type]
        await receiver.start()
        try:
            return await asyncio.wait_for(scenario(receiver), GUARD * 3)
        finally:
            await receiver.stop()

    return asyncio.run(main())


def request_bytes(body: bytes, headers: dict[str, str] | None = None, path: str = "/hooks",
                  *, length: int | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1",
             f"Content-Length: {len(body) if length is None else length}",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one response."""
    status_line = await asyncio.wait_for(reader.readline(), GUARD)
    if not status_line:
        raise ConnectionResetError("closed before answering")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def post(port: int, body: bytes, headers: dict[str, str] | None = None,
               path: str = "/hooks") -> tuple[int, dict[str, str], bytes]:
    """One POST on its own connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes(body, headers, path))
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


async def closed_by_peer(reader: asyncio.StreamReader, guard: float = GUARD) -> bool:
    """True once the receiver closes the connection (whatever it sent before); False if it
    is still open after ``guard`` seconds."""
    try:
        async with asyncio.timeout(guard):
            while await reader.read(65536):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


def forms(secret: str) -> list[str]:
    """The secret as it may travel: as is, URL- and JSON-escaped, base64 (any offset) and hex."""
    raw = secret.encode()
    found = [secret, quote(secret, safe=""), json.dumps(secret)[1:-1], raw.hex()]
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        found.append(encoded[(pad * 8 + 5) // 6: (len(raw) + pad) * 8 // 6])
    return found


def assert_nowhere(secret: str, data: bytes | str, where: str = "output") -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    for form in forms(secret):
        assert form not in text, f"{form!r} is in the {where}"
    assert Redactor({"canary": secret}).find_known_secret(text) is None, where


def journal_bytes(directory: Path) -> bytes:
    """Every byte of every file under the journal's folder."""
    return b"".join(path.read_bytes() for path in sorted(directory.rglob("*"))
                    if path.is_file())

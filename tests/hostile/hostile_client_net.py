"""Hostile HTTP servers on 127.0.0.1 for the client's tests: raw asyncio, in their own thread.

Raw sockets rather than aiohttp, because the point is to misbehave as no framework
would let a server: drip a status line a byte at a time, answer a token request with
a 307 to another port, nest JSON a hundred thousand deep. Each server runs on its own
event loop in a thread, so code under test that calls ``asyncio.run`` (the CLI) and
tests that run their own loop can both talk to it. Every request it reads is kept,
raw, for the test to search for a secret that must not have arrived.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

Handler = Callable[["Received", asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    raw: bytes


class HostileServer:
    """``handler(request, writer)`` answers each request however it likes."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.received: list[Received] = []
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="hostile", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the hostile server did not start")

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._server = self.loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0))
        self._ready.set()
        self.loop.run_forever()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def raw_bytes(self) -> bytes:
        return b"".join(r.raw for r in self.received)

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                self.received.append(request)
                await self.handler(request, writer)
                if writer.is_closing():
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def stop(self) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


async def _read_request(reader: asyncio.StreamReader) -> Received | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Received(method, path, headers, body, head + body)


async def respond(writer: asyncio.StreamWriter, status: int, body: bytes | str | object = b"",
                  headers: tuple[tuple[str, str], ...] = (), *, close: bool = False) -> None:
    """A whole, well-formed answer (JSON for anything that is not bytes or text)."""
    if isinstance(body, str):
        data = body.encode()
        kind = "text/plain; charset=utf-8"
    elif isinstance(body, bytes):
        data, kind = body, "application/json"
    else:
        data, kind = json.dumps(body).encode(), "application/json"
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(data)}", f"Content-Type: {kind}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if close:
        lines.append("Connection: close")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data)
    await writer.drain()
    if close:
        writer.close()


async def drip(writer: asyncio.StreamWriter, data: bytes, every: float) -> None:
    """One byte at a time, ``every`` seconds apart: each restarts a read timeout."""
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(every)


def token_answer(token: str, expires_in: int = 3600) -> dict[str, object]:
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in}


def secret_forms(secret: str, client_id: str = "cid") -> list[bytes]:
    """The ways a client secret can travel in a token request: raw, form- and JSON-encoded,
    inside HTTP Basic (RFC 6749 form-encodes the pair first)."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return [secret.encode(), quote(secret, safe="").encode(), json.dumps(secret).encode(),
            base64.b64encode(pair), base64.b64encode(f"{client_id}:{secret}".encode())]


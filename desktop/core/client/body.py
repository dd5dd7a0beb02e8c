"""Response bodies with a size cap: keep the first N bytes, count the rest.

A 50 MB or never-ending response must not exhaust memory, and a gzip bomb
must not either: decoding is bounded by the same cap.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

DEFAULT_BODY_CAP = 10 * 1024 * 1024


@dataclass(slots=True)
class CappedBuffer:
    cap: int = DEFAULT_BODY_CAP
    chunks: list[bytes] = field(default_factory=list)
    kept: int = 0
    seen: int = 0

    def feed(self, chunk: bytes) -> None:
        self.seen += len(chunk)
        room = self.cap - self.kept
        if room > 0:
            piece = chunk if len(chunk) <= room else chunk[:room]
            self.chunks.append(piece)
            self.kept += len(piece)

    @property
    def truncated(self) -> bool:
        return self.seen > self.kept

    def value(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True, slots=True)
class Decoded:
    body: bytes
    problem: str | None = None
    overflow: bool = False
    """The decoded body was larger than the cap (the rest was dropped)."""


def decode_content(raw: bytes, encoding: str | None, cap: int) -> Decoded:
    """Undo gzip/deflate, bounded by ``cap`` (a gzip bomb stops at the cap).

    Only the codings httpx itself always supports are decoded; anything else
    is kept as received and said so.
    """
    coding = (encoding or "").strip().lower()
    if coding in ("", "identity"):
        return Decoded(raw)
    if coding not in ("gzip", "x-gzip", "deflate"):
        return Decoded(raw, f"body kept {coding}-encoded (not decoded)")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS
    try:
        decompressor = zlib.decompressobj(wbits)
        body = decompressor.decompress(raw, cap)
    except zlib.error:
        if coding == "deflate":  # some servers send raw deflate without the zlib header
            try:
                decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                body = decompressor.decompress(raw, cap)
            except zlib.error as exc:
                return Decoded(raw, f"the {coding} body could not be decoded ({exc})")
        else:
            return Decoded(raw, f"the {coding} body could not be decoded")
    if decompressor.unconsumed_tail:
        return Decoded(body, f"the decoded body is larger than the {cap:,}-byte cap; "
                       "the rest was dropped", overflow=True)
    return Decoded(body)

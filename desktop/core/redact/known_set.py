"""Known secrets as a set of small segments, so that learning one more costs one compile.

A redactor learns secrets as the session goes (each access token as it is
issued) and the journal and the log's redactor learn the same ones. Each
``Segment`` (``known``) holds the needles of a few values; segments are cut
where the values' hashes say (content-defined, as rsync cuts files) and
cached by content, so a set with one more token reuses every segment but the
last. One RE2 set (``known_gate``) says which segments a text may hold, and
matches of those are merged before anything is replaced.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from desktop.core.redact.known import Segment, merge_spans, replace_spans, sources
from desktop.core.redact.known_gate import gate_for
from desktop.core.redact.views import decode_view, hides

SEGMENT_SPLIT = 8
"""A segment ends after a value whose CRC-32 is divisible by this (8 values on average)."""
SEGMENT_MAX = 32
"""...or after this many values, whatever their hashes."""
# The cache holds what the live redactors share (the session's, the log's, the journal's:
# about 20 segments with their newest tokens): a segment costs about 100 KB per value.


def _segments_of(items: list[tuple[str, str]]) -> list[tuple[tuple[str, str], ...]]:
    """Content-defined chunks (as rsync cuts files): where a chunk ends depends on the values,
    not on their positions, so adding a secret at the end or dropping the oldest token
    changes one chunk and every other one is found in the cache as it was."""
    chunks: list[tuple[str, str]] = []
    out = []
    for value, kind in items:
        chunks.append((value, kind))
        cut = zlib.crc32(value.encode("utf-8", "surrogatepass")) % SEGMENT_SPLIT == 0
        if cut or len(chunks) >= SEGMENT_MAX:
            out.append(tuple(chunks))
            chunks = []
    if chunks:
        out.append(tuple(chunks))
    return out


@lru_cache(maxsize=24)
def _segment(items: tuple[tuple[str, str], ...]) -> Segment:
    return Segment(dict(items))


class KnownSecrets:
    """The needles of a set of secret values, with a fast presence test and replacement.

    Built from segments of a few values each, cached by content: a redactor that learns
    one more access token compiles one small segment, not every needle again (each new
    token used to cost a rebuild that grew with the tokens before it, until RE2 refused
    the set at about 400 tokens). Matches of all segments are merged before anything is
    replaced, so a secret that contains another is still removed whole."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        """``secrets`` maps value → kind; values shorter than MIN_SECRET_LENGTH are ignored."""
        self._secrets = dict(secrets)
        useful = [(value, kind) for value, kind in self._secrets.items() if sources(value)]
        self._segments = tuple(segment for segment in map(_segment, _segments_of(useful))
                               if segment)
        self._gate = gate_for(self._segments) if self._segments else None

    def __bool__(self) -> bool:
        return bool(self._segments)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its secrets (bundle workers): the regexes are rebuilt on the other side."""
        return (KnownSecrets, (self._secrets,))

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(anchor for segment in self._segments for anchor in segment.anchors)

    @property
    def max_length(self) -> int:
        """Bytes a match may span, line breaks included (the overlap when scanning slices)."""
        return max((segment.max_length for segment in self._segments), default=0)

    def _live(self, text: str) -> list[Segment]:
        """The segments with an anchor in ``text`` (``known_gate``): the only ones to search."""
        return self._gate.live(text) if self._gate is not None else []

    def present(self, text: str) -> bool:
        """Cheap test: False means no needle occurs in ``text``, in any form."""
        return bool(self._live(text))

    def find(self, data: str | bytes) -> str | None:
        """The kind of the first known secret found in ``data`` (in any form), or None."""
        text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data
        for segment in self._live(text):
            kind = segment.find(text)
            if kind is not None:
                return kind
        return None

    def replace(self, text: str, marker: Callable[[str], str],
                counted: Callable[..., None]) -> str:
        """Replace every needle (base64 ones widened to their run) with ``marker(kind)``,
        then whatever the decoded view still finds (wrapped, escaped, entity-encoded)."""
        live = self._live(text)
        if not live:
            return text
        text = replace_spans(text, merge_spans([span for segment in live
                                        for span in segment.spans(text)]), marker, counted)
        if hides(text):
            view = decode_view(text)
            if view is not None:
                spans = [(*view.span(start, end), kind) for segment in live
                         for start, end, kind in segment.spans(view.text)]
                text = replace_spans(text, merge_spans(spans), marker, counted)
        return text

    def replace_bytes(
        self, data: bytes, marker: Callable[[str], bytes], counted: Callable[..., None]
    ) -> bytes:
        """Replace needles in opaque bytes (no widening: the bytes have no known structure)."""
        if not self._segments:
            return data
        text = data.decode("utf-8", "surrogateescape")
        spans = merge_spans([span for segment in self._live(text)
                             for span in segment.spans_bytes(data)])
        return replace_spans(data, spans, marker, counted)


__all__ = ["KnownSecrets"]

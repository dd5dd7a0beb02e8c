"""What a diagnostic bundle is made of: its content, its planned files, the leak error.

Shared by planning (``bundle_plan``), writing (``bundle_zip``) and the public
API in ``desktop.core.bundle``, which re-exports the public names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from desktop.core.exchange import Exchange
from desktop.core.redact import RedactionReport

BUNDLE_FORMAT = "switchboard-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BUNDLE_FILES = ("har.json", "checklist.json", "summary.md", "webhooks.json", "ratelimits.csv",
                "ratelimits.png", "environment.json")
"""Every file a bundle may hold besides the manifest, in the order they are written."""

Progress = Callable[[float, str], None]
Steps = Generator[tuple[float, str], None, Any]
"""Work written as a generator: it yields ``(fraction, label)`` between chunks."""

_MARKERS = re.compile(
    r"\[REDACTED:([a-z0-9_]+)\]|%5BREDACTED:([a-z0-9_]+)%5D"
    r"|(?P<phone>\+?\d{0,3}[ (]*\*{2,}[*() .-]*\d{4})(?!\d)"
    r"|(?P<client_id>\*{4}[0-9A-Za-z_-]{0,4})(?![0-9A-Za-z_-])"
)



_ANCHORS = ("REDACTED", "**")
"""Every marker holds one of these, and none spans a line."""
_LEADING = frozenset("+0123456789 (%5B[")
"""What may come before a marker's anchor within the marker: a phone mask's ``+1 (``, the
``[`` or ``%5B`` of a marker."""
_TRAILING = frozenset("*() .-")
"""What a phone mask may hold between its stars and its last four digits."""
_TAIL = 64
"""Room after the anchor (and a phone mask's run of ``_TRAILING``) for the rest of a marker:
its kind and closing bracket, a mask's last digits, and what the lookaheads look at."""


def _marked_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` spans that hold every marker of ``text``, in order.

    ``_MARKERS`` tries a phone mask at every digit and space, so walking a whole indented
    3.5 MB HAR took 330 ms of the preview's time on the UI thread, and walking each line
    with a marker still 57 ms for a compact HAR, whose every line (one entry) has one.
    ``str.find`` skips to each anchor, and the regex runs on a span around it: back over
    what may precede an anchor in a marker, forward over a mask's punctuation and a
    marker's tail. Overlapping spans are merged, so a scan never starts inside a match.
    """
    spans = []
    for anchor in _ANCHORS:
        at = text.find(anchor)
        while at >= 0:
            start = at
            while start > 0 and text[start - 1] in _LEADING:
                start -= 1
            end = at + len(anchor)
            while end < len(text) and text[end] in _TRAILING:
                end += 1
            spans.append((start, end + _TAIL))
            at = text.find(anchor, end)
    spans.sort()
    merged_start = merged_end = -1
    for start, end in spans:
        if start > merged_end:
            if merged_end >= 0:
                yield merged_start, merged_end
            merged_start = start
        merged_end = max(merged_end, end)
    if merged_end >= 0:
        yield merged_start, merged_end


class SecretLeakError(Exception):
    """A known secret survived redaction; the bundle was not written."""

    def __init__(self, file: str, kind: str) -> None:
        super().__init__(f"refusing to write the bundle: {file} still contains a {kind} "
                         "(the value is not shown)")
        self.file = file
        self.kind = kind


@dataclass(slots=True)
class BundleContent:
    """What goes into a bundle, before redaction."""

    exchanges: Sequence[Exchange] = ()
    checklist: dict[str, Any] | None = None
    summary_md: str | None = None
    webhook_events: list[Any] = field(default_factory=list)
    ratelimits_csv: bytes | None = None
    ratelimits_png: bytes | None = None
    environment: dict[str, Any] = field(default_factory=dict)
    har_comment: str | None = None


@dataclass(frozen=True, slots=True)
class Marker:
    """A redaction marker or mask in a file's text: [start, end) in characters."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, repr=False)
class PlannedFile:
    """One file of the bundle, exactly as it will be written."""

    name: str
    data: bytes
    media_type: str
    sha256: str

    def __repr__(self) -> str:  # never the bytes: asyncio reprs task results (megabytes)
        return f"PlannedFile({self.name!r}, {self.size} bytes, sha256 {self.sha256[:12]}…)"

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_text(self) -> bool:
        return not self.media_type.startswith("image/")

    @cached_property
    def text(self) -> str | None:
        """The content as text for a preview, or None for images."""
        return self.data.decode("utf-8", errors="replace") if self.is_text else None

    def markers(self) -> list[Marker]:
        """Where redaction markers (``[REDACTED:kind]``) and masks (``+1******0123``) are."""
        text = self.text
        if text is None:
            return []
        out = []
        for start, end in _marked_spans(text):
            for match in _MARKERS.finditer(text, start, end):
                kind = match.group(1) or match.group(2) or ("phone" if match.group("phone")
                                                              else "client_id")
                out.append(Marker(match.start(), match.end(), kind))
        return out


@dataclass(frozen=True, repr=False)
class BundlePlan:
    """Every file rendered and checked: what ``write_bundle`` will write, byte for byte."""

    files: tuple[PlannedFile, ...]
    report: RedactionReport
    created_at: datetime
    app_version: str
    exchange_count: int
    excluded_exchanges: int = 0
    excluded_files: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (f"BundlePlan({len(self.files)} files, {self.total_size} bytes, "
                f"{self.exchange_count} exchanges, {self.report!r})")

    def file(self, name: str) -> PlannedFile | None:
        return next((f for f in self.files if f.name == name), None)

    def tree(self) -> list[tuple[str, int]]:
        """(name, size) of every file, in write order."""
        return [(f.name, f.size) for f in self.files]

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

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


def _marked_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line that holds an anchor, in order.

    ``_MARKERS`` tries a phone mask at every digit and space, so walking a whole indented
    3.5 MB HAR took 330 ms of the preview's time on the UI thread; ``str.find`` skips to
    the few lines that can hold a marker, and the regex runs on those alone.
    """
    following = {anchor: text.find(anchor) for anchor in _ANCHORS}
    position = 0
    while True:
        for anchor, at in following.items():
            if 0 <= at < position:
                following[anchor] = text.find(anchor, position)
        found = [at for at in following.values() if at >= 0]
        if not found:
            return
        first = min(found)
        start = text.rfind("\n", 0, first) + 1
        end = text.find("\n", first)
        end = len(text) if end < 0 else end
        yield start, end
        position = end + 1


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
        for start, end in _marked_lines(text):
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

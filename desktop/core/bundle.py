"""The diagnostic bundle: a zip a support engineer can attach to a ticket.

Planning renders every file in memory, through the redactor, so the UI can
preview exactly the bytes that will be written (file tree, contents,
redaction markers). A final safety scan searches the rendered bytes for
every known secret in every form the redactor knows (exact, URL-encoded,
base64, JSON-escaped); if one is found nothing is written and
``SecretLeakError`` names the file and the kind of secret, never the value.
Writing is atomic: a temporary file in the target folder, renamed at the end.

The work is written as generators that yield ``(fraction, label)`` between
chunks; ``plan_bundle``/``write_bundle`` run them straight through, and
``build_bundle_async`` awaits ``asyncio.sleep(0)`` at every yield so the Qt
event loop (qasync) keeps painting while a large bundle is built.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Collection, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import APP_NAME, __version__
from desktop.core.exchange import Exchange
from desktop.core.har import dump_entry, har_entry, har_json_parts
from desktop.core.redact import RedactionReport, Redactor
from desktop.core.redact.names import normalise

if TYPE_CHECKING:
    from desktop.core.bundle_workers import Rendered
from desktop.core.redact.phones import MASK

BUNDLE_FORMAT = "switchboard-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BUNDLE_FILES = ("har.json", "checklist.json", "summary.md", "webhooks.json", "ratelimits.csv",
                "ratelimits.png", "environment.json")
"""Every file a bundle may hold besides the manifest, in the order they are written."""

Progress = Callable[[float, str], None]
Steps = Generator[tuple[float, str], None, Any]

_SCAN_SLICE = 1 << 19
TIME_SLICE = 0.008
"""Seconds of work between yields to the event loop, whatever ``chunk`` says."""
COMPRESS_LEVEL = 3
"""Deflate level: 3 is nearly as fast as 1 and much smaller on JSON; 6 takes twice as long."""
_WRITE_SLICE = 1 << 18
_CLIENT_ID_NAMES = frozenset({"clientid", "apiclientid", "oauthclientid"})
_MARKERS = re.compile(
    r"\[REDACTED:([a-z0-9_]+)\]|%5BREDACTED:([a-z0-9_]+)%5D"
    r"|(?P<phone>\+?\d{0,3}[ (]*\*{2,}[*() .-]*\d{4})(?!\d)"
    r"|(?P<client_id>\*{4}[0-9A-Za-z_-]{0,4})(?![0-9A-Za-z_-])"
)


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
        if self.text is None:
            return []
        out = []
        for match in _MARKERS.finditer(self.text):
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


# -- public API ------------------------------------------------------------------------------


def plan_bundle(
    content: BundleContent,
    redactor: Redactor,
    *,
    exclude_exchange_ids: Collection[int] = (),
    exclude_files: Collection[str] = (),
    now: datetime | None = None,
) -> BundlePlan:
    """Render and check every file in memory; raises SecretLeakError when a secret survived."""
    return _run(_plan_steps(content, redactor, exclude_exchange_ids, exclude_files, now, 500),
                None, 0.0, 1.0)


def write_bundle(plan: BundlePlan, path: str | os.PathLike[str],
                 progress: Progress | None = None) -> Path:
    """Write the planned zip atomically (temp file + rename); progress ends at 1.0."""
    return _run(_write_steps(plan, Path(path)), progress, 0.0, 1.0)


async def plan_bundle_async(
    content: BundleContent,
    redactor: Redactor,
    progress: Progress | None = None,
    *,
    chunk: int = 500,
    exclude_exchange_ids: Collection[int] = (),
    exclude_files: Collection[str] = (),
) -> BundlePlan:
    """``plan_bundle`` yielding to the event loop between chunks (for a live preview);
    a large bundle's HAR entries are rendered by worker processes meanwhile."""
    entries = await _render_in_workers(content, redactor, exclude_exchange_ids, exclude_files,
                                       progress, 1.0)
    steps = _plan_steps(content, redactor, exclude_exchange_ids, exclude_files, None, chunk,
                        entries)
    return await _drive(steps, progress, 0.0, 1.0)


async def write_bundle_async(plan: BundlePlan, path: str | os.PathLike[str],
                             progress: Progress | None = None) -> Path:
    """``write_bundle`` yielding to the event loop between slices of the zip."""
    return await _drive(_write_steps(plan, Path(path)), progress, 0.0, 1.0)


async def build_bundle_async(
    content: BundleContent,
    redactor: Redactor,
    path: str | os.PathLike[str],
    progress: Progress | None,
    *,
    chunk: int = 500,
    exclude_exchange_ids: Collection[int] = (),
    exclude_files: Collection[str] = (),
) -> BundlePlan:
    """Plan and write, yielding to the event loop between chunks.

    A chunk is at most ``chunk`` exchanges and at most ``TIME_SLICE`` seconds of work
    (whichever comes first), then a slice of the safety scan or of the zip. Progress
    runs 0 → 0.7 while planning and 0.7 → 1.0 while writing; cancelling leaves no file.
    """
    entries = await _render_in_workers(content, redactor, exclude_exchange_ids, exclude_files,
                                       progress, 0.7)
    steps = _plan_steps(content, redactor, exclude_exchange_ids, exclude_files, None, chunk,
                        entries)
    plan = await _drive(steps, progress, 0.0, 0.7)
    await _drive(_write_steps(plan, Path(path)), progress, 0.7, 1.0)
    return plan


async def _render_in_workers(
    content: BundleContent, redactor: Redactor, exclude_exchange_ids: Collection[int],
    exclude_files: Collection[str], progress: Progress | None, scale: float,
) -> Rendered | None:
    if "har.json" in set(exclude_files):
        return None
    from desktop.core.bundle_workers import render_entries

    excluded = set(exclude_exchange_ids)
    exchanges = [e for e in content.exchanges if e.id not in excluded]
    scaled = None if progress is None else (
        lambda fraction, label: progress(fraction * scale, label))
    return await render_entries(exchanges, redactor, scaled)


def _reporting(steps: Steps, progress: Progress | None, low: float, high: float) -> Steps:
    """``steps`` with each fraction reported, scaled into ``low``..``high``; same return value."""
    try:
        while True:
            try:
                fraction, label = next(steps)
            except StopIteration as stop:
                return stop.value
            if progress is not None:
                progress(low + (high - low) * fraction, label)
            yield fraction, label
    finally:
        steps.close()  # a failing callback or a cancelled export must not leave a temporary file


def _run(steps: Steps, progress: Progress | None, low: float, high: float) -> Any:
    reporting = _reporting(steps, progress, low, high)
    while True:
        try:
            next(reporting)
        except StopIteration as stop:
            return stop.value


async def _drive(steps: Steps, progress: Progress | None, low: float, high: float) -> Any:
    """Like ``_run``, letting the event loop run between steps (the window stays live)."""
    reporting = _reporting(steps, progress, low, high)
    try:
        while True:
            try:
                next(reporting)
            except StopIteration as stop:
                return stop.value
            await asyncio.sleep(0)
    finally:
        reporting.close()  # cancelled while waiting: close the steps too


# -- planning --------------------------------------------------------------------------------


def _plan_steps(
    content: BundleContent,
    redactor: Redactor,
    exclude_exchange_ids: Collection[int],
    exclude_files: Collection[str],
    now: datetime | None,
    chunk: int,
    prerendered: Rendered | None = None,
) -> Steps:
    work = redactor.spawn()
    created = (now or datetime.now(UTC)).astimezone(UTC)
    skip = set(exclude_files) - {MANIFEST}
    excluded_ids = set(exclude_exchange_ids)
    exchanges = [e for e in content.exchanges if e.id not in excluded_ids]
    rendered: list[tuple[str, bytes, str]] = []

    if "har.json" not in skip:
        comment = work.redact_text(content.har_comment) if content.har_comment else None
        opening, closing = har_json_parts(__version__, comment)
        entries = []
        total = len(exchanges)
        since_yield = 0
        deadline = time.perf_counter() + TIME_SLICE
        if prerendered is not None:  # rendered by worker processes (desktop.core.bundle_workers)
            entries, counts, leaked = prerendered
            if leaked is not None:
                raise SecretLeakError("har.json", leaked)
            for kind, number in counts.items():
                work.report.add(kind, number)
            exchanges_to_render: list[Exchange] = []
        else:
            exchanges_to_render = exchanges
        for done, exchange in enumerate(exchanges_to_render, 1):
            entries.append(dump_entry(har_entry(exchange, work)))
            since_yield += 1
            if since_yield >= chunk or time.perf_counter() >= deadline:
                yield 0.8 * done / total, f"HAR: {done} of {total} exchanges"
                since_yield = 0
                deadline = time.perf_counter() + TIME_SLICE
        rendered.append(("har.json", _join_entries(opening, entries, closing),
                         "application/json"))
    for name, data, media in _other_files(content, work):
        if name not in skip:
            rendered.append((name, data, media))
    yield 0.82, "rendered"

    files = []
    for index, (name, data, media) in enumerate(rendered):
        # Entries rendered by workers were scanned there, each on its own (a secret cannot
        # span two entries); only what joins them is scanned here.
        scanned = name == "har.json" and prerendered is not None
        if scanned:
            for part in (opening, closing):
                if (kind := work.find_known_secret(part)) is not None:
                    raise SecretLeakError(name, kind)
        digest = yield from _check(name, data, work, 0.82 + 0.15 * index / len(rendered),
                                   scan=not scanned)
        files.append(PlannedFile(name, data, media, digest))
    manifest = _manifest(files, work.report, created, len(exchanges),
                         len(content.exchanges) - len(exchanges), sorted(skip))
    digest = yield from _check(MANIFEST, manifest, work, 0.99)
    files.append(PlannedFile(MANIFEST, manifest, "application/json", digest))
    redactor.report.merge(work.report)
    yield 1.0, "planned"
    return BundlePlan(
        files=tuple(files),
        report=work.report,
        created_at=created,
        app_version=__version__,
        exchange_count=len(exchanges),
        excluded_exchanges=len(content.exchanges) - len(exchanges),
        excluded_files=tuple(sorted(skip)),
    )


def _other_files(content: BundleContent, work: Redactor) -> Iterable[tuple[str, bytes, str]]:
    if content.checklist is not None:
        yield "checklist.json", _json_bytes(work.redact_json(content.checklist)), "application/json"
    if content.summary_md is not None:
        yield "summary.md", work.redact_text(content.summary_md).encode("utf-8"), "text/markdown"
    yield ("webhooks.json", _json_bytes(work.redact_json(list(content.webhook_events))),
           "application/json")
    if content.ratelimits_csv is not None:
        yield "ratelimits.csv", work.redact_bytes(content.ratelimits_csv, "text/csv"), "text/csv"
    if content.ratelimits_png is not None:
        yield "ratelimits.png", work.redact_bytes(content.ratelimits_png, "image/png"), "image/png"
    environment = work.redact_json(_mask_client_ids(content.environment, work.report))
    yield "environment.json", _json_bytes(environment), "application/json"


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def mask_last4(value: str) -> str:
    """``0oa1b2c3d4e5`` → ``****d4e5``: enough to tell profiles apart, not to reuse."""
    return MASK * 4 + (value[-4:] if len(value) > 4 else "")


def _mask_client_ids(obj: Any, report: RedactionReport) -> Any:
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if isinstance(key, str) and normalise(key) in _CLIENT_ID_NAMES \
                    and isinstance(value, str) and value:
                report.add("client_id")
                out[key] = mask_last4(value)
            else:
                out[key] = _mask_client_ids(value, report)
        return out
    if isinstance(obj, list | tuple):
        return [_mask_client_ids(item, report) for item in obj]
    return obj


def _join_entries(opening: bytes, entries: list[bytes], closing: bytes) -> bytes:
    """``opening + b",\\n".join(entries) + closing`` with one copy of the whole, not three
    (the HAR of a large bundle is tens of megabytes)."""
    if not entries:
        return opening + closing
    if len(entries) == 1:
        return opening + entries[0] + closing
    return b",\n".join([opening + entries[0], *entries[1:-1], entries[-1] + closing])


def _check(name: str, data: bytes, work: Redactor, fraction: float, *,
           scan: bool = True) -> Steps:
    """The safety scan and the SHA-256 of one file, slice by slice; returns the hex digest.

    Raises SecretLeakError if any known secret, in any form the redactor knows, is in
    ``data``. Slices overlap by the longest needle so nothing is missed at a boundary.
    """
    overlap = work.known.max_length
    digest = hashlib.sha256()
    for offset in range(0, max(len(data), 1), _SCAN_SLICE):
        kind = work.find_known_secret(data[offset:offset + _SCAN_SLICE + overlap]) if scan \
            else None
        if kind is not None:
            raise SecretLeakError(name, kind)
        digest.update(data[offset:offset + _SCAN_SLICE])
        yield fraction, f"checking {name}"
    return digest.hexdigest()


def _manifest(files: list[PlannedFile], report: RedactionReport, created: datetime,
              included: int, excluded: int, excluded_files: list[str]) -> bytes:
    manifest = {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "app": APP_NAME,
        "app_version": __version__,
        "created_at": created.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "exchanges": {"included": included, "excluded": excluded},
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in files],
        "excluded_files": excluded_files,
        "redaction": report.to_dict(),
    }
    return _json_bytes(manifest)


# -- writing ---------------------------------------------------------------------------------


def _write_steps(plan: BundlePlan, path: Path) -> Steps:
    total = max(plan.total_size, 1)
    written = 0
    date_time = plan.created_at.timetuple()[:6]
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED,
                                 compresslevel=COMPRESS_LEVEL) as archive:
                for planned in plan.files:
                    info = zipfile.ZipInfo(planned.name, date_time=date_time)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    # ZipFile.open() ignores the archive's compresslevel for a ZipInfo we
                    # built (it would deflate at level 6, 3x slower): set it on the entry.
                    level_attribute = ("compress_level" if hasattr(info, "compress_level")
                                       else "_compresslevel")  # public from Python 3.13
                    setattr(info, level_attribute, COMPRESS_LEVEL)
                    info.external_attr = 0o644 << 16
                    data = memoryview(planned.data)  # slices without copies
                    with archive.open(info, "w", force_zip64=planned.size > 0x7FFFFFFF) as out:
                        for offset in range(0, planned.size, _WRITE_SLICE):
                            out.write(data[offset:offset + _WRITE_SLICE])
                            written += min(_WRITE_SLICE, planned.size - offset)
                            yield 0.99 * written / total, f"writing {planned.name}"
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    yield 1.0, "done"
    return path

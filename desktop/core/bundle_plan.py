"""Planning a bundle: every file rendered through the redactor, checked, hashed, in memory.

A final safety scan searches the rendered bytes for every known secret in
every form the redactor knows; if one is found nothing is written and
``SecretLeakError`` names the file and the kind of secret, never the value.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop import APP_NAME, __version__
from desktop.core import jsondump
from desktop.core.bundle_model import (
    BUNDLE_FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BundleContent,
    BundlePlan,
    PlannedFile,
    SecretLeakError,
    Steps,
)
from desktop.core.exchange import Exchange
from desktop.core.har import dump_entry, har_entry, har_json_parts
from desktop.core.redact import RedactionReport, Redactor
from desktop.core.redact.jsonbody import MAX_DEPTH
from desktop.core.redact.names import normalise
from desktop.core.redact.phones import MASK

if TYPE_CHECKING:
    from desktop.core.bundle_workers import Rendered

_SCAN_SLICE = 1 << 19
TIME_SLICE = 0.008
"""Seconds of work between yields to the event loop, whatever ``chunk`` says."""
_CLIENT_ID_NAMES = frozenset({"clientid", "apiclientid", "oauthclientid"})


def plan_steps(
    content: BundleContent,
    redactor: Redactor,
    exclude_exchange_ids: Collection[int],
    exclude_files: Collection[str],
    now: datetime | None,
    chunk: int,
    prerendered: Rendered | None = None,
) -> Steps:
    """Render, check and hash every file; returns the BundlePlan. ``prerendered``: HAR entries
    the bundle workers rendered and scanned already (``desktop.core.bundle_workers``)."""
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
        del entries  # joined: the entries' copies need not live through the scan
    for name, media, render in _other_files(content, work):
        if name not in skip:  # an excluded file is not rendered (nor counted as redacted)
            rendered.append((name, (yield from render()), media))
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


Render = Callable[[], Steps]
"""Renders one file: a generator that yields progress and returns the file's bytes."""


def _other_files(content: BundleContent, work: Redactor) -> Iterable[tuple[str, str, Render]]:
    if content.checklist is not None:
        checklist = content.checklist
        yield ("checklist.json", "application/json",
               lambda: _ready(_json_bytes(work.redact_json(checklist))))
    if content.summary_md is not None:
        summary = content.summary_md
        yield ("summary.md", "text/markdown",
               lambda: _ready(work.redact_text(summary).encode("utf-8")))
    yield ("webhooks.json", "application/json",
           lambda: _json_array_steps(content.webhook_events, work, "webhooks.json"))
    if content.ratelimits_csv is not None:
        csv = content.ratelimits_csv
        yield "ratelimits.csv", "text/csv", lambda: _ready(work.redact_bytes(csv, "text/csv"))
    if content.ratelimits_png is not None:
        png = content.ratelimits_png
        yield "ratelimits.png", "image/png", lambda: _ready(work.redact_bytes(png, "image/png"))
    yield ("environment.json", "application/json", lambda: _ready(_json_bytes(
        work.redact_json(_mask_client_ids(content.environment, work.report)))))


def _ready(data: bytes) -> Steps:
    """A file rendered in one go, as a ``Render`` (no progress to report)."""
    return data
    yield  # never reached: it makes this function a generator


def _json_bytes(obj: Any) -> bytes:
    return jsondump.indented(obj) + b"\n"


def _json_array_steps(items: Iterable[Any], work: Redactor, name: str) -> Steps:
    """``_json_bytes(work.redact_json(list(items)))``, the same bytes, one item at a time.

    Whole, the list was redacted into a second copy and then indented by json's pure-Python
    encoder (see ``jsondump``): a full webhook store (2,000 records, 2.5 MB of JSON) peaked
    at 7.4 times the file's size. Item by item, one item's copy is alive at a time (2.1
    times the file, tests/core/test_bundle_memory.py), and the event loop runs between
    items, as it does between HAR entries.
    """
    items = list(items)
    if not items:
        return b"[]\n"
    out = io.BytesIO()  # its final getvalue() hands over the buffer: no second copy
    deadline = time.perf_counter() + TIME_SLICE
    for done, item in enumerate(items, 1):
        # Redacted inside a list, as the whole array was: the same depth for MAX_DEPTH.
        data = jsondump.indented(work.redact_json([item])[0])
        # JSON text has no raw newline inside a string: every "\n" here is indentation's.
        out.write(b"[\n  " if done == 1 else b",\n  ")
        out.write(data.replace(b"\n", b"\n  "))
        if time.perf_counter() >= deadline:
            yield 0.8 + 0.02 * done / len(items), f"{name}: {done} of {len(items)}"
            deadline = time.perf_counter() + TIME_SLICE
    out.write(b"\n]\n")
    return out.getvalue()


def mask_last4(value: str) -> str:
    """``0oa1b2c3d4e5`` → ``****d4e5``: enough to tell profiles apart, not to reuse."""
    return MASK * 4 + (value[-4:] if len(value) > 4 else "")


def _mask_client_ids(obj: Any, report: RedactionReport, depth: int = 0) -> Any:
    """Client ids anywhere in ``obj``; below MAX_DEPTH the redactor treats it as text anyway."""
    if depth >= MAX_DEPTH:
        return obj
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if isinstance(key, str) and normalise(key) in _CLIENT_ID_NAMES \
                    and isinstance(value, str) and value:
                report.add("client_id")
                out[key] = mask_last4(value)
            else:
                out[key] = _mask_client_ids(value, report, depth + 1)
        return out
    if isinstance(obj, list | tuple):
        return [_mask_client_ids(item, report, depth + 1) for item in obj]
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



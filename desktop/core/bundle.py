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

This module is the API; the parts are ``bundle_model`` (what a bundle is made
of), ``bundle_plan`` (rendering and checking), ``bundle_zip`` (writing) and
``bundle_workers`` (a large HAR rendered by worker processes).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.bundle_model import (
    BUNDLE_FILES,
    BUNDLE_FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BundleContent,
    BundlePlan,
    Marker,
    PlannedFile,
    Progress,
    SecretLeakError,
    Steps,
)
from desktop.core.bundle_plan import TIME_SLICE, mask_last4, plan_steps
from desktop.core.bundle_zip import COMPRESS_LEVEL, write_steps
from desktop.core.memory import release_free_memory
from desktop.core.redact import Redactor

if TYPE_CHECKING:
    from desktop.core.bundle_workers import Rendered

__all__ = [
    "BUNDLE_FILES", "BUNDLE_FORMAT", "COMPRESS_LEVEL", "FORMAT_VERSION", "MANIFEST",
    "TIME_SLICE", "BundleContent", "BundlePlan", "Marker", "PlannedFile", "Progress",
    "SecretLeakError", "build_bundle_async", "mask_last4", "plan_bundle", "plan_bundle_async",
    "write_bundle", "write_bundle_async",
]


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
    return _run(plan_steps(content, redactor, exclude_exchange_ids, exclude_files, now, 500),
                None, 0.0, 1.0)


def write_bundle(plan: BundlePlan, path: str | os.PathLike[str],
                 progress: Progress | None = None) -> Path:
    """Write the planned zip atomically (temp file + rename); progress ends at 1.0."""
    return _run(write_steps(plan, Path(path)), progress, 0.0, 1.0)


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
    return await _plan_async(content, redactor, progress, 1.0, chunk, exclude_exchange_ids,
                             exclude_files)


async def _plan_async(content: BundleContent, redactor: Redactor, progress: Progress | None,
                      scale: float, chunk: int, exclude_exchange_ids: Collection[int],
                      exclude_files: Collection[str]) -> BundlePlan:
    """Plan with progress from 0 to ``scale``, then hand back what rendering dropped."""
    entries = await _render_in_workers(content, redactor, exclude_exchange_ids, exclude_files,
                                       progress, scale)
    steps = plan_steps(content, redactor, exclude_exchange_ids, exclude_files, None, chunk,
                        entries)
    try:
        return await _drive(steps, progress, 0.0, scale)
    finally:
        del entries, steps
        release_free_memory()  # see desktop.core.memory


async def write_bundle_async(plan: BundlePlan, path: str | os.PathLike[str],
                             progress: Progress | None = None) -> Path:
    """``write_bundle`` yielding to the event loop between slices of the zip."""
    return await _drive(write_steps(plan, Path(path)), progress, 0.0, 1.0)


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
    plan = await _plan_async(content, redactor, progress, 0.7, chunk, exclude_exchange_ids,
                             exclude_files)
    await _drive(write_steps(plan, Path(path)), progress, 0.7, 1.0)
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

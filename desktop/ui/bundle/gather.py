"""Collect a profile's session into BundleContent (the same content `check --bundle` writes).

``gather`` is quick and leaves the chart out; ``draw_chart`` adds it from the
preview's own task, so the preview is on screen, saying it is drawing the
chart, before pyqtgraph's first import (half a second) holds the UI thread.
Not on a worker thread: importing a PySide6 library there while the window
runs crashed the app (PySide's import hooks are not thread-safe; a soak
ended in SIGSEGV).
"""

from __future__ import annotations

import asyncio
import logging
import sys

from PySide6.QtCore import qVersion

from desktop.core.bundle import BundleContent
from desktop.core.diagnostic_bundle import bundle_content
from desktop.core.sessions import ProfileSession
from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)

PAINT_FIRST = 0.05
"""Seconds given to the window to paint before pyqtgraph's first import holds it."""


async def draw_chart(session: ProfileSession) -> bytes | None:
    """The rate-limit chart as PNG, when there is anything to chart (None otherwise, or
    when it cannot be drawn: the bundle is still useful without it)."""
    if not len(session.ratelimits):
        return None
    if "pyqtgraph" not in sys.modules:  # let the preview paint its progress, then block
        # Not asyncio.sleep: a step of this task may run from a processEvents() outside the
        # loop's own run (qasync), where there is no running loop, only the current one.
        loop = asyncio.get_event_loop()
        painted = loop.create_future()
        loop.call_later(PAINT_FIRST, lambda: painted.done() or painted.set_result(None))
        await painted
    try:
        from desktop.ui.ratelimits.export import render_chart_png
    except ImportError:  # the chart module is optional for the bundle
        return None
    try:
        return render_chart_png(session.ratelimits)  # drawing: on the GUI thread
    except Exception:
        log.exception("the rate-limit chart could not be rendered for the bundle")
        return None


def gather(workspace: Workspace, session: ProfileSession) -> BundleContent:
    """Everything but the chart's PNG (see ``draw_chart``)."""
    profile = session.profile
    exchanges = [e for e in workspace.history if e.profile == profile.name]
    return bundle_content(
        profile=profile,
        provider=session.provider,
        exchanges=exchanges,
        run=session.last_run,
        webhook_events=session.webhook_events(),
        ratelimits=session.ratelimits,
        qt_version=qVersion(),
    )

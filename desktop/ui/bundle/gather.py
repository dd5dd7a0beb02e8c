"""Collect a profile's session into BundleContent (the same content `check --bundle` writes).

``gather`` is quick and leaves the chart out; ``draw_chart`` adds it from the
preview's own task. Drawing needs pyqtgraph, half a second to import the
first time, so it is imported on a worker thread and the window keeps
painting (the preview's progress bar says what it is doing meanwhile).
"""

from __future__ import annotations

import asyncio
import importlib
import logging

from PySide6.QtCore import qVersion

from desktop.core.bundle import BundleContent
from desktop.core.diagnostic_bundle import bundle_content
from desktop.core.sessions import ProfileSession
from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)


async def draw_chart(session: ProfileSession) -> bytes | None:
    """The rate-limit chart as PNG, when there is anything to chart (None otherwise, or
    when it cannot be drawn: the bundle is still useful without it)."""
    if not len(session.ratelimits):
        return None
    # get_event_loop, not get_running_loop: a step of this task may run from a nested
    # processEvents() outside the loop's own run (qasync), where only the former answers.
    loop = asyncio.get_event_loop()
    try:
        await loop.run_in_executor(None, importlib.import_module, "pyqtgraph")
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

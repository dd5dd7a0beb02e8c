"""Collect a profile's session into BundleContent (the same content `check --bundle` writes)."""

from __future__ import annotations

import logging

from PySide6.QtCore import qVersion

from desktop.core.bundle import BundleContent
from desktop.core.diagnostic_bundle import bundle_content
from desktop.core.sessions import ProfileSession
from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)


def chart_png(session: ProfileSession) -> bytes | None:
    """The rate-limit chart as PNG, when there is anything to chart."""
    if not len(session.ratelimits):
        return None
    try:
        from desktop.ui.ratelimits.export import render_chart_png
    except ImportError:  # the chart module is optional for the bundle
        return None
    try:
        return render_chart_png(session.ratelimits)
    except Exception:
        log.exception("the rate-limit chart could not be rendered for the bundle")
        return None


def gather(workspace: Workspace, session: ProfileSession) -> BundleContent:
    profile = session.profile
    exchanges = [e for e in workspace.history if e.profile == profile.name]
    return bundle_content(
        profile=profile,
        provider=session.provider,
        exchanges=exchanges,
        run=session.last_run,
        webhook_events=session.webhook_events(),
        ratelimits=session.ratelimits,
        ratelimits_png=chart_png(session),
        qt_version=qVersion(),
    )

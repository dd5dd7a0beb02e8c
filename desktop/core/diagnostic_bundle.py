"""Gather what a diagnostic bundle holds from a session: the run, exchanges, webhooks, limits.

The window's Export and `switchboard check --bundle` both build their
BundleContent here, so the two bundles are the same; everything then goes
through the one redactor in desktop.core.bundle.
"""

from __future__ import annotations

import base64
import io
import platform
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Any

from desktop import __version__
from desktop.core.bundle import BundleContent
from desktop.core.checklist.model import ChecklistRun
from desktop.core.checklist.report import run_json
from desktop.core.checklist.summary import summary_markdown
from desktop.core.exchange import Exchange
from desktop.core.profiles import Profile
from desktop.core.provider.model import Provider


def environment_info(profile: Profile, provider: Provider, *,
                     qt_version: str | None = None) -> dict[str, Any]:
    try:
        pyside = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        pyside = None
    return {
        "app_version": __version__,
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": sys.version.split()[0],
        "qt": qt_version,
        "pyside6": pyside,
        "provider": provider.id,
        "provider_name": provider.name,
        "environment": profile.environment,
        "region": profile.region,
        "base_url": profile.base_url,
        "profile": profile.name,
        "client_id": profile.settings.get("client_id") or None,
    }


def webhook_event_record(event: Any) -> dict[str, Any]:
    """An event as the bundle shows it: readable body (redacted later), verdict in words."""
    body: bytes = getattr(event, "body", b"") or b""
    try:
        text: str | None = body.decode("utf-8")
        encoding = None
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(body).decode("ascii"), "base64"
    verification = getattr(event, "verification", None)
    return {
        "received_at": getattr(event, "received_at", None),
        "method": getattr(event, "method", None),
        "path": getattr(event, "path", None),
        "headers": [list(pair) for pair in getattr(event, "headers", ())],
        "body": text,
        "body_encoding": encoding,
        "size": getattr(event, "size", len(body)),
        "type": getattr(event, "event_type", None),
        "message_id": getattr(event, "message_id", None),
        "sequence": getattr(event, "sequence", None),
        "verification": verification.to_dict() if verification is not None else None,
    }


def bundle_content(
    *,
    profile: Profile,
    provider: Provider,
    exchanges: Sequence[Exchange],
    run: ChecklistRun | None = None,
    webhook_events: Iterable[Any] = (),
    ratelimits: Any | None = None,
    ratelimits_png: bytes | None = None,
    qt_version: str | None = None,
) -> BundleContent:
    csv_bytes = None
    if ratelimits is not None and len(ratelimits):
        buffer = io.StringIO()
        ratelimits.to_csv(buffer)
        csv_bytes = buffer.getvalue().encode("utf-8")
    return BundleContent(
        exchanges=list(exchanges),
        checklist=run_json(run) if run is not None else None,
        summary_md=summary_markdown(run) if run is not None else None,
        webhook_events=[webhook_event_record(e) for e in webhook_events],
        ratelimits_csv=csv_bytes,
        ratelimits_png=ratelimits_png,
        environment=environment_info(profile, provider, qt_version=qt_version),
    )

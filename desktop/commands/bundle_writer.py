"""`switchboard check --bundle FILE.zip`: the run's diagnostic bundle, written headless."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.core.checklist.model import ChecklistRun
from desktop.core.exchange import Exchange
from desktop.core.profiles import Profile
from desktop.core.provider.model import Provider
from desktop.core.sessions import ProfileSession


async def write_run_bundle(target: str, run: ChecklistRun, exchanges: list[Exchange],
                           session: ProfileSession, profile: Profile, provider: Provider,
                           secrets: dict[str, Any]) -> Path:
    from desktop.core.bundle import build_bundle_async
    from desktop.core.diagnostic_bundle import bundle_content

    content = bundle_content(profile=profile, provider=provider, exchanges=exchanges, run=run,
                             webhook_events=session.webhook_events(), ratelimits=session.ratelimits)
    redactor = session.redactor()
    await build_bundle_async(content, redactor, target, None)
    return Path(target)

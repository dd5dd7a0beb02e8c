"""Background services the window runs on its asyncio loop: the embedded sandbox (for now).

Started after the first paint, so they never delay the window; the sandbox
binds its port then but loads its server (aiohttp) only for its first client.
Stopped before the loop ends, so shutdown leaves no task behind.
"""

from __future__ import annotations

import asyncio
import logging

from desktop.core.secrets import SecretKind
from desktop.ui.context import AppContext

log = logging.getLogger(__name__)


class Services:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        await self.start_sandbox()

    async def start_sandbox(self) -> None:
        try:
            from desktop.sandbox.server import Sandbox

            sandbox = Sandbox()
            await sandbox.start(host="127.0.0.1", port=0, on_first_connection=True)
        except Exception as exc:  # the app is still useful without its sandbox
            log.exception("the sandbox could not start")
            self.ctx.sandbox_error = f"{type(exc).__name__}: {exc}"
            self.ctx.services_changed.emit()
            return
        self.ctx.sandbox = sandbox
        workspace = self.ctx.workspace
        workspace.point_sandbox_profiles_at(sandbox.url)
        for profile in workspace.sandbox_profiles():
            workspace.secrets.provide(profile.id, SecretKind.CLIENT_SECRET,
                                      sandbox.config.client_secret)
            workspace.secrets.provide(profile.id, SecretKind.WEBHOOK_SECRET,
                                      sandbox.config.webhook_secret)
        sandbox.changed.connect(self._sandbox_changed)
        log.info("sandbox listening on %s", sandbox.url)
        self.ctx.services_changed.emit()

    def _sandbox_changed(self, what: str) -> None:
        """Its server failed to load on the first request: the status bar says so."""
        sandbox = self.ctx.sandbox
        if what == "failed" and sandbox is not None:
            self.ctx.sandbox_error = sandbox.error
            self.ctx.services_changed.emit()

    async def stop(self) -> None:
        await self.ctx.sessions.aclose()
        sandbox, self.ctx.sandbox = self.ctx.sandbox, None
        if sandbox is not None:
            try:
                await sandbox.stop()
            except Exception:
                log.exception("the sandbox did not stop cleanly")


async def cancel_pending_tasks(grace: float = 3.0) -> None:
    """Cancel every task but the caller's and wait for them to finish unwinding."""
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        _done, still = await asyncio.wait(pending, timeout=grace)
        for task in still:
            log.warning("task %s did not stop within %.1f s", task.get_name(), grace)

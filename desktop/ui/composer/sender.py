"""Sending one request from the composer: a cancellable task on the qasync loop.

The client does the work and records every Exchange (token call, 401
retry, redirects) in the history; this object only starts the task,
notices which Exchanges it produced, and turns each outcome into a signal
the page renders: sent, no token (with the token Exchange to explain),
cancelled, or a request that could not be built. Nothing here blocks.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, Signal

from desktop.core.client.auth import TokenError
from desktop.core.client.client import ProfileClient
from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import Exchange
from desktop.core.history import History
from desktop.ui.crash import spawn

log = logging.getLogger(__name__)


class Sender(QObject):
    busy_changed = Signal(bool)
    sent = Signal(object)
    """The final Exchange of the request (after any token, retry or redirect)."""
    token_failed = Signal(str, object)
    """(message, the token Exchange or None): the request was not sent."""
    cancelled = Signal(object)
    """The Exchange recorded for the cancelled request, or None if nothing reached the wire."""
    problem = Signal(str)
    """The request could not be built (an invalid URL, a header that is not ASCII...)."""

    def __init__(self, history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.task: asyncio.Task[None] | None = None
        self._busy = False
        self._cancel_reported = False

    @property
    def busy(self) -> bool:
        return self._busy

    def send(self, client: ProfileClient, spec: RequestSpec) -> asyncio.Task[None]:
        if self.busy:
            raise RuntimeError("a request is already in flight")
        self._busy = True
        self.task = spawn(self._run(client, spec), name=f"composer-send {spec.method}")
        self.task.add_done_callback(self._finished)
        self.busy_changed.emit(True)
        return self.task

    def cancel(self) -> bool:
        """Cancel the request in flight; the client records it as a cancelled Exchange."""
        if not self.busy:
            return False
        assert self.task is not None
        self.task.cancel()
        return True

    async def _run(self, client: ProfileClient, spec: RequestSpec) -> None:
        produced: list[Exchange] = []
        profile = client.profile.name

        def notice(exchange: Exchange) -> None:
            # A checklist running on the same profile marks its Exchanges with a step.
            if exchange.profile == profile and exchange.step is None:
                produced.append(exchange)

        stop_watching = self.history.added.connect(notice)
        try:
            exchange = await client.send(spec)
        except TokenError as exc:
            self.token_failed.emit(str(exc), produced[-1] if produced else None)
        except asyncio.CancelledError:
            self._cancel_reported = True
            self.cancelled.emit(produced[-1] if produced else None)
            raise
        except (ValueError, _invalid_url_error()) as exc:
            # httpx refuses to build it (bad URL, non-ASCII header): nothing was sent.
            log.info("request could not be built: %s", exc)
            self.problem.emit(f"The request could not be built: {exc}")
        else:
            self.sent.emit(exchange)
        finally:
            stop_watching()

    def _finished(self, task: asyncio.Task[None]) -> None:
        # A task cancelled before its first step never ran _run: report it here.
        if task.cancelled() and not self._cancel_reported:
            self.cancelled.emit(None)
        self._cancel_reported = False
        self._busy = False
        self.busy_changed.emit(False)


def _invalid_url_error() -> type[Exception]:
    import httpx

    return httpx.InvalidURL

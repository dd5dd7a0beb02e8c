"""Fixtures for widget tests: a Workspace on a temp home and a main window over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.core.secrets import SecretStore
from desktop.core.workspace import Workspace


@pytest.fixture
def workspace() -> Workspace:
    ws = Workspace(secrets=SecretStore(use_keychain=False))
    ws.ensure_sandbox_profile()
    return ws


@pytest.fixture
def ctx(qapp, workspace: Workspace):
    from desktop.ui.context import AppContext

    return AppContext(workspace)


@pytest.fixture
def main_window(qtbot, ctx) -> object:
    from desktop.ui.mainwindow import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


class QtLoop:
    """A qasync event loop over the test's QApplication: run coroutines, wait for conditions."""

    def __init__(self, loop) -> None:
        self.loop = loop

    def run(self, coro, timeout: float = 60.0):
        """Run the loop until ``coro`` is done.

        Not run_until_complete: qasync follows it with one more processEvents()
        after clearing the running loop, so task steps queued for that pass run
        outside any loop (anyio then fails with "no running event loop").
        """
        import asyncio

        task = self.loop.create_task(asyncio.wait_for(coro, timeout))
        task.add_done_callback(lambda _task: self.loop.stop())
        self.loop.run_forever()
        return task.result()

    def until(self, predicate, timeout: float = 60.0, message: str = "condition") -> None:
        """Let the loop (UI and network) run until ``predicate()`` holds."""
        import asyncio

        async def wait() -> None:
            while not predicate():  # noqa: ASYNC110 - an arbitrary predicate, not an event
                await asyncio.sleep(0.02)

        try:
            self.run(wait(), timeout)
        except TimeoutError as exc:
            raise AssertionError(f"timed out waiting for {message}") from exc


@pytest.fixture
def qt_loop(qapp) -> Iterator[QtLoop]:
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    try:
        yield QtLoop(loop)
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            QtLoop(loop).run(asyncio.gather(*pending, return_exceptions=True))
        asyncio.set_event_loop(None)
        loop.close()


@pytest.fixture
def running_sandbox(ctx, qt_loop) -> Iterator[object]:
    """The app's services started as at launch: the sandbox listening, profiles pointed at it."""
    from desktop.ui.services import Services

    services = Services(ctx)
    qt_loop.run(services.start())
    assert ctx.sandbox is not None, ctx.sandbox_error
    yield ctx.sandbox
    qt_loop.run(services.stop())


@pytest.fixture
def loopback_receiver(qt_loop, tmp_path):
    """A second webhook receiver on 127.0.0.1 with its own store, checking ``redcloud``
    signatures with the Sandbox's demo secret: a stand-in for the user's own handler."""
    from desktop.core.webhooks.journal import Journal
    from desktop.core.webhooks.receiver import WebhookReceiver
    from desktop.core.webhooks.store import WebhookStore
    from desktop.sandbox.config import DEMO_WEBHOOK_SECRET

    store = WebhookStore(journal=Journal(tmp_path / "second-receiver"))
    receiver = WebhookReceiver(store, scheme="redcloud", secret=DEMO_WEBHOOK_SECRET)
    qt_loop.run(receiver.start())
    yield receiver
    qt_loop.run(receiver.stop())


@pytest.fixture(autouse=True, scope="session")
def pyside_refcount_workaround() -> None:
    """PySide6 6.12.0 loses a reference to None (per void call) and True (per emit()): without
    this, a long UI run aborts with "none_dealloc". See desktop.ui.pyside_workaround.py.
    """
    from desktop.ui.pyside_workaround import protect_singletons

    protect_singletons()

"""Run a collection from the window: the CLI's runner, on the qasync loop, row by row.

Requests go in order through the active profile's one client (so each
Exchange lands in the History too, explained); each outcome becomes a row
as soon as it is known: ✓ ! ✗ or – , the status, the time and the top
finding. Stop cancels the run between or during requests. A production
profile asks before requests that change data (POST, PUT, PATCH, DELETE),
as ``switchboard run`` wants ``--yes``. Double-clicking a row shows its
Exchange in the Composer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.collections import (
    Collection,
    CollectionRun,
    RequestOutcome,
    changing_requests,
    run_collection,
    session_values,
)
from desktop.core.finding import Severity
from desktop.core.redact import Redactor
from desktop.core.richtext import escape
from desktop.core.window_text import display_url
from desktop.ui.context import AppContext
from desktop.ui.crash import spawn
from desktop.ui.theme import colours
from desktop.ui.widgets.accessible import describe, describe_buttons

log = logging.getLogger(__name__)
COLUMNS = ("", "Request", "Status", "Time", "Finding")


def symbol(outcome: RequestOutcome) -> str:
    finding = outcome.top_finding
    if outcome.skipped and not outcome.failed:
        return "–"
    if finding is None or finding.severity is Severity.INFO:
        return "✓"
    return "!" if finding.severity is Severity.WARN else "✗"


class RunDialog(QDialog):
    def __init__(self, ctx: AppContext, collection: Collection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collectionRunDialog")
        self.ctx = ctx
        self.collection = collection
        self.tree = collection.tree()
        self.total = len(self.tree.requests())
        self.run = CollectionRun(self.tree.meta.name)
        self._redact: Callable[[str], str] = Redactor().redact_text
        """The profile's redactor once the run starts: findings may quote what a server
        echoed (a secret among it)."""
        self.task: asyncio.Task[None] | None = None
        self.state = "ready"
        """ready, running, done, stopped or failed."""
        self.setWindowTitle(f"Run “{self.tree.meta.name}”")
        self.resize(760, 440)
        self.heading = QLabel()
        self.heading.setObjectName("runHeading")
        self.heading.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setRange(0, max(1, self.total))
        self.progress.setValue(0)
        self.progress.setFormat(f"%v of {self.total}")
        describe(self.progress, "Progress", "Requests sent so far")
        self.results = QTreeWidget()
        self.results.setObjectName("runResults")
        self.results.setHeaderLabels(list(COLUMNS))
        self.results.setRootIsDecorated(False)
        self.results.setWordWrap(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setColumnWidth(0, 28)
        self.results.setColumnWidth(1, 220)
        self.results.setColumnWidth(2, 70)
        self.results.setColumnWidth(3, 70)
        self.results.itemActivated.connect(self._open)
        describe(self.results, "Run results", "One row per request: outcome, status, time and "
                 "the top finding; Enter shows the exchange in the Composer")
        self.summary = QLabel()
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("runStop")
        self.stop_button.setToolTip("Cancel the run (Esc); what was sent stays in the History")
        self.stop_button.clicked.connect(self.stop)
        self.buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # -- running ------------------------------------------------------------------------------

    def start(self) -> bool:
        profile = self.ctx.active_profile
        try:
            session = self.ctx.session(profile) if profile is not None else None
        except KeyError:
            session = None
        if session is None:
            self._finish("failed", "Select a profile whose provider is installed: the run "
                         "sends through its credentials.")
            return False
        if self.total == 0:
            self._finish("done", f"{self.tree.meta.name} has no requests yet: save one from "
                         "the Composer with Ctrl+S.")
            return False
        self._redact = session.redactor().redact_text
        self.heading.setText(f"<b>{escape(self.tree.meta.name)}</b> · "
                             f"{escape(session.provider.name)} · {escape(profile.environment)} · "
                             f"{escape(display_url(profile.base_url))}")
        values = session_values(self.collection, session)
        history = self.ctx.workspace.history
        self.state = "running"
        self.stop_button.setEnabled(True)
        self.summary.setText("Running…")
        self.task = spawn(self._run(session, values, history), name="collection-run")
        self.task.add_done_callback(self._ended)
        return True

    async def _run(self, session, values, history) -> None:
        async for outcome in run_collection(
                self.tree, session.client, values,
                last_exchange=lambda: history[len(history) - 1] if len(history) else None):
            self.add(outcome)
        self._finish("done", self._summary())

    def _ended(self, task: asyncio.Task[None]) -> None:
        """Stopped (even before the first request) or failed: say so, never stay "running"."""
        if self.state != "running":
            return
        if task.cancelled():
            self._finish("stopped", f"Stopped after {len(self.run.outcomes)} of {self.total}; "
                         "what was sent is in the History.")
        else:  # the crash handler has the details
            self._finish("failed", self._redact(
                f"The run stopped on an unexpected error: {task.exception()}"))

    def add(self, outcome: RequestOutcome) -> QTreeWidgetItem:
        self.run.outcomes.append(outcome)
        finding = outcome.top_finding
        trail = " / ".join((*outcome.folder, outcome.request.name))
        if outcome.exchange is not None:
            status = str(outcome.status) if outcome.exchange.response is not None else \
                f"✗ {outcome.exchange.error_label}"
            took = f"{outcome.duration_ms:.0f} ms"
        else:
            status, took = ("skipped" if outcome.skipped else "not sent"), ""
        said = outcome.skipped or ""
        if finding is not None and finding.severity is not Severity.INFO:
            said = f"{finding.severity.value}: {finding.title}"
        if outcome.missing:
            said += ("  " if said else "") + "unresolved: " + ", ".join(
                "{{" + m + "}}" for m in outcome.missing)
        item = QTreeWidgetItem([symbol(outcome), trail, status, took, self._redact(said)])
        url = display_url(outcome.spec.url) if outcome.spec else ""
        item.setToolTip(1, f"{outcome.request.method} {url}")
        item.setToolTip(4, self._redact("\n".join(f"{f.severity.value}: {f.title}" + (
            f"\nNext: {f.next_action}" if f.next_action else "") for f in outcome.findings)))
        item.setData(0, Qt.ItemDataRole.UserRole, len(self.run.outcomes) - 1)
        self.results.addTopLevelItem(item)
        self.progress.setValue(len(self.run.outcomes))
        return item

    def _summary(self) -> str:
        failed = sum(1 for o in self.run.outcomes if o.failed)
        skipped = sum(1 for o in self.run.outcomes if o.skipped and not o.failed)
        return (("✓ ok" if self.run.ok else "✗ failed") + f": {self.run.sent} sent, {failed} "
                f"with a failure finding, {skipped} skipped. Every exchange is in the History.")

    def _finish(self, state: str, text: str) -> None:
        self.state = state
        self.summary.setText(text)
        self.stop_button.setEnabled(False)
        failed = sum(1 for o in self.run.outcomes if o.failed)
        if failed or state != "done":
            # A full blue bar reads as success: say what went wrong, in the failure colour.
            said = f"{failed} failed" if failed else state
            self.progress.setFormat(f"%v of {self.total} · {said}")
            palette = self.progress.palette()
            palette.setColor(QPalette.ColorRole.Highlight, QColor(colours().solid_fail))
            self.progress.setPalette(palette)

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def reject(self) -> None:
        self.stop()
        super().reject()

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        outcome = self.run.outcomes[item.data(0, Qt.ItemDataRole.UserRole)]
        if outcome.exchange is not None:
            self.ctx.show_page.emit("Composer")  # built first, so it hears open_exchange
            self.ctx.open_exchange.emit(outcome.exchange)


def start_run(ctx: AppContext, collection: Collection, parent: QWidget,
              ) -> RunDialog | QMessageBox:
    """Open the run window and start; on production, first ask about changing requests."""
    dialog = RunDialog(ctx, collection, parent)
    dialog.finished.connect(dialog.deleteLater)
    profile = ctx.active_profile
    provider = ctx.workspace.provider_for(profile) if profile else None
    environment = provider.environment(profile.environment) if provider and profile else None
    changing = changing_requests(dialog.tree)
    if environment is not None and environment.production and changing:
        methods = ", ".join(sorted({r.method for r in changing}))
        box = QMessageBox(QMessageBox.Icon.Warning, "Run on production",
                          f"Send {len(changing)} request(s) that change data ({methods}) with "
                          f"the PRODUCTION profile “{profile.name}”?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          parent)
        box.setInformativeText("Messages sent here reach real recipients.")
        box.button(QMessageBox.StandardButton.Yes).setText("Run on production")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        describe_buttons(box)
        box.finished.connect(box.deleteLater)
        box.finished.connect(lambda result: (dialog.open(), dialog.start())
                             if result == QMessageBox.StandardButton.Yes else dialog.deleteLater())
        box.open()
        return box
    dialog.open()
    dialog.start()
    return dialog

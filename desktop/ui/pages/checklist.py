"""The Checklist page: the provider's documented debugging order, run step by step."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.checklist.escalation import escalation_facts
from desktop.core.checklist.model import (
    ChecklistRun,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
    StepStatus,
    StepWaiting,
)
from desktop.core.palette import Colours
from desktop.core.profiles import Profile
from desktop.core.window_text import display_redactor

if TYPE_CHECKING:
    from desktop.core.checklist.engine import SendConfirmation
from desktop.ui.checklist.detail import StepDetail
from desktop.ui.checklist.escalation import EscalationFacts
from desktop.ui.checklist.faults import SandboxFaultsButton
from desktop.ui.checklist.model import ChecklistModel
from desktop.ui.checklist.progress import StepsBar
from desktop.ui.pages.base import Page
from desktop.ui.theme import bind, colours
from desktop.ui.widgets.accessible import describe
from desktop.ui.widgets.empty_state import EmptyState
from desktop.ui.widgets.flow import FlowLayout

log = logging.getLogger(__name__)
STACK_BELOW = 720
"""Page width (px) under which the step detail goes above the escalation facts."""


class ChecklistPage(Page):
    title = "Checklist"
    object_name = "checklistPage"

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "✓",
            "Find where the integration breaks",
            "Pick a profile in the sidebar: the checklist follows its provider's documented "
            "debugging order and stops at the first failure, with its likely causes and the "
            "next thing to try.",
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.runs: dict[str, ChecklistRun] = {}
        self._task: asyncio.Task | None = None
        self._profile: Profile | None = None
        self.model = ChecklistModel()
        self.set_content(self._build())
        self._spinner = QTimer(self)
        self._spinner.setInterval(120)
        self._spinner.timeout.connect(self._spin)
        ctx.services_changed.connect(self._bind_sandbox)
        self._heading, self._production = "", False
        bind(self, self._show_heading)

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        self.heading = QLabel()
        self.heading.setObjectName("checklistHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        header = FlowLayout()
        self.run_button = QPushButton("Run checklist")
        self.run_button.setObjectName("runChecklist")
        self.run_button.setToolTip("Run every step in the provider's order (F5)")
        bold = self.run_button.font()  # the page's main action (not a dialog's default)
        bold.setBold(True)
        self.run_button.setFont(bold)
        self.run_button.clicked.connect(self._run_or_stop)
        header.add(self.run_button)
        self.rerun_button = QPushButton("Re-run from failed step")
        self.rerun_button.setToolTip("Run again from the step that failed, keeping what the "
                                     "earlier steps found (Shift+F5)")
        self.rerun_button.clicked.connect(self.rerun_from_failed)
        header.add(self.rerun_button)
        self.faults_button = SandboxFaultsButton()
        header.add(self.faults_button)
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("checklistWaiting")
        header.add(self.waiting_label)
        layout.addLayout(header)
        self.progress = StepsBar()
        layout.addWidget(self.progress)

        self.table = QTableView()
        self.table.setObjectName("checklistSteps")
        describe(self.table, "Checklist steps",
                 "The provider's debugging order: each step's status, time and outcome; "
                 "select one to read it below")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        head.resizeSection(0, 28)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())

        self.detail = StepDetail()
        self.detail.exchange_requested.connect(self._open_exchange)
        self.detail.ticked.connect(self._tick)
        self.escalation = EscalationFacts(lambda text: text)
        self.escalation.copied.connect(lambda text: self.ctx.say(text))

        self.lower = lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.detail)
        lower.addWidget(self.escalation)
        lower.setSizes([620, 380])
        lower.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([260, 420])
        layout.addWidget(split, 1)

        QShortcut(QKeySequence("F5"), self, self.run)
        QShortcut(QKeySequence("Shift+F5"), self, self.rerun_from_failed)
        QShortcut(QKeySequence("Esc"), self, self.stop)
        return content

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Step detail beside the escalation facts where there is room, above them where
        there is not: side by side on a small screen, the detail was a word a line."""
        super().resizeEvent(event)
        narrow = self.width() < STACK_BELOW
        orientation = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.lower.orientation() != orientation:
            self.lower.setOrientation(orientation)
            size = self.lower.height() if narrow else self.lower.width()
            self.lower.setSizes([size * 6 // 10, size - size * 6 // 10])

    # -- following the profile ----------------------------------------------------------------

    def on_profile_changed(self, profile: Profile | None) -> None:
        self._profile = profile
        provider = self.ctx.workspace.provider_for(profile) if profile else None
        if profile is None or provider is None or not provider.checklist:
            self.show_empty(True)
            return
        self.show_empty(False)
        run = self.runs.get(profile.id)
        if run is not None:
            self.model.show_run(run)
        else:
            self.model.show_steps(provider.checklist)
        environment = provider.environment(profile.environment)
        production = bool(environment and environment.production)
        self._heading = (f"<b>{provider.name}</b> · {profile.name}"
                         f" · {environment.name if environment else profile.environment}")
        self._production = production
        self._show_heading(colours())
        self._bind_sandbox()
        self._refresh_controls()
        self._show_escalation(run)
        self.select_row(0 if run is None or run.failed is None
                        else run.results.index(run.failed))

    def _show_heading(self, c: Colours) -> None:
        badge = (f" <span style='color:{c.solid_text};background:{c.solid_fail}'>&nbsp;"
                 "PRODUCTION&nbsp;</span>" if self._production else "")
        self.heading.setText(self._heading + badge)

    def _bind_sandbox(self) -> None:
        provider = self.ctx.workspace.provider_for(self._profile) if self._profile else None
        is_sandbox = bool(provider and provider.sandbox)
        self.faults_button.setVisible(is_sandbox)
        if is_sandbox:
            self.faults_button.bind(self.ctx.sandbox)

    def _refresh_controls(self) -> None:
        running = self._task is not None and not self._task.done()
        self.run_button.setText("Stop" if running else "Run checklist")
        run = self.runs.get(self._profile.id) if self._profile else None
        self.rerun_button.setEnabled(not running and run is not None and run.failed is not None)
        self.progress.set_statuses([r.status for r in self.model.results])

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._show_selected()

    def _show_selected(self) -> None:
        row = self.table.currentIndex().row()
        result = self.model.results[row] if 0 <= row < len(self.model.results) else None
        if result is not None and result.status is not StepStatus.PENDING:
            session = self.ctx.sessions.existing(self._profile.id) if self._profile else None
            self.detail.set_redactor(display_redactor(session).redact_text)  # the run's own
        self.detail.show_result(row, result)

    def _show_escalation(self, run: ChecklistRun | None) -> None:
        finished = run is not None and run.finished_at is not None
        session = self.ctx.session(self._profile) if self._profile and finished else None
        if session is not None:
            redactor = session.redactor()
            self.escalation.set_redactor(redactor.redact_text)
        self.escalation.show_facts(escalation_facts(run) if run and run.finished_at else None)

    # -- running ------------------------------------------------------------------------------

    def _run_or_stop(self) -> None:
        if self._task is not None and not self._task.done():
            self.stop()
        else:
            self.run()

    def run(self) -> None:
        self._start(start_from=None)

    def rerun_from_failed(self) -> None:
        run = self.runs.get(self._profile.id) if self._profile else None
        if run is not None and run.failed is not None:
            self._start(start_from=run.failed.step.id)

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def _start(self, *, start_from: str | None) -> None:
        if self._profile is None or (self._task is not None and not self._task.done()):
            return
        from desktop.ui.crash import spawn

        self._task = spawn(self._run(self._profile, start_from), name="checklist")
        self._task.add_done_callback(lambda _t: self._finished())
        self._refresh_controls()

    async def _run(self, profile: Profile, start_from: str | None) -> None:
        # The engine brings the HTTP client (httpx) with it: loaded by the first run.
        from desktop.core.checklist.harness import build_engine, needs_receiver

        session = self.ctx.session(profile)
        provider = session.provider
        webhooks = None
        if needs_receiver(provider):
            receiver = await session.start_receiver()
            self.ctx.services_changed.emit()
            sandbox = self.ctx.sandbox
            if provider.sandbox and sandbox is not None and receiver.url:
                sandbox.configure(webhook_url=receiver.url.rstrip("/") + "/webhooks")
            webhooks = session.correlator()
        engine = build_engine(session.client, webhooks=webhooks, confirm=self._confirm)
        previous = self.runs.get(profile.id) if start_from else None
        self._spinner.start()
        async for event in engine.run(previous, start_from=start_from):
            if isinstance(event, RunStarted):
                self.runs[profile.id] = event.run
                session.last_run = event.run
                if self._profile is not None and self._profile.id == profile.id:
                    self.model.show_run(event.run)
                    self.escalation.show_facts(None)
            elif isinstance(event, StepStarted):
                self._update_row(event.index, select=True)
                self.waiting_label.clear()
            elif isinstance(event, StepWaiting):
                self.waiting_label.setText(f"⏳ {event.reason}")
            elif isinstance(event, StepFinished):
                self.waiting_label.clear()
                self._update_row(event.index,
                                 select=event.result.status is StepStatus.FAIL)
            elif isinstance(event, RunFinished):
                self._show_escalation(event.run)
                outcome = ("every step passed" if event.run.ok else
                           f"stopped at “{event.run.failed.step.title}”")
                self.ctx.say(f"Checklist for {profile.name}: {outcome}.")

    def _update_row(self, index: int, *, select: bool = False) -> None:
        if self._profile is None or self.runs.get(self._profile.id) is None:
            return
        self.model.step_changed(index)
        if select:
            self.select_row(index)
        elif self.table.currentIndex().row() == index:
            self._show_selected()
        self._refresh_controls()

    def _finished(self) -> None:
        self._spinner.stop()
        self.waiting_label.clear()
        self.model.layoutChanged.emit()
        self._show_selected()
        self._refresh_controls()

    def _spin(self) -> None:
        if not self.model.tick_spinner():
            self._spinner.stop()

    async def _confirm(self, request: SendConfirmation) -> bool:
        """A real message on production: the user confirms, naming recipient and sender."""
        box = QMessageBox(self.window())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Send a real message?")
        box.setText(f"This step sends a real message on {request.provider} "
                    f"{request.environment.upper()}.")
        box.setInformativeText(f"To: {request.recipient}\nFrom: {request.sender}\n"
                               f"Request: {request.endpoint}\n\nSend it?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        box.finished.connect(lambda _code: answer.done() or answer.set_result(None))
        self.confirmation_box = box
        box.open()
        await answer
        clicked = box.clickedButton()
        return clicked is not None and \
            box.standardButton(clicked) == QMessageBox.StandardButton.Yes

    # -- detail actions ---------------------------------------------------------------------

    def _open_exchange(self, exchange_id: int) -> None:
        exchange = self.ctx.workspace.history.by_id(exchange_id)
        if exchange is not None:
            self.ctx.open_exchange.emit(exchange)
            self.ctx.show_page.emit("Composer")

    def _tick(self, index: int) -> None:
        if not 0 <= index < len(self.model.results):
            return
        result = self.model.results[index]
        result.ticked = True
        result.status = StepStatus.PASS
        result.summary = "Checked by you in the provider's console."
        self.model.step_changed(index)
        self._show_selected()

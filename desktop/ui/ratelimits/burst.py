"""The burst tool: N requests at a chosen rate against the Sandbox, to watch the limiter.

Refused (with ``check_burst_allowed``'s reason) for production and for any
profile that is not the Sandbox. Pacing is ``run_burst``'s; every request
goes through the profile's own client, so each one is an Exchange in the
History and a sample on the chart, which fills while the burst runs.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.core.client.auth import TokenError
from desktop.core.compose import fill_template
from desktop.core.profiles import Profile
from desktop.core.provider.model import Endpoint, Provider
from desktop.core.ratelimit import (
    BurstRefused,
    BurstResult,
    RateLimitSample,
    check_burst_allowed,
    run_burst,
)
from desktop.core.sessions import ProfileSession
from desktop.ui.crash import spawn

log = logging.getLogger(__name__)


def default_endpoint(endpoints: tuple[Endpoint, ...]) -> int:
    """The Sandbox's ``whoami`` when there is one, else the first GET: cheap and harmless."""
    for index, endpoint in enumerate(endpoints):
        if endpoint.request.path.rstrip("/").endswith("whoami"):
            return index
    for index, endpoint in enumerate(endpoints):
        if endpoint.request.method.upper() == "GET":
            return index
    return 0


class BurstPanel(QGroupBox):
    finished = Signal(object)
    """The BurstResult (None when stopped or refused before any request)."""
    HINT = "Sends through the profile's client and stops at the first 429."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Burst tool (Sandbox only)", parent)
        self.setObjectName("burstPanel")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: label above
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 10_000)
        self.count_spin.setValue(80)
        self.count_spin.setSuffix(" requests")
        self.count_spin.setToolTip("How many requests the burst sends")
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(0.1, 500.0)
        self.rate_spin.setDecimals(1)
        self.rate_spin.setValue(20.0)
        self.rate_spin.setSuffix(" per second")
        self.rate_spin.setToolTip("How fast the requests are started")
        self.endpoint_combo = QComboBox()
        self.endpoint_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.endpoint_combo.setMinimumContentsLength(10)
        self.endpoint_combo.setToolTip("Which of the provider's requests to send")
        self.pace_check = QCheckBox("Stay under a limit")
        self.pace_check.setToolTip("Never start more than this many requests within the window "
                                   "(off: send at the rate and let the server refuse)")
        self.pace_limit = QSpinBox()
        self.pace_limit.setRange(1, 1_000_000)
        self.pace_limit.setValue(60)
        self.pace_limit.setAccessibleName("Limit")
        self.pace_limit.setToolTip("At most this many requests…")
        self.pace_window = QDoubleSpinBox()
        self.pace_window.setRange(0.1, 86_400.0)
        self.pace_window.setDecimals(1)
        self.pace_window.setValue(60.0)
        self.pace_window.setSuffix(" s")
        self.pace_window.setAccessibleName("Window")
        self.pace_window.setToolTip("…within this many seconds")
        for spin in (self.pace_limit, self.pace_window):
            spin.setMinimumWidth(64)  # the range's widest value need not fit: the tools column
            spin.setEnabled(False)
            self.pace_check.toggled.connect(spin.setEnabled)
        pace = QHBoxLayout()
        pace.addWidget(self.pace_limit, 1)
        pace.addWidget(QLabel("per"))
        pace.addWidget(self.pace_window, 1)
        form.addRow("Send", self.count_spin)
        form.addRow("At", self.rate_spin)
        form.addRow("Endpoint", self.endpoint_combo)
        form.addRow(self.pace_check)
        form.addRow("", pace)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start burst")
        self.start_button.setObjectName("startBurst")
        self.start_button.clicked.connect(self.start)
        self.start_button.setToolTip("Send the burst against the Sandbox")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopBurst")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setToolTip("Stop the burst; what was answered stays on the chart")
        self.stop_button.setEnabled(False)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        form.addRow(buttons)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m answered")
        self.progress.setAccessibleName("Burst progress")
        form.addRow(self.progress)
        self.status_label = QLabel(self.HINT)
        self.status_label.setObjectName("burstStatus")
        self.status_label.setWordWrap(True)
        form.addRow(self.status_label)

        self._profile: Profile | None = None
        self.session: ProfileSession | None = None
        self.task: asyncio.Task[BurstResult] | None = None
        self.result: BurstResult | None = None
        self.refused_reason: str | None = None
        self.sandbox_running = True
        self._count_changed(self.count_spin.value())
        self.count_spin.valueChanged.connect(self._count_changed)

    def _count_changed(self, count: int) -> None:
        """The total under the bar is the Send box's, before and between bursts."""
        if not self.running:
            self.progress.setRange(0, count)
            self.progress.setValue(0)

    # -- which profile ------------------------------------------------------------------------

    def set_profile(self, profile: Profile | None, session: ProfileSession | None) -> None:
        """Offer the profile's endpoints, or say why a burst is not allowed against it."""
        if self.running and session is not self.session:
            self.stop()
        self._profile = profile
        self.session = session
        self.endpoint_combo.clear()
        endpoints = self.provider.endpoints if self.provider is not None else ()
        for number, endpoint in enumerate(endpoints):
            request = endpoint.request
            self.endpoint_combo.addItem(endpoint.name, f"{request.method} {request.path}")
            self.endpoint_combo.setItemData(number, f"{request.method} {request.path}",
                                            Qt.ItemDataRole.ToolTipRole)
        if endpoints:
            self.endpoint_combo.setCurrentIndex(default_endpoint(endpoints))
        self._show_allowed()

    def set_sandbox_running(self, running: bool) -> None:
        """Whether the embedded Sandbox is up (a Sandbox profile has nothing to send to else)."""
        self.sandbox_running = running
        if not self.running:
            self._show_allowed()

    def _show_allowed(self) -> None:
        self.refused_reason = self.refusal()
        self.start_button.setEnabled(self.refused_reason is None and not self.running)
        self.start_button.setToolTip(self.refused_reason or "Send the burst against the Sandbox")
        self.status_label.setText(self.refused_reason or self.HINT)

    @property
    def profile(self) -> Profile | None:
        """The profile as it is now (its base URL follows the Sandbox's port)."""
        return self.session.profile if self.session is not None else self._profile

    @property
    def provider(self) -> Provider | None:
        return self.session.provider if self.session is not None else None

    def set_pacing(self, limit: int, window: float) -> None:
        """Pre-fill "stay under" with a limit the server stated (or the Sandbox's settings)."""
        if not self.running:
            self.pace_limit.setValue(limit)
            self.pace_window.setValue(window)

    def refusal(self) -> str | None:
        """Why the burst may not run against the current profile (None: it may)."""
        if self.profile is None or self.provider is None:
            return "Pick a profile first."
        environment = self.provider.environment(self.profile.environment)
        try:
            check_burst_allowed(is_production=bool(environment and environment.production),
                                is_sandbox=self.provider.sandbox)
        except BurstRefused as why:
            return str(why)
        if not self.provider.endpoints:
            return "This provider has no endpoints to send."
        if not self.sandbox_running:
            return "The Sandbox is not running yet."
        return None

    # -- running ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> asyncio.Task[BurstResult] | None:
        """Start the burst (None, with the reason shown, when it is refused or running)."""
        self.refused_reason = self.refusal()
        if self.refused_reason is not None:
            self.status_label.setText(self.refused_reason)
            return None
        if self.running:
            return None
        assert self.provider is not None
        assert self.profile is not None
        endpoint = self.provider.endpoints[self.endpoint_combo.currentIndex()]
        _spec, missing = fill_template(endpoint.request, self.profile, self.provider)
        if missing:
            self.status_label.setText(f"{endpoint.name} needs values this profile does not "
                                      f"have: {', '.join(missing)}.")
            return None
        count = self.count_spin.value()
        limit = self.pace_limit.value() if self.pace_check.isChecked() else None
        self.result = None
        self.progress.setRange(0, count)
        self.progress.setValue(0)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.task = spawn(self._run(endpoint, count, self.rate_spin.value(), limit,
                                    self.pace_window.value()), name="burst")
        return self.task

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def _warm_up(self, session: ProfileSession) -> None:
        """Get the OAuth2 token before pacing starts.

        Otherwise the first request waits for the token while the next ones are
        already paced: they reach the server bunched up behind it, and a burst
        told to stay under the limit could still be refused.
        """
        client = session.client
        state = client.token_state
        if session.provider.auth.uses_token and (state is None or state.expired()):
            self.status_label.setText("Getting a token first…")
            await client.acquire_token()

    async def _run(self, endpoint: Endpoint, count: int, rate: float, limit: int | None,
                   window: float) -> BurstResult | None:
        session = self.session
        assert session is not None
        answered = 0

        async def send(_index: int) -> RateLimitSample | None:
            nonlocal answered
            # filled per request: a fresh {{uuid}}, and the profile's base URL as it is now
            spec, _missing = fill_template(endpoint.request, session.profile, session.provider)
            exchange = await session.client.send(spec)
            answered += 1
            self.progress.setValue(answered)
            return exchange.ratelimit

        try:
            try:
                await self._warm_up(session)
            except TokenError as why:
                self.status_label.setText(f"No burst: the token request failed — {why}")
                self.finished.emit(None)
                return None
            self.status_label.setText(f"Sending {count} × {endpoint.name}…")
            result = await run_burst(send, count, rate, limit=limit, window=window)
        except asyncio.CancelledError:
            self.status_label.setText(f"Stopped after {answered} answered request(s).")
            self.finished.emit(None)
            raise
        finally:
            self.start_button.setEnabled(self.refusal() is None)
            self.stop_button.setEnabled(False)
        self.result = result
        self.status_label.setText(result.summary)
        self.finished.emit(result)
        return result

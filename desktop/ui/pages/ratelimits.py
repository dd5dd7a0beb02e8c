"""The Rate limits page: remaining quota over time, 429s and when to retry.

A thin view over the active profile's ``RateLimitSeries``: the series has
no change event, so while the page is visible it is polled four times a
second (its length says whether anything arrived). Everything heavy is put
off until the page is first shown: pyqtgraph costs ~0.5 s to import, which
the app's start-up budget cannot pay for a page most sessions never open.
The first time, the page says it is loading the chart and paints that
before the import holds the UI thread (not on a worker thread: PySide's
import hooks are not thread-safe, and a soak crashed that way).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core.profiles import Profile
from desktop.ui.pages.base import Page
from desktop.ui.theme import bind
from desktop.ui.widgets.empty_state import EmptyState
from desktop.ui.widgets.flow import FlowLayout

if TYPE_CHECKING:
    from desktop.core.provider.model import Provider
    from desktop.core.ratelimit import RateLimitSeries
    from desktop.core.sessions import ProfileSession
    from desktop.ui.ratelimits.burst import BurstPanel
    from desktop.ui.ratelimits.chart import RateLimitChart
    from desktop.ui.ratelimits.controls import SandboxControls, SpanSelector
    from desktop.ui.ratelimits.details import SampleLookup
    from desktop.ui.ratelimits.export import CsvExport
    from desktop.ui.ratelimits.header import HeaderStrip

POLL_MS = 250
PAINT_FIRST_MS = 50
"""Time given to "Loading the chart…" to be painted before pyqtgraph's import holds the
UI thread (the first time the page is shown)."""
SIDE_WIDTH = 264
"""The burst tool's and the Sandbox settings' column."""


class RateLimitsPage(Page):
    title = "Rate limits"
    object_name = "rateLimitsPage"

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "◔",
            "No rate-limit headers seen yet",
            "Each response's rate-limit headers (RateLimit, X-RateLimit-*, Retry-After) are "
            "charted here per profile: remaining against the limit, resets, and every 429 with "
            "the time it asked you to wait.",
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.clock = time.time
        self.chart: RateLimitChart | None = None
        self.header: HeaderStrip | None = None
        self.spans: SpanSelector | None = None
        self.burst: BurstPanel | None = None
        self.sandbox_controls: SandboxControls | None = None
        self.session: ProfileSession | None = None
        self.series: RateLimitSeries | None = None
        self.lookup: SampleLookup | None = None
        self.csv_export: CsvExport | None = None
        self._loading = False
        """Saying "Loading the chart…" until the first build (``showEvent``)."""
        self._profile: Profile | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        ctx.services_changed.connect(self._bind_sandbox)

    # -- lazily built content -----------------------------------------------------------------

    @property
    def built(self) -> bool:
        return self.chart is not None

    def ensure_built(self) -> None:
        """Build the chart and its controls (imports pyqtgraph): the first time it is shown."""
        if self.built:
            return
        from desktop.ui.ratelimits.burst import BurstPanel
        from desktop.ui.ratelimits.chart import RateLimitChart
        from desktop.ui.ratelimits.controls import SandboxControls, SpanSelector
        from desktop.ui.ratelimits.header import HeaderStrip

        content = QWidget()
        outer = QHBoxLayout(content)
        main = QVBoxLayout()
        self.header = HeaderStrip()
        main.addWidget(self.header)
        self.spans = SpanSelector()
        self.spans.add_shortcuts(self)
        main.addWidget(self.spans)
        self.chart = RateLimitChart(clock=lambda: self.clock())
        self.chart.setMinimumWidth(240)
        self.chart.span_changed.connect(self.spans.show_span)
        self.spans.span_chosen.connect(self.chart.set_span)
        main.addWidget(self.chart, 1)
        self.hint = QLabel("Hover for a sample's details · wheel to zoom · drag to pan · "
                           "Alt+1 / Alt+2 / Alt+3: last 5 min / last hour / all")
        self.hint.setObjectName("rateLimitHint")
        bind(self.hint, lambda c: self.hint.setStyleSheet(f"color: {c.muted};"))
        self.hint.setWordWrap(True)
        main.addWidget(self.hint)
        outer.addLayout(main, 1)

        # The tools column: a fixed, modest width (scrolling when the window is short), so a
        # small screen keeps room for the chart instead of growing the window.
        side = QVBoxLayout()
        exports = FlowLayout()
        exports.add(QLabel("Export:"))
        self.png_button = QPushButton("Chart PNG…")
        self.png_button.setToolTip("Save the chart as it is shown")
        self.png_button.clicked.connect(lambda: self.export_png())
        self.csv_button = QPushButton("Samples CSV…")
        self.csv_button.setToolTip("Save every sample of this profile (not only the visible ones)")
        self.csv_button.clicked.connect(lambda: self.export_csv())
        exports.add(self.png_button)
        exports.add(self.csv_button)
        side.addLayout(exports)
        self.csv_progress = QProgressBar()
        self.csv_progress.setFormat("CSV %p%")
        self.csv_progress.setAccessibleName("CSV export progress")
        self.csv_progress.hide()
        side.addWidget(self.csv_progress)
        self.burst = BurstPanel()
        self.sandbox_controls = SandboxControls()
        side.addWidget(self.burst)
        side.addWidget(self.sandbox_controls)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        scroll = QScrollArea()
        scroll.setObjectName("rateLimitTools")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the focus
        scroll.setWidget(side_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(SIDE_WIDTH)
        outer.addWidget(scroll)
        self.set_content(content)
        self._bind_sandbox()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.built or not self._build_after_paint():
            self.ensure_built()
            self._follow()

    def _build_after_paint(self) -> bool:
        """The first time (pyqtgraph not imported yet): say "Loading the chart…", let that
        paint, then build; False when the page can be built at once."""
        if self._loading:
            return True
        if "pyqtgraph" in sys.modules:
            return False
        self._loading = True
        title = self.empty.title.text()
        self.empty.title.setText("Loading the chart…")

        def build() -> None:
            self._loading = False
            self.empty.title.setText(title)
            if self.isVisible():
                self.ensure_built()
                self._follow()

        QTimer.singleShot(PAINT_FIRST_MS, self, build)  # not after the page is gone
        return True

    def _follow(self) -> None:
        """Chart the profile shown now and poll its series while the page is visible."""
        self.bind(self.ctx.active_profile if self._profile is None else self._profile)
        self.poll()
        self._poll.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._poll.stop()
        super().hideEvent(event)

    # -- following the profile ----------------------------------------------------------------

    def on_profile_changed(self, profile: Profile | None) -> None:
        self._profile = profile
        if self.built and self.isVisible():
            self.bind(profile)

    def bind(self, profile: Profile | None) -> None:
        """Chart ``profile``'s series and offer its burst/sandbox tools."""
        from desktop.ui.ratelimits.details import SampleLookup

        self._profile = profile
        if not self.built:
            return
        assert self.chart is not None
        assert self.header is not None
        assert self.burst is not None
        session = None
        if profile is not None:
            try:
                session = self.ctx.session(profile)
            except KeyError as why:  # an unknown provider: nothing to chart
                self.empty.set_body(str(why))
        if session is not self.session or session is None:
            self.session = session
            self.series = session.ratelimits if session is not None else None
            self.lookup = SampleLookup(self.ctx.workspace.history, profile.name) \
                if session is not None and profile is not None else None
            self.header.clear()
            self.chart.set_series(self.series, self.lookup)
            self.burst.set_profile(profile, session)
        self._show_sandbox_controls()
        self._update_empty()

    @property
    def provider(self) -> Provider | None:
        return self.session.provider if self.session is not None else None

    def _update_empty(self) -> None:
        provider = self.provider
        nothing = self.series is None or (len(self.series) == 0 and not (
            provider is not None and provider.sandbox))
        self.show_empty(nothing)

    def _bind_sandbox(self) -> None:
        if self.sandbox_controls is None or self.burst is None:
            return
        sandbox = self.ctx.sandbox
        self.sandbox_controls.bind(sandbox)
        self.burst.set_sandbox_running(sandbox is not None)
        if sandbox is not None:
            self.burst.set_pacing(sandbox.config.ratelimit_limit,
                                  float(sandbox.config.ratelimit_window))
        self._show_sandbox_controls()

    def _show_sandbox_controls(self) -> None:
        if self.sandbox_controls is not None:
            provider = self.provider
            self.sandbox_controls.setVisible(provider is not None and provider.sandbox)

    # -- live updates -------------------------------------------------------------------------

    def poll(self) -> None:
        """Redraw what arrived since the last look (called 4× a second while visible)."""
        if not self.built:
            return
        profile = self._profile
        if profile is not None and self.ctx.sessions.existing(profile.id) is not self.session:
            self.bind(profile)  # the session was replaced (profile edited or removed)
        if self.series is None:
            return
        assert self.chart is not None
        assert self.header is not None
        was_empty = self.showing_empty_state
        self.chart.refresh()
        self.header.update_from(self.series, self.provider, self.clock(), self.lookup)
        if was_empty:
            self._update_empty()

    # -- export -------------------------------------------------------------------------------

    def _default_name(self, suffix: str) -> str:
        name = self._profile.name if self._profile is not None else "profile"
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
        return str(Path.home() / f"ratelimits-{safe}-{datetime.now():%Y%m%d-%H%M%S}.{suffix}")

    def export_png(self, path: str | Path | None = None) -> Path | None:
        """Save the chart as shown (asks where when ``path`` is None)."""
        if self.chart is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export chart as PNG",
                                                  self._default_name("png"), "PNG (*.png)")
            if not path:
                return None
        target = Path(path)
        if not self.chart.grab_plot().save(str(target), "PNG"):
            self.ctx.say(f"Could not write {target}.")
            return None
        self.ctx.say(f"Chart saved to {target}.")
        return target

    def export_csv(self, path: str | Path | None = None) -> CsvExport | None:
        """Write every sample as CSV on a worker thread, with progress (asks where if None)."""
        from desktop.ui.ratelimits.export import CsvExport

        if self.series is None or (self.csv_export is not None and not self.csv_export.done):
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export samples as CSV",
                                                  self._default_name("csv"), "CSV (*.csv)")
            if not path:
                return None
        export = CsvExport(self.series, path, self)
        self.csv_export = export
        self.csv_button.setEnabled(False)
        self.csv_progress.setRange(0, max(1, export.total))
        self.csv_progress.setValue(0)
        self.csv_progress.show()
        export.progress.connect(lambda rows, _total: self.csv_progress.setValue(rows))
        export.finished.connect(lambda error: self._csv_finished(export, error))
        return export.start()

    def _csv_finished(self, export: CsvExport, error: str | None) -> None:
        self.csv_button.setEnabled(True)
        self.csv_progress.hide()
        if error is None:
            self.ctx.say(f"{export.rows:,} samples written to {export.path}.")
        else:
            self.ctx.say(f"CSV export failed: {error}", 0)

"""The strip above the chart: where the quota stands now, and what to do about it.

Current remaining/limit and the header family, when the window resets, the
forecast sentence when ``forecast`` can give one, malformed fields of the
latest response, and after a 429 a countdown to the earliest safe retry
(``RetryPlan``: Retry-After first, the provider's minimum wait after a 429
as a floor). The strip decides nothing itself: it shows what core says.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.core.palette import Colours
from desktop.core.provider.model import Provider
from desktop.core.ratelimit import RateLimitSample, RateLimitSeries, RetryPlan, forecast
from desktop.ui.ratelimits.details import SampleLookup
from desktop.ui.ratelimits.readout import clock_text
from desktop.ui.theme import bind
from desktop.ui.widgets.countdown import Countdown


def header_style(c: Colours) -> str:
    return f"""
#rateLimitHeader {{ background: {c.neutral_bg}; border: 1px solid {c.border};
                   border-radius: 6px; }}
#rateLimitRemaining {{ font-size: 26px; font-weight: 600; color: {c.info}; }}
#rateLimitRemaining[exhausted="true"] {{ color: {c.fail}; }}
#rateLimitCaption {{ color: {c.muted}; }}
#rateLimitFamily, #rateLimitReset {{ color: {c.text}; }}
#rateLimitForecast {{ color: {c.text}; font-style: italic; }}
#rateLimitProblems {{ color: {c.warn}; }}
QLabel#countdown[state="counting"] {{ color: {c.fail}; font-weight: 600; }}
QLabel#countdown[state="done"] {{ color: {c.ok}; font-weight: 600; }}
"""


def _number(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0f}"


def _last_known(values: np.ndarray) -> int | None:
    known = np.flatnonzero(~np.isnan(values))
    return int(known[-1]) if len(known) else None


class HeaderStrip(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rateLimitHeader")
        bind(self, lambda c: self.setStyleSheet(header_style(c)))
        # One column: the number and its caption on top, then a line per fact. Side by side
        # columns squeezed each fact to a word or two per line on a small screen.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.remaining_label = QLabel("—")
        self.remaining_label.setObjectName("rateLimitRemaining")
        self.caption_label = QLabel("remaining / limit")
        self.caption_label.setObjectName("rateLimitCaption")
        top.addWidget(self.remaining_label)
        top.addWidget(self.caption_label, 1, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)
        self.family_label = QLabel()
        self.family_label.setObjectName("rateLimitFamily")
        self.reset_label = QLabel()
        self.reset_label.setObjectName("rateLimitReset")
        self.forecast_label = QLabel()
        self.forecast_label.setObjectName("rateLimitForecast")
        self.countdown = Countdown(self, template="Earliest safe retry in {left} — {reason}",
                                   done_text="✓ The Retry-After wait is over: you can retry now.")
        self.backoff_label = QLabel()
        self.backoff_label.setObjectName("rateLimitBackoff")
        self.problems_label = QLabel()
        self.problems_label.setObjectName("rateLimitProblems")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.family_label, self.reset_label, self.forecast_label, self.countdown,
                      self.backoff_label, self.problems_label):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.plan: RetryPlan | None = None
        self._refusal_index: int | None = None
        self.clear()

    def clear(self) -> None:
        self.remaining_label.setText("—")
        self.family_label.setText("No rate-limit headers seen yet.")
        self.reset_label.setText("")
        self.forecast_label.hide()
        self.backoff_label.hide()
        self.problems_label.hide()
        self.countdown.stop()
        self.plan = None
        self._refusal_index = None

    # -- updating ---------------------------------------------------------------------------

    def update_from(self, series: RateLimitSeries, provider: Provider | None, now: float,
                    lookup: SampleLookup | None = None) -> None:
        """Show where ``series`` stands at ``now`` (cheap: called a few times a second)."""
        if len(series) == 0:
            self.clear()
            return
        self._show_numbers(series, now)
        result = forecast(series, now)
        self.forecast_label.setVisible(result is not None)
        if result is not None:
            self.forecast_label.setText(result.sentence)
        last = series.last
        problems = last.unparseable if last is not None else ()
        self.problems_label.setVisible(bool(problems))
        if problems:
            fields = "; ".join(f"{name}: {raw!r}" for name, raw in problems)
            self.problems_label.setText(f"⚠ Unparseable rate-limit field ignored — {fields}")
        self._follow_refusals(series, provider, now, lookup)

    def _show_numbers(self, series: RateLimitSeries, now: float) -> None:
        at = _last_known(series.remaining)
        limit_at = _last_known(series.limit)
        remaining = float(series.remaining[at]) if at is not None else math.nan
        limit = float(series.limit[limit_at]) if limit_at is not None else math.nan
        self.remaining_label.setText(f"{_number(remaining)} / {_number(limit)}")
        self.remaining_label.setProperty("exhausted", remaining == 0)
        self.remaining_label.style().unpolish(self.remaining_label)
        self.remaining_label.style().polish(self.remaining_label)
        index = at if at is not None else len(series) - 1
        family = series.family(index)
        words = [f"Header family: {family}" if family else "No rate-limit header family"]
        last = series.last
        if last is not None and last.policy:
            words.append(f'policy "{last.policy}"')
        if last is not None and last.window:
            words.append(f"window {last.window:g} s")
        self.family_label.setText(" · ".join(words))
        reset = float(series.reset_at[index])
        if math.isnan(reset):
            self.reset_label.setText("The headers do not say when the window resets.")
        else:
            left = reset - now
            when = f"in {left:.0f} s" if left > 0 else "already reset"
            unit = last.reset_unit if last is not None and last.reset_unit else None
            read = f" · Reset read as {unit}" if unit else ""
            self.reset_label.setText(f"Window resets at {clock_text(reset)} ({when}){read}")

    def _follow_refusals(self, series: RateLimitSeries, provider: Provider | None, now: float,
                         lookup: SampleLookup | None) -> None:
        refused = np.flatnonzero(series.status == 429)
        if len(refused) == 0:
            return
        index = int(refused[-1])
        if index == self._refusal_index:
            return
        self._refusal_index = index
        sample = self._sample(series, index, lookup)
        floor = provider.ratelimit.min_wait_after_429 if provider is not None else 0.0
        self.plan = plan = RetryPlan.from_sample(sample, min_wait_after_429=floor)
        self.backoff_label.setVisible(plan.needs_backoff)
        if plan.needs_backoff:
            self.countdown.stop()
            self.backoff_label.setText(f"Refused at {clock_text(sample.at)}: {plan.reason}.")
        elif plan.wait_seconds(now) > 0:
            self.countdown.start(plan.earliest_retry_at, plan.reason)

    @staticmethod
    def _sample(series: RateLimitSeries, index: int,
                lookup: SampleLookup | None) -> RateLimitSample:
        """The 429's full sample (Retry-After's source matters to the plan's words)."""
        if index == len(series) - 1 and series.last is not None:
            return series.last
        at = float(series.times[index])
        found = lookup.find(index, at) if lookup is not None else None
        if found is not None:
            return found

        def value(column: np.ndarray) -> float | None:
            number = float(column[index])
            return None if math.isnan(number) else number

        remaining, limit = value(series.remaining), value(series.limit)
        return RateLimitSample(
            at=at, status=429, remaining=None if remaining is None else int(remaining),
            limit=None if limit is None else int(limit), reset_at=value(series.reset_at),
            retry_after=value(series.retry_after))

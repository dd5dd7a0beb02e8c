"""Rate limits: parse what providers say, plan retries, chart and forecast, pace bursts.

``parse_ratelimit`` turns one response's headers (and 429 body) into a
``RateLimitSample``; ``RetryPlan`` says when to try again and why;
``RateLimitSeries`` keeps a profile's samples for the chart; ``forecast``
says when remaining reaches 0; ``run_burst`` paces the sandbox burst tool.
See docs/ratelimits.md.
"""

from desktop.core.ratelimit.burst import BurstRefused, BurstResult, check_burst_allowed, run_burst
from desktop.core.ratelimit.forecast import Forecast, forecast
from desktop.core.ratelimit.parse import (
    DEFAULT_BODY_FIELDS,
    classify_reset,
    parse_ratelimit,
    reset_after_seconds,
)
from desktop.core.ratelimit.retry import RetryPlan, backoff_delay, backoff_delays
from desktop.core.ratelimit.sample import (
    FAMILIES,
    Capacity,
    Family,
    Policy,
    RateLimitSample,
    ResetUnit,
)
from desktop.core.ratelimit.series import RateLimitSeries, Refusals, SeriesWindow

__all__ = [
    "DEFAULT_BODY_FIELDS",
    "FAMILIES",
    "BurstRefused",
    "BurstResult",
    "Capacity",
    "Family",
    "Forecast",
    "Policy",
    "RateLimitSample",
    "RateLimitSeries",
    "Refusals",
    "ResetUnit",
    "RetryPlan",
    "SeriesWindow",
    "backoff_delay",
    "backoff_delays",
    "check_burst_allowed",
    "classify_reset",
    "forecast",
    "parse_ratelimit",
    "reset_after_seconds",
    "run_burst",
]

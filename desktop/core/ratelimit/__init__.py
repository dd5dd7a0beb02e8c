"""Rate limits: parse what providers say, plan retries, chart and forecast, pace bursts.

``parse_ratelimit`` turns one response's headers (and 429 body) into a
``RateLimitSample``; ``RetryPlan`` says when to try again and why;
``RateLimitSeries`` keeps a profile's samples for the chart; ``forecast``
says when remaining reaches 0; ``run_burst`` paces the sandbox burst tool.
See docs/ratelimits.md.

The series, forecast and burst parts need numpy (~0.2 s and 17 MB to load);
every response needs only the parser. So those three load on first use
(PEP 562): a request never pays for the chart.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from desktop.core.ratelimit.burst import (
        BurstRefused,
        BurstResult,
        check_burst_allowed,
        run_burst,
    )
    from desktop.core.ratelimit.forecast import Forecast, forecast
    from desktop.core.ratelimit.series import RateLimitSeries, Refusals, SeriesWindow

_LAZY = {
    "burst": ("BurstRefused", "BurstResult", "check_burst_allowed", "run_burst"),
    "forecast": ("Forecast", "forecast"),
    "series": ("RateLimitSeries", "Refusals", "SeriesWindow"),
}

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


def __getattr__(name: str) -> Any:
    for module_name, names in _LAZY.items():
        if name in names:
            module = importlib.import_module(f"{__name__}.{module_name}")
            # Importing ``forecast`` binds the submodule to this package's attribute of
            # the same name: bind the public names afterwards, so the function wins.
            globals().update({n: getattr(module, n) for n in names})
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

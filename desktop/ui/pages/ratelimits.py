"""The Rate limits page: remaining quota over time, 429s and when to retry."""

from __future__ import annotations

from desktop.ui.pages.base import Page
from desktop.ui.widgets.empty_state import EmptyState


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

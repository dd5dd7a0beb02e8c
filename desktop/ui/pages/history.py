"""The History page: every Exchange of the session, filterable, reopenable."""

from __future__ import annotations

from desktop.ui.pages.base import Page
from desktop.ui.widgets.empty_state import EmptyState


class HistoryPage(Page):
    title = "History"
    object_name = "historyPage"

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "☰",
            "No requests yet",
            "Every request sent from the composer or by a checklist step appears here with its "
            "status, timing and diagnosis. Filter by text, status (4xx, status:401) or method.",
        )

"""The Webhooks page: events received by the local receiver, verified and correlated."""

from __future__ import annotations

from desktop.ui.pages.base import Page
from desktop.ui.widgets.empty_state import EmptyState


class WebhooksPage(Page):
    title = "Webhooks"
    object_name = "webhooksPage"

    def make_empty_state(self) -> EmptyState:
        return EmptyState(
            "⇄",
            "No webhook events yet",
            "Events posted to the local receiver appear here as they arrive, with their "
            "signature checked against the profile's webhook secret and matched to the message "
            "they are about.",
        )

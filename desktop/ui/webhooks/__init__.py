"""Widgets and models of the Webhooks page: live events, their detail, lifecycles, sending."""

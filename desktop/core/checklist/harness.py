"""How the window and the CLI build a checklist run, so it behaves the same in both.

The profile's session (its client and webhook receiver, desktop.core.sessions)
is set up by the caller; the receiver must be listening before the run
starts, since a provider may call back within milliseconds of a send.
"""

from __future__ import annotations

from desktop.core.checklist.engine import ChecklistEngine, Confirm, WebhookWaiter
from desktop.core.client.client import ProfileClient
from desktop.core.provider.model import Provider, StepKind


def needs_receiver(provider: Provider) -> bool:
    return any(step.kind is StepKind.WEBHOOK for step in provider.checklist)


def build_engine(
    client: ProfileClient,
    *,
    webhooks: WebhookWaiter | None = None,
    confirm: Confirm | None = None,
    webhook_timeout: float | None = None,
) -> ChecklistEngine:
    """An engine that lints each step's request with the provider's rules before sending."""
    from desktop.core.lint import lint_request

    provider, base_url = client.provider, client.profile.base_url
    return ChecklistEngine(
        client,
        webhooks=webhooks,
        confirm=confirm,
        lint=lambda spec: lint_request(spec, provider, base_url=base_url),
        webhook_timeout=webhook_timeout,
    )

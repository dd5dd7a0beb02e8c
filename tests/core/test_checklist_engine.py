"""The checklist engine against the real sandbox: every fault stops the run at the right step."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import replace

import pytest

from desktop.core.checklist.engine import SendConfirmation
from desktop.core.checklist.harness import build_engine
from desktop.core.checklist.model import (
    ChecklistRun,
    RunFinished,
    StepFinished,
    StepStatus,
    StepWaiting,
)
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from desktop.sandbox.server import Sandbox

REGISTRY = load_registry()
RECIPIENT = "+14155550123"


async def _run(
    faults: Iterable[str] = (),
    *,
    provider_id: str = "sandbox",
    environment: str = "local",
    settings: dict[str, str] | None = None,
    secret: str = "sandbox-secret",
    confirm=None,
    webhook_wait: float = 5.0,
    configure: dict | None = None,
) -> tuple[ChecklistRun, list[object]]:
    sandbox = Sandbox(faults=list(faults))
    await sandbox.start()
    if configure:
        sandbox.configure(**configure)
    provider = REGISTRY.require(provider_id)
    profile = Profile(name="t", provider=provider_id, environment=environment,
                      base_url=sandbox.url,
                      settings={**provider.setting_defaults(), "client_id": "sandbox-client",
                                "recipient": RECIPIENT, **(settings or {})})
    secrets = {SecretKind.CLIENT_SECRET: secret,
               SecretKind.WEBHOOK_SECRET: "sandbox-webhook-secret"}
    session = ProfileSession(profile, provider, secrets.get, journal_name="test")
    events: list[object] = []
    try:
        receiver = await session.start_receiver()
        sandbox.configure(webhook_url=receiver.url.rstrip("/") + "/hook")
        engine = build_engine(session.client, webhooks=session.correlator(), confirm=confirm,
                              webhook_timeout=webhook_wait)
        run = None
        async for event in engine.run():
            events.append(event)
            if isinstance(event, RunFinished):
                run = event.run
    finally:
        await session.aclose()
        await sandbox.stop()
    assert run is not None
    return run, events


def run_check(*args, **kwargs) -> tuple[ChecklistRun, list[object]]:
    return asyncio.run(_run(*args, **kwargs))


def statuses(run: ChecklistRun) -> dict[str, str]:
    return {r.step.id: r.status.value for r in run.results}


def test_every_step_passes_against_a_healthy_sandbox_including_the_signed_webhook() -> None:
    run, events = run_check()
    assert statuses(run) == {"token": "pass", "whoami": "pass", "numbers": "pass",
                             "send": "pass", "webhook": "pass"}
    assert run.ok
    assert run.values["numberId"]
    assert run.values["message_id"].startswith("msg_")
    finished = [e.result.step.id for e in events if isinstance(e, StepFinished)]
    assert finished == ["token", "whoami", "numbers", "send", "webhook"]


@pytest.mark.parametrize(
    ("fault", "stops_at", "finding"),
    [
        ("bad_secret", "token", "sandbox.token-invalid-client"),
        ("inactive_client", "token", "sandbox.token-inactive-client"),
        ("inactive_account", "token", "sandbox.token-inactive-client"),
        ("expired_token", "whoami", "sandbox.core-unauthorized"),
        ("server_error", "whoami", "sandbox.server-error"),
        ("drop_connection", "token", "transport.reset"),
        ("no_numbers", "numbers", "sandbox.expect"),
        ("number_not_sms_enabled", "numbers", "sandbox.expect"),
        ("number_not_owned", "send", "sandbox.send-forbidden"),
        ("webhook_bad_signature", "webhook", "sandbox.webhook-bad-signature"),
        ("webhook_never_sent", "webhook", "sandbox.webhook-none-arrived"),
    ],
)
def test_each_sandbox_fault_stops_the_run_at_its_step(fault: str, stops_at: str,
                                                      finding: str) -> None:
    run, _ = run_check([fault], webhook_wait=1.5)
    failed = run.failed
    assert failed is not None, statuses(run)
    assert failed.step.id == stops_at
    assert failed.finding is not None
    assert failed.finding.code == finding
    later = run.results[run.results.index(failed) + 1:]
    assert all(r.status is StepStatus.SKIPPED and r.skip_reason for r in later)


def test_the_skip_reason_names_what_to_fix_first() -> None:
    run, _ = run_check(["bad_secret"])
    assert "token" in run.result("whoami").skip_reason.lower()


def test_whitespace_in_the_secret_is_the_first_cause_named() -> None:
    run, _ = run_check(secret="sandbox-secret\n")
    token = run.result("token")
    assert token.status is StepStatus.FAIL
    assert "whitespace" in token.finding.causes[0]


def test_inactive_client_is_named_as_the_cause() -> None:
    run, _ = run_check(["inactive_client"])
    assert "inactive" in run.failed.finding.causes[0].lower()


def test_expired_token_gets_one_fresh_token_and_one_retry() -> None:
    run, _ = run_check(["expired_token"])
    paths = [e.request.path for e in run.result("whoami").exchanges]
    whoami = run.result("whoami")
    # the retry is inside the one send: token, whoami 401, token, whoami 401
    assert whoami.http_status == 401
    assert paths == ["/api/core/whoami"]
    assert any("just been acquired" in cause for cause in whoami.finding.causes[:2])
    assert whoami.exchanges[-1].token_fresh is True


def test_a_recipient_not_in_e164_fails_send_before_any_request_leaves() -> None:
    run, _ = run_check(settings={"recipient": "(415) 555-0123"})
    send = run.result("send")
    assert send.status is StepStatus.FAIL
    assert send.exchanges == []
    assert send.finding.fix_value == "+14155550123"


def test_an_e164_send_from_fails_the_send_step_before_sending() -> None:
    run, _ = run_check(settings={"send_from": "+12025550142"})
    send = run.result("send")
    assert run.result("numbers").status is StepStatus.PASS
    assert send.status is StepStatus.FAIL
    assert send.exchanges == []
    assert "sendFrom" in send.finding.title


def test_values_flow_forward_from_numbers_to_send_to_webhook() -> None:
    run, _ = run_check()
    send = run.result("send")
    body = json.loads(send.exchanges[-1].request.body)
    assert body["sendFrom"] == run.values["numberId"]
    assert send.exchanges[-1].request.header("Idempotency-Key")
    assert run.result("webhook").status is StepStatus.PASS


def test_a_429_waits_the_retry_after_with_a_countdown_and_retries_once() -> None:
    run, events = run_check(configure={"ratelimit_limit": 2, "ratelimit_window": 2},
                            webhook_wait=1.0)
    waits = [e for e in events if isinstance(e, StepWaiting) and "429" in e.reason]
    assert waits, "expected a Retry-After countdown"
    assert waits[0].seconds_left <= 2.5
    limited = next(r for r in run.results if any(e.status == 429 for e in r.exchanges))
    assert [e.status for e in limited.exchanges][-1] != 429
    assert len(limited.exchanges) == 2


def test_a_production_send_asks_for_confirmation_naming_recipient_and_sender() -> None:
    asked: list[SendConfirmation] = []

    async def decline(request: SendConfirmation) -> bool:
        asked.append(request)
        return False

    run, _ = run_check(provider_id="redcloud", environment="production", confirm=decline)
    assert len(asked) == 1
    assert asked[0].recipient == RECIPIENT
    assert asked[0].sender
    send = run.result("send")
    assert send.status is StepStatus.SKIPPED
    assert "not confirmed" in send.skip_reason
    assert send.exchanges == []


def test_a_confirmed_production_send_goes_out() -> None:
    async def accept(_request: SendConfirmation) -> bool:
        return True

    run, _ = run_check(provider_id="redcloud", environment="production", confirm=accept)
    assert run.result("send").status is StepStatus.PASS


def test_staging_needs_no_confirmation() -> None:
    async def refuse(_request: SendConfirmation) -> bool:
        raise AssertionError("staging must not ask")

    run, _ = run_check(provider_id="redcloud", environment="staging", confirm=refuse)
    assert run.result("send").status is StepStatus.PASS


def test_rerun_from_the_failed_step_keeps_earlier_results() -> None:
    async def scenario() -> tuple[ChecklistRun, ChecklistRun]:
        sandbox = Sandbox(faults=["number_not_owned"])
        await sandbox.start()
        provider = REGISTRY.require("sandbox")
        profile = Profile(name="t", provider="sandbox", environment="local",
                          base_url=sandbox.url,
                          settings={**provider.setting_defaults(),
                                    "client_id": "sandbox-client", "recipient": RECIPIENT})
        session = ProfileSession(profile, provider,
                                 {SecretKind.CLIENT_SECRET: "sandbox-secret"}.get,
                                 journal_name="test")
        try:
            engine = build_engine(session.client)
            first = [e async for e in engine.run()][-1].run
            failed_at = first.failed.step.id
            token_result = first.result("token")
            sandbox.faults.set("number_not_owned", False)
            second = [e async for e in engine.run(first, start_from=failed_at)][-1].run
            assert second.result("token") is token_result
            return first, second
        finally:
            await session.aclose()
            await sandbox.stop()

    first, second = asyncio.run(scenario())
    assert second is first
    assert second.attempt == 2
    assert second.result("send").status is StepStatus.PASS
    assert second.result("webhook").status is StepStatus.SKIPPED  # no receiver in this run


def test_a_step_missing_its_setting_is_skipped_not_failed() -> None:
    run, _ = run_check(settings={"recipient": ""})
    assert run.result("send").status is StepStatus.SKIPPED
    assert "recipient" in run.result("send").skip_reason
    assert run.ok


def test_profile_replace_keeps_settings_immutable() -> None:
    provider = REGISTRY.require("sandbox")
    profile = Profile(name="x", provider="sandbox", environment="local")
    assert replace(profile, settings={"a": "b"}).settings == {"a": "b"}
    assert provider.checklist[0].id == "token"

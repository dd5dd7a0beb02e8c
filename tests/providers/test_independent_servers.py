"""`switchboard check` against servers written from each provider's public documentation.

A healthy server must earn a clean pass on every automated step, in each
shape the documentation leaves open; a documented failure must be named.
The servers are in ``independent.py``; they share no code with the sandbox.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from desktop.cli import main
from desktop.core.checklist.engine import ChecklistEngine
from desktop.core.checklist.model import ChecklistRun, RunFinished, StepStatus
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from tests.providers.independent import (
    CAMPAIGN_ID,
    CAMPAIGNS_KEY,
    ECD_CLIENT_ID,
    ECD_SECRET,
    RC_CLIENT_ID,
    RC_SECRET,
    RC_WEBHOOK_SECRET,
    TEMPLATE_ID,
    TRK_KEY,
    Shape,
    ThreadedServer,
    campaigns_app,
    ecourtdate_app,
    redcloud_app,
    trk_app,
)
from tests.providers.test_redcloud_shapes import free_port

AUTOMATED = {StepStatus.PASS.value}


def check(capsys, monkeypatch, env: dict[str, str], *args: str) -> tuple[int, dict]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["check", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def statuses(report: dict) -> dict[str, str]:
    return {step["id"]: step["status"] for step in report["steps"]}


def step(report: dict, step_id: str) -> dict:
    return next(s for s in report["steps"] if s["id"] == step_id)


# -- Red Cloud ----------------------------------------------------------------------------------

RC_ENV = {"SWITCHBOARD_CLIENT_ID": RC_CLIENT_ID, "SWITCHBOARD_CLIENT_SECRET": RC_SECRET,
          "SWITCHBOARD_WEBHOOK_SECRET": RC_WEBHOOK_SECRET}


@pytest.mark.parametrize("webhook_secret", [RC_WEBHOOK_SECRET, "another-secret"],
                         ids=["signed-right", "signed-wrong"])
def test_red_cloud_with_top_level_message_ids_passes_or_names_the_signature(
        capsys, monkeypatch, webhook_secret):
    port = free_port()
    shape = Shape(webhook_url=f"http://127.0.0.1:{port}/hooks", webhook_secret=webhook_secret)
    with ThreadedServer(redcloud_app(shape)) as server:
        code, report = check(capsys, monkeypatch, RC_ENV, "--provider", "redcloud",
                             "--base-url", server.url, "--recipient", "+14155550123",
                             "--webhook-port", str(port), "--webhook-wait", "30")
    if webhook_secret == RC_WEBHOOK_SECRET:
        assert set(statuses(report).values()) == AUTOMATED, report
        assert code == 0
    else:
        webhook = step(report, "webhook")
        assert webhook["status"] == "fail"
        assert webhook["finding"]["title"] == \
            "Webhooks arrived but their signature does not verify."
        assert code == 1


# -- eCourtDate --------------------------------------------------------------------------------

ECD_ENV = {"SWITCHBOARD_CLIENT_ID": ECD_CLIENT_ID, "SWITCHBOARD_CLIENT_SECRET": ECD_SECRET}


@pytest.mark.parametrize(("token_status", "expires_in"), [(201, False), (200, True)],
                         ids=["authentication-page-201", "quickstart-200"])
def test_ecourtdate_passes_with_either_documented_token_answer(
        capsys, monkeypatch, token_status, expires_in):
    shape = Shape(token_status=token_status, token_expires_in=expires_in)
    with ThreadedServer(ecourtdate_app(shape)) as server:
        code, report = check(capsys, monkeypatch, ECD_ENV, "--provider", "ecourtdate",
                             "--base-url", server.url, "--recipient", "+14155550123")
    assert statuses(report) == {"reachability": "pass", "token": "pass", "settings": "pass",
                                "last-active": "manual", "console-logs": "manual",
                                "send": "pass"}, report
    assert code == 0
    token = step(report, "token")
    assert f"HTTP {token_status}" in token["summary"]
    expected = "expires in 60 min" if expires_in else \
        "lifetime not stated (documented: 1 year)"
    assert expected in token["summary"]


def test_a_201_without_an_access_token_quotes_what_came_instead_of_blaming_credentials(
        capsys, monkeypatch):
    from aiohttp import web

    app = web.Application()

    async def token(request: web.Request) -> web.Response:
        return web.json_response({"token_type": "Bearer", "note": "maintenance"}, status=201)

    async def root(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_post("/oauth/token", token)
    app.router.add_get("/", root)
    with ThreadedServer(app) as server:
        code, report = check(capsys, monkeypatch, ECD_ENV, "--provider", "ecourtdate",
                             "--base-url", server.url)
    finding = step(report, "token")["finding"]
    assert code == 1
    assert "201 without an access_token" in finding["title"]
    assert "maintenance" in finding["title"]
    assert "missing credential" not in json.dumps(finding)


# -- the campaigns API ---------------------------------------------------------------------------

CAMPAIGNS_ARGS = ("--provider", "viber-campaigns", "--environment", "development",
                  "--set", f"campaign_id={CAMPAIGN_ID}", "--set", f"template_id={TEMPLATE_ID}",
                  "--set", "send_channel=viber", "--recipient", "38970123456")
CAMPAIGNS_ENV = {"SWITCHBOARD_API_KEY": CAMPAIGNS_KEY}


@pytest.mark.parametrize("status_key", ["messages", None], ids=["messages-key", "bare-array"])
def test_campaigns_passes_every_step_on_a_healthy_server(capsys, monkeypatch, status_key):
    with ThreadedServer(campaigns_app(Shape(status_key=status_key))) as server:
        code, report = check(capsys, monkeypatch, CAMPAIGNS_ENV, "--base-url", server.url,
                             *CAMPAIGNS_ARGS)
    assert set(statuses(report).values()) == AUTOMATED, report
    assert code == 0
    assert "is Sent" in step(report, "status")["summary"]


@pytest.mark.parametrize(("details", "quoted", "cause"), [
    ("Viber error 8 USER_BLOCKED", "USER_BLOCKED", "Viber code 8 USER_BLOCKED"),
    ({"code": 9, "error": "NOT_VIBER_USER"}, "NOT_VIBER_USER", "Viber code 9 NOT_VIBER_USER"),
    ({"errorCode": 10, "description": "no device"}, "no device",
     "Viber code 10 NO_SUITABLE_DEVICE"),
    (None, "no details given", "An invalid phone number."),
], ids=["text", "object", "code-only", "no-details"])
def test_a_failed_message_fails_the_status_step_with_the_servers_details(
        capsys, monkeypatch, details, quoted, cause):
    shape = Shape(statuses=["Failed"], details=details, sms_fallback=False)
    with ThreadedServer(campaigns_app(shape)) as server:
        code, report = check(capsys, monkeypatch, CAMPAIGNS_ENV, "--base-url", server.url,
                             *CAMPAIGNS_ARGS)
    status = step(report, "status")
    assert status["status"] == "fail"
    assert code == 1
    finding = status["finding"]
    assert quoted in finding["title"]
    assert any(c.startswith(cause) for c in finding["causes"])
    if cause.startswith("Viber code"):
        assert finding["causes"][0].startswith(cause)
    assert any("SMS fallback does not apply" in c for c in finding["causes"])
    # The template step already warned that fallback is off; the run is a failure all the same.
    assert step(report, "template")["status"] == "warn"


def test_a_failed_message_says_sms_fallback_applies_and_quotes_the_campaign_count(
        capsys, monkeypatch):
    shape = Shape(statuses=["Failed"], details="NOT_VIBER_USER", fallback_delivered=7)
    with ThreadedServer(campaigns_app(shape)) as server:
        _, report = check(capsys, monkeypatch, CAMPAIGNS_ENV, "--base-url", server.url,
                          *CAMPAIGNS_ARGS)
    causes = step(report, "status")["finding"]["causes"]
    assert causes[0].startswith("Viber code 9 NOT_VIBER_USER")
    assert any(c.startswith("SMS fallback applies") for c in causes)
    assert any("7 message(s) delivered by SMS fallback" in c for c in causes)


def test_a_message_that_moves_on_is_polled_until_it_settles(capsys, monkeypatch):
    shape = Shape(statuses=["Pending", "Sent"])
    with ThreadedServer(campaigns_app(shape)) as server:
        code, report = check(capsys, monkeypatch, CAMPAIGNS_ENV, "--base-url", server.url,
                             *CAMPAIGNS_ARGS)
    assert step(report, "status")["status"] == "pass"
    assert shape.reads == 2
    assert code == 0


async def _engine_run(provider_id: str, base_url: str, settings: dict[str, str],
                      secrets: dict[SecretKind, str], environment: str) -> ChecklistRun:
    """The engine with a fake clock that each sleep advances: long waits take no time."""
    provider = load_registry().require(provider_id)
    profile = Profile(name="t", provider=provider_id, environment=environment,
                      base_url=base_url, settings={**provider.setting_defaults(), **settings})
    session = ProfileSession(profile, provider, secrets.get, journal_name="test")
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    async def yes(_request: object) -> bool:
        return True

    try:
        engine = ChecklistEngine(session.client, sleep=sleep, clock=lambda: now[0],
                                 confirm=yes)
        run = None
        async for event in engine.run():
            if isinstance(event, RunFinished):
                run = event.run
    finally:
        await session.aclose()
    assert run is not None
    return run


def test_a_message_still_pending_after_the_wait_is_a_warning_that_it_is_queued():
    shape = Shape(statuses=["Pending"])
    with ThreadedServer(campaigns_app(shape)) as server:
        run = asyncio.run(_engine_run(
            "viber-campaigns", server.url,
            {"campaign_id": CAMPAIGN_ID, "template_id": TEMPLATE_ID, "send_channel": "viber",
             "recipient": "38970123456"}, {SecretKind.API_KEY: CAMPAIGNS_KEY}, "development"))
    status = run.results[-1]
    assert status.status is StepStatus.WARN
    assert status.finding is not None
    assert "still Pending after 30 s: it is queued, not failed" in status.finding.title
    assert shape.reads > 5  # asked again every 3 s for 30 s


# -- the trk_ API --------------------------------------------------------------------------------

TRK_ENV = {"SWITCHBOARD_API_KEY": TRK_KEY}
TRK_ARGS = ("--provider", "trk-sms", "--recipient", "+14155551234", "--yes")


@pytest.mark.parametrize("list_key", ["lists", "data", None], ids=["lists", "data", "array"])
def test_trk_passes_every_automated_step_on_a_healthy_server(capsys, monkeypatch, list_key):
    with ThreadedServer(trk_app(Shape(list_key=list_key))) as server:
        code, report = check(capsys, monkeypatch, TRK_ENV, "--base-url", server.url,
                             "--set", "list_number=+18005551000", *TRK_ARGS)
    assert statuses(report) == {"credentials": "pass", "key-accepted": "pass",
                                "list-number": "pass", "send": "pass",
                                "delivery-status": "manual"}, report
    assert code == 0


def test_a_list_number_without_a_plus_is_first_said_to_be_not_e164(capsys, monkeypatch):
    with ThreadedServer(trk_app(Shape())) as server:
        code, report = check(capsys, monkeypatch, TRK_ENV, "--base-url", server.url,
                             "--set", "list_number=18005551000", *TRK_ARGS)
    finding = step(report, "list-number")["finding"]
    assert code == 1
    assert "is not E.164" in finding["causes"][0]
    assert "+18005551000" in finding["causes"][0]
    belongs = next(i for i, c in enumerate(finding["causes"]) if "another account" in c)
    assert belongs > 0


def test_a_404_on_a_guessed_path_names_the_setting_not_a_missing_resource(capsys, monkeypatch):
    shape = Shape(lists_path="/v2/sending-lists", send_path="/v2/messages")
    with ThreadedServer(trk_app(shape)) as server:
        code, report = check(capsys, monkeypatch, TRK_ENV, "--base-url", server.url,
                             "--set", "list_number=+18005551000", *TRK_ARGS)
        finding = step(report, "key-accepted")["finding"]
        assert code == 1
        assert "this path is a guess" in finding["title"]
        assert "lists_path" in finding["title"]
        assert "List endpoint path" in finding["next_action"]
        assert "not_found" not in finding["code"]
        code, report = check(capsys, monkeypatch, TRK_ENV, "--base-url", server.url,
                             "--set", "list_number=+18005551000",
                             "--set", "lists_path=/v2/sending-lists",
                             "--set", "send_path=/v2/messages", *TRK_ARGS)
    assert code == 0, report

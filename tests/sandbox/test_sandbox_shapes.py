"""The sandbox's shape switches: what the documentation leaves open, served either way."""

from __future__ import annotations

import json

import httpx
import pytest

from desktop.sandbox.config import SandboxConfig
from tests.sandbox.test_sandbox_cli import DEMO, GRANT, running

FAST = {"event_delay": 0.0, "retry_scale": 1e-5}


@pytest.mark.parametrize(("status", "expires_in"), [(200, True), (201, False), (201, True),
                                                    (200, False)])
def test_the_token_answer_takes_the_configured_status_with_or_without_expires_in(
        sandbox_run, status, expires_in):
    async def scenario(api):
        return await api.token_response()

    config = SandboxConfig(token_status=status, token_expires_in=expires_in)
    response = sandbox_run(scenario, config=config)
    body = response.json()
    assert response.status_code == status
    assert body["access_token"].startswith("sbx_")
    assert ("expires_in" in body) is expires_in


def test_flat_webhooks_carry_the_message_fields_at_the_top_level(sandbox_run, receiver_factory):
    async def scenario(api):
        async with receiver_factory() as receiver:
            api.sandbox.configure(webhook_url=receiver.url, webhook_shape="flat", **FAST)
            response = await api.send()
            message_id = response.json()["results"][0]["messageId"]
            received = await receiver.wait_for(3)
        return message_id, [json.loads(r.body) for r in received], api.sandbox.state

    message_id, events, state = sandbox_run(scenario)
    assert [e["messageId"] for e in events] == [message_id] * 3
    assert all("data" not in e for e in events)
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert {d.message_id for d in state.deliveries} == {message_id}


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"token_status": 204}, "token_status"),
    ({"token_status": True}, "token_status"),
    ({"token_expires_in": "no"}, "token_expires_in"),
    ({"webhook_shape": "deep"}, "webhook_shape"),
])
def test_bad_shape_values_are_refused_with_the_field_named(changes, fragment):
    with pytest.raises(ValueError, match=fragment):
        SandboxConfig(**changes)


def test_the_admin_endpoint_switches_shapes(sandbox_run):
    async def scenario(api):
        put = await api.http.put("/__sandbox/config", json={"webhook_shape": "flat",
                                                            "token_status": 201})
        bad = await api.http.put("/__sandbox/config", json={"webhook_shape": "deep"})
        return put, bad, await api.token_response()

    put, bad, token = sandbox_run(scenario)
    assert put.json()["config"]["webhook_shape"] == "flat"
    assert bad.status_code == 400
    assert token.status_code == 201


def test_cli_shape_flags_configure_the_server_and_the_banner_says_so():
    args = ("--token-status", "201", "--token-no-expires-in", "--webhook-shape", "flat")
    with running(*args) as cli, httpx.Client(base_url=cli.url) as http:
        token = http.post("/api/auth/token", data=GRANT, auth=DEMO)
        config = http.get("/__sandbox").json()["config"]
    assert token.status_code == 201
    assert "expires_in" not in token.json()
    assert config["webhook_shape"] == "flat"
    assert "201, without expires_in; webhooks flat (messageId at the top level)" in cli.banner

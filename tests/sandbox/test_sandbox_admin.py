"""The /__sandbox admin surface: read state, flip faults and settings, reset."""

from __future__ import annotations

import pytest

from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.faults import FAULT_NAMES


def test_overview_shows_faults_config_messages_and_deliveries(sandbox_run):
    async def scenario(api):
        await api.send()
        response = await api.http.get("/__sandbox")
        assert response.status_code == 200
        state = response.json()
        assert set(state["faults"]) == set(FAULT_NAMES)
        assert set(state["faultDescriptions"]) == set(FAULT_NAMES)
        assert state["config"]["client_id"] == "sandbox-client"
        assert state["url"] == api.sandbox.url
        assert [m["to"] for m in state["messages"]] == ["+12025550123"]
        assert state["webhookDeliveries"] == []

    sandbox_run(scenario)


def test_put_faults_flips_them_for_the_next_request(sandbox_run):
    async def scenario(api):
        flipped = await api.http.put("/__sandbox/faults", json={"bad_secret": True})
        assert flipped.status_code == 200
        assert flipped.json()["faults"]["bad_secret"] is True
        assert (await api.token_response()).status_code == 401
        await api.http.put("/__sandbox/faults", json={"bad_secret": False})
        assert (await api.token_response()).status_code == 200

    sandbox_run(scenario)


def test_post_fault_on_and_off_by_path(sandbox_run):
    async def scenario(api):
        on = await api.http.post("/__sandbox/faults/no_numbers/on")
        numbers_while_on = await api.get("/api/core/numbers")
        off = await api.http.post("/__sandbox/faults/no_numbers/off")
        numbers_after = await api.get("/api/core/numbers")
        assert on.json()["faults"]["no_numbers"] is True
        assert off.json()["faults"]["no_numbers"] is False
        assert numbers_while_on.json()["numbers"] == []
        assert numbers_after.json()["numbers"]

    sandbox_run(scenario)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "/__sandbox/faults", {"bad_secrets": True}, 400),
        ("PUT", "/__sandbox/faults", {"bad_secret": "yes"}, 400),
        ("PUT", "/__sandbox/faults", ["bad_secret"], 400),
        ("POST", "/__sandbox/faults/bad_secrets/on", None, 404),
    ],
)
def test_unknown_or_malformed_fault_changes_are_refused_listing_valid_names(
    sandbox_run, method, path, body, status
):
    async def scenario(api):
        response = await api.http.request(method, path, json=body)
        assert response.status_code == status
        assert response.json()["error"]["message"]
        assert api.sandbox.faults.enabled() == {"reject_missing_idempotency"}

    sandbox_run(scenario)


def test_admin_stays_reachable_while_the_api_misbehaves(sandbox_run):
    async def scenario(api):
        await api.http.put(
            "/__sandbox/faults",
            json={
                "rate_limit_storm": True,
                "drop_connection": True,
                "slow": True,
            },
        )
        response = await api.http.get("/__sandbox")
        assert response.status_code == 200
        assert not [h for h in response.headers if "ratelimit" in h.lower()]

    sandbox_run(scenario, config=SandboxConfig(latency=30))


def test_put_config_changes_settings_at_runtime(sandbox_run):
    async def scenario(api):
        response = await api.http.put(
            "/__sandbox/config",
            json={
                "webhook_url": "http://127.0.0.1:9/hooks",
                "ratelimit_family": "x-ratelimit-epoch",
                "ratelimit_limit": 7,
            },
        )
        assert response.status_code == 200
        assert response.json()["config"]["ratelimit_limit"] == 7
        whoami = await api.get("/api/core/whoami")
        assert whoami.json()["deliveryWebhookConfigured"] is True
        assert whoami.headers["X-RateLimit-Limit"] == "7"

    sandbox_run(scenario)


@pytest.mark.parametrize(
    "body",
    [
        {"ratelimit_family": "nope"},
        {"ratelimit_limit": 0},
        {"latency": -1},
        {"webhook_url": "ftp://example.com"},
        {"webhook_url": "http://example.com/\nX-Injected: 1"},
        {"favourite_colour": "blue"},
    ],
)
def test_invalid_config_is_refused_and_nothing_changes(sandbox_run, body):
    async def scenario(api):
        before = api.sandbox.config
        response = await api.http.put("/__sandbox/config", json={"ratelimit_limit": 9, **body})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_REQUEST"
        assert api.sandbox.config == before

    sandbox_run(scenario)


def test_secrets_other_than_the_demo_values_are_masked(sandbox_run):
    async def scenario(api):
        state = (await api.http.get("/__sandbox")).json()
        assert state["config"]["client_secret"] == "<redacted>"
        assert state["config"]["webhook_secret"] == "sandbox-webhook-secret"
        assert "not-a-demo-value" not in str(state)

    sandbox_run(scenario, config=SandboxConfig(client_secret="not-a-demo-value"))


def test_reset_restores_faults_and_config_and_forgets_state(sandbox_run):
    async def scenario(api):
        token = await api.token()
        await api.send(key="k", token=token)
        await api.http.put("/__sandbox/faults", json={"no_numbers": True})
        await api.http.put("/__sandbox/config", json={"ratelimit_limit": 3})
        response = await api.http.post("/__sandbox/reset")
        state = response.json()
        assert state["faults"]["no_numbers"] is False
        assert state["config"]["ratelimit_limit"] == 60
        assert state["messages"] == []
        after = await api.get("/api/core/whoami", token=token)
        assert after.status_code == 401  # tokens are forgotten too

    sandbox_run(scenario)


def test_changes_are_announced_on_the_changed_event(sandbox_run):
    async def scenario(api):
        seen = []
        api.sandbox.changed.connect(seen.append)
        await api.http.post("/__sandbox/faults/slow/on")
        await api.http.put("/__sandbox/config", json={"latency": 0.5})
        await api.http.put("/__sandbox/config", json={"latency": 0.5})  # no change
        await api.http.post("/__sandbox/reset")
        assert seen == ["faults", "config", "faults", "config", "reset"]

    sandbox_run(scenario)

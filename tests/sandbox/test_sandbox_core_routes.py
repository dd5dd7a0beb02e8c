"""whoami, numbers, the bearer check and the CORE error wrapper, over real HTTP."""

from __future__ import annotations

import pytest

from desktop.sandbox.config import SandboxConfig

WRAPPER_KEYS = {"error", "requestId"}
ERROR_KEYS = {"code", "message", "details"}


def test_whoami_has_the_documented_shape(sandbox_run):
    async def scenario(api):
        response = await api.get("/api/core/whoami")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {
            "apiClientId",
            "apiClientName",
            "apiClientStatus",
            "capabilities",
            "assignedNumbers",
            "inboundWebhookConfigured",
            "deliveryWebhookConfigured",
        }
        assert body["apiClientId"] == "sandbox-client"
        assert body["apiClientStatus"] == "ACTIVE"
        assert isinstance(body["capabilities"], list)
        assert body["assignedNumbers"] == {"total": 5, "smsEnabledCount": 4, "mmsEnabledCount": 4}
        assert body["deliveryWebhookConfigured"] is False

    sandbox_run(scenario)


def test_delivery_webhook_is_reported_configured_once_a_url_is_set(sandbox_run):
    async def scenario(api):
        api.sandbox.configure(webhook_url="http://127.0.0.1:9/hooks")
        response = await api.get("/api/core/whoami")
        assert response.json()["deliveryWebhookConfigured"] is True

    sandbox_run(scenario)


def test_numbers_lists_one_working_number_and_others_that_exercise_the_rules(sandbox_run):
    async def scenario(api):
        response = await api.get("/api/core/numbers")
        assert response.status_code == 200
        numbers = response.json()["numbers"]
        for number in numbers:
            assert set(number) == {
                "numberId",
                "e164",
                "status",
                "campaignRegId",
                "smsEnabled",
                "mmsEnabled",
                "label",
            }
            assert number["e164"].startswith("+1")
            assert number["e164"][-4:-2] == "01"
        working = [
            n
            for n in numbers
            if n["status"] == "ACTIVE"
            and n["campaignRegId"]
            and n["smsEnabled"]
            and n["mmsEnabled"]
        ]
        assert [n["numberId"] for n in working] == ["num_sbx_0142"]
        assert any(n["status"] == "ACTIVE" and n["campaignRegId"] is None for n in numbers)
        assert any(n["status"] == "INACTIVE" for n in numbers)
        assert any(n["mmsEnabled"] and not n["smsEnabled"] for n in numbers)

    sandbox_run(scenario)


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "missing_token"),
        ("Token abc", "malformed_authorization"),
        ("Bearer", "malformed_authorization"),
        ("Bearer not-a-token-we-issued", "invalid_token"),
    ],
)
@pytest.mark.parametrize("path", ["/api/core/whoami", "/api/core/numbers"])
def test_core_routes_need_a_valid_bearer_token(sandbox_run, authorization, reason, path):
    async def scenario(api):
        headers = {"Authorization": authorization} if authorization else {}
        response = await api.http.get(path, headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["error"]["code"] == "UNAUTHORIZED"
        assert body["error"]["details"]["reason"] == reason
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    sandbox_run(scenario)


def test_send_needs_a_bearer_token_too(sandbox_run):
    async def scenario(api):
        response = await api.http.post(
            "/api/core/messages/send", json={}, headers={"Idempotency-Key": "k"}
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"

    sandbox_run(scenario)


def test_core_error_wrapper_has_request_id_beside_error_matching_the_header(sandbox_run):
    async def scenario(api):
        response = await api.http.get("/api/core/whoami")
        body = response.json()
        assert set(body) == WRAPPER_KEYS
        assert set(body["error"]) == ERROR_KEYS
        assert isinstance(body["error"]["details"], dict)
        assert body["requestId"].startswith("req_")
        assert response.headers["X-Request-Id"] == body["requestId"]

    sandbox_run(scenario)


def test_every_response_has_its_own_request_id(sandbox_run):
    async def scenario(api):
        first = await api.get("/api/core/whoami")
        second = await api.get("/api/core/whoami")
        assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]

    sandbox_run(scenario)


def test_unknown_path_is_not_found_in_the_core_wrapper(sandbox_run):
    async def scenario(api):
        response = await api.http.get("/api/core/v1/whoami")
        assert response.status_code == 404
        body = response.json()
        assert body["error"]["code"] == "NOT_FOUND"
        assert "/api/core/v1/whoami" in body["error"]["message"]
        assert response.headers["X-Request-Id"] == body["requestId"]

    sandbox_run(scenario)


def test_wrong_method_is_answered_in_the_wrapper_with_allow(sandbox_run):
    async def scenario(api):
        response = await api.http.get("/api/core/messages/send")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
        assert "POST" in response.headers["Allow"]

    sandbox_run(scenario)


def test_client_name_comes_from_config(sandbox_run):
    async def scenario(api):
        response = await api.get("/api/core/whoami")
        assert response.json()["apiClientName"] == "Acme Staging"

    sandbox_run(scenario, config=SandboxConfig(client_name="Acme Staging"))

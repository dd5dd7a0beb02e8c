"""Every fault switch produces the symptom the seed describes, and flips at runtime.

The two webhook faults are covered in test_sandbox_webhooks.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.faults import DEFAULT_FAULTS, FAULT_NAMES, FAULTS, Faults, UnknownFaultError

GOOD_MMS = {
    "sendFrom": "num_sbx_0142",
    "to": ["+12025550123"],
    "messageType": "MMS",
    "media": ["https://example.com/cat.png"],
}


def _code(response):
    return response.json()["error"]["code"]


def test_every_fault_has_a_one_line_description_and_a_test_named_for_it():
    folder = Path(__file__).parent
    here = (folder / "test_sandbox_faults.py").read_text()
    here += (folder / "test_sandbox_webhooks.py").read_text()
    tested = set(re.findall(r"def test_(\w+)", here))
    for fault in FAULTS:
        assert fault.description
        assert "\n" not in fault.description
        assert any(fault.name in name for name in tested), fault.name


def test_reject_missing_idempotency_is_the_only_fault_on_by_default():
    assert {"reject_missing_idempotency"} == DEFAULT_FAULTS
    assert Faults().enabled() == DEFAULT_FAULTS


def test_unknown_fault_name_is_refused_with_the_valid_names():
    faults = Faults()
    with pytest.raises(UnknownFaultError, match="bad_secret"):
        faults.set("bad_secrets", True)
    assert faults.enabled() == DEFAULT_FAULTS


def test_faults_announce_changes_once_per_change():
    faults = Faults()
    seen = []
    faults.changed.connect(seen.append)
    faults.set("slow", True)
    faults.set("slow", True)
    faults.update({"slow": False, "no_numbers": True})
    assert seen == [DEFAULT_FAULTS | {"slow"}, DEFAULT_FAULTS | {"no_numbers"}]


def test_bad_secret_rejects_even_correct_credentials(sandbox_run):
    async def scenario(api):
        good = await api.token_response()
        api.sandbox.faults.set("bad_secret", True)
        bad = await api.token_response()
        assert good.status_code == 200
        assert bad.status_code == 401
        assert bad.json()["error"] == "invalid_client"

    sandbox_run(scenario)


def test_inactive_client_fails_the_token_and_shows_inactive_on_whoami(sandbox_run):
    async def scenario(api):
        token = await api.token()
        api.sandbox.faults.set("inactive_client", True)
        refused = await api.token_response()
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        assert "API client is inactive" in refused.json()["error_description"]
        whoami = await api.get("/api/core/whoami", token=token)
        assert whoami.status_code == 200
        assert whoami.json()["apiClientStatus"] == "INACTIVE"
        numbers = await api.get("/api/core/numbers", token=token)
        assert numbers.status_code == 403
        assert "inactive" in numbers.json()["error"]["message"]
        send = await api.send(token=token)
        assert send.status_code == 403

    sandbox_run(scenario)


def test_inactive_account_fails_the_token_naming_the_parent_account(sandbox_run):
    async def scenario(api):
        refused = await api.token_response()
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        assert "parent account is inactive" in refused.json()["error_description"]

    sandbox_run(scenario, faults=["inactive_account"])


def test_expired_token_fails_core_calls_even_with_a_fresh_token(sandbox_run):
    async def scenario(api):
        first = await api.get("/api/core/whoami")
        retried = await api.get("/api/core/whoami")  # a fresh token, retried once
        for response in (first, retried):
            assert response.status_code == 401
            assert _code(response) == "UNAUTHORIZED"
            assert "expired" in response.json()["error"]["message"]

    sandbox_run(scenario, faults=["expired_token"])


def test_no_numbers_empties_the_list_and_whoami_counts(sandbox_run):
    async def scenario(api):
        numbers = await api.get("/api/core/numbers")
        whoami = await api.get("/api/core/whoami")
        send = await api.send()
        assert numbers.json() == {"numbers": []}
        assert whoami.json()["assignedNumbers"]["total"] == 0
        assert send.status_code == 403

    sandbox_run(scenario, faults=["no_numbers"])


def test_number_not_sms_enabled_turns_off_sms_on_every_number_the_working_one_too(sandbox_run):
    async def scenario(api):
        numbers = (await api.get("/api/core/numbers")).json()["numbers"]
        whoami = (await api.get("/api/core/whoami")).json()
        send = await api.send()
        assert [n["smsEnabled"] for n in numbers] == [False] * len(numbers)
        assert whoami["assignedNumbers"]["smsEnabledCount"] == 0
        assert send.status_code == 400
        assert "not enabled for SMS" in send.json()["error"]["message"]
        mms = await api.send({**GOOD_MMS})
        assert mms.status_code == 202

    sandbox_run(scenario, faults=["number_not_sms_enabled"])


def test_number_not_owned_makes_send_with_the_working_number_forbidden(sandbox_run):
    async def scenario(api):
        numbers = (await api.get("/api/core/numbers")).json()["numbers"]
        send = await api.send()
        assert "num_sbx_0142" in [n["numberId"] for n in numbers]
        assert send.status_code == 403
        assert _code(send) == "FORBIDDEN"
        assert "not a number owned" in send.json()["error"]["message"]

    sandbox_run(scenario, faults=["number_not_owned"])


def test_reject_missing_idempotency_off_accepts_keyless_sends_as_new_messages(sandbox_run):
    async def scenario(api):
        api.sandbox.faults.set("reject_missing_idempotency", False)
        first = await api.send(key=None)
        retry = await api.send(key=None)
        assert first.status_code == retry.status_code == 202
        assert first.json() != retry.json()  # the duplicate-messages symptom
        api.sandbox.faults.set("reject_missing_idempotency", True)
        assert (await api.send(key=None)).status_code == 400

    sandbox_run(scenario)


def test_rate_limit_storm_answers_429_with_retry_after_on_core_calls(sandbox_run):
    async def scenario(api):
        token = await api.token()  # the token endpoint is not a CORE route
        for path in ("/api/core/whoami", "/api/core/numbers"):
            response = await api.get(path, token=token)
            assert response.status_code == 429
            assert _code(response) == "RATE_LIMITED"
            assert int(response.headers["Retry-After"]) >= 1
        send = await api.send(token=token)
        assert send.status_code == 429

    sandbox_run(scenario, faults=["rate_limit_storm"])


def test_slow_delays_responses_past_a_client_timeout(sandbox_run):
    async def scenario(api):
        token = await api.token()
        api.sandbox.faults.set("slow", True)
        with pytest.raises(httpx.ReadTimeout):
            await api.http.get(
                "/api/core/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=0.2
            )

    # a latency far beyond the client's timeout; stop() cuts the wait short
    sandbox_run(scenario, config=SandboxConfig(latency=30.0))


def test_slow_still_answers_once_the_latency_has_passed(sandbox_run):
    async def scenario(api):
        response = await api.get("/api/core/whoami")
        assert response.status_code == 200

    sandbox_run(scenario, faults=["slow"], config=SandboxConfig(latency=0.01))


def test_server_error_fails_reads_with_500_and_send_with_502(sandbox_run):
    async def scenario(api):
        token = await api.token()
        whoami = await api.get("/api/core/whoami", token=token)
        numbers = await api.get("/api/core/numbers", token=token)
        send = await api.send(token=token)
        assert (whoami.status_code, _code(whoami)) == (500, "SERVER_ERROR")
        assert (numbers.status_code, _code(numbers)) == (500, "SERVER_ERROR")
        assert (send.status_code, _code(send)) == (502, "UPSTREAM_ERROR")
        assert whoami.json()["requestId"] == whoami.headers["X-Request-Id"]

    sandbox_run(scenario, faults=["server_error"])


def test_drop_connection_closes_the_socket_without_a_response(sandbox_run):
    async def scenario(api):
        token = await api.token()
        api.sandbox.faults.set("drop_connection", True)
        with pytest.raises(httpx.RemoteProtocolError):
            await api.http.get("/api/core/whoami", headers={"Authorization": f"Bearer {token}"})
        api.sandbox.faults.set("drop_connection", False)
        recovered = await api.http.get(
            "/api/core/whoami", headers={"Authorization": f"Bearer {token}"}
        )
        assert recovered.status_code == 200

    sandbox_run(scenario)


def test_faults_given_at_construction_add_to_the_defaults(sandbox_run):
    async def scenario(api):
        assert api.sandbox.faults.enabled() == DEFAULT_FAULTS | {"slow"}

    sandbox_run(scenario, faults=["slow"], config=SandboxConfig(latency=0))


def test_fault_names_are_unique_identifiers():
    assert len(set(FAULT_NAMES)) == len(FAULT_NAMES)
    assert all(re.fullmatch(r"[a-z_]+", name) for name in FAULT_NAMES)

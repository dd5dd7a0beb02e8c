"""The token endpoint: form-encoded client credentials, Basic or body, OAuth-style errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
GRANT = {"grant_type": "client_credentials"}


def test_basic_credentials_get_a_bearer_token_with_the_documented_shape(sandbox_run):
    async def scenario(api):
        response = await api.token_response()
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 3600
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Request-Id"].startswith("req_")

    sandbox_run(scenario)


def test_body_credentials_get_a_token_too(sandbox_run):
    async def scenario(api):
        data = {**GRANT, "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
        response = await api.token_response(data=data, auth=None)
        assert response.status_code == 200
        assert response.json()["access_token"]

    sandbox_run(scenario)


def test_basic_credentials_are_form_urlencoded_before_base64_as_rfc6749_says(sandbox_run):
    vectors = json.loads((VECTORS / "oauth2.json").read_text())
    case = vectors["appendix_b_encoding_edge_cases_self_computed"][0]
    config = SandboxConfig(client_id=case["client_id"], client_secret=case["client_secret"])

    async def scenario(api):
        response = await api.http.post(
            "/api/auth/token", data=GRANT, headers={"Authorization": case["authorization"]}
        )
        assert response.status_code == 200, response.text

    sandbox_run(scenario, config=config)


def test_token_lifetime_is_configurable(sandbox_run):
    async def scenario(api):
        response = await api.token_response()
        assert response.json()["expires_in"] == 120

    sandbox_run(scenario, config=SandboxConfig(token_lifetime=120))


@pytest.mark.parametrize(
    "secret",
    [
        DEMO_CLIENT_SECRET + " ",
        DEMO_CLIENT_SECRET + "\n",
        " " + DEMO_CLIENT_SECRET,
        "sandbox-SECRET",
    ],
)
@pytest.mark.parametrize("method", ["basic", "body"])
def test_secret_that_is_not_exactly_right_is_invalid_client(sandbox_run, secret, method):
    async def scenario(api):
        if method == "basic":
            response = await api.token_response(auth=(DEMO_CLIENT_ID, secret))
        else:
            data = {**GRANT, "client_id": DEMO_CLIENT_ID, "client_secret": secret}
            response = await api.token_response(data=data, auth=None)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert "error_description" in response.json()
        assert ("WWW-Authenticate" in response.headers) == (method == "basic")

    sandbox_run(scenario)


def test_unknown_client_id_is_invalid_client(sandbox_run):
    async def scenario(api):
        response = await api.token_response(auth=("someone-else", DEMO_CLIENT_SECRET))
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    sandbox_run(scenario)


def test_json_body_is_invalid_request_naming_the_form_encoding(sandbox_run):
    async def scenario(api):
        response = await api.http.post(
            "/api/auth/token",
            json={
                **GRANT,
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        )
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "invalid_request"
        assert "form-encoded" in body["error_description"]

    sandbox_run(scenario)


@pytest.mark.parametrize(
    ("data", "auth", "fragment"),
    [
        ({}, (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), "grant_type"),
        (GRANT, None, "credentials"),
        ({**GRANT, "client_id": DEMO_CLIENT_ID}, None, "client_secret"),
        ({**GRANT, "client_secret": DEMO_CLIENT_SECRET}, None, "client_id"),
        (
            {**GRANT, "client_secret": DEMO_CLIENT_SECRET},
            (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            "twice",
        ),
    ],
)
def test_missing_or_doubled_fields_are_invalid_request(sandbox_run, data, auth, fragment):
    async def scenario(api):
        response = await api.token_response(data=data, auth=auth)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert fragment in response.json()["error_description"]

    sandbox_run(scenario)


@pytest.mark.parametrize(
    "header", ["Basic", "Basic !!!notbase64", "Basic c2FuZGJveA==", "Bearer abc"]
)
def test_malformed_authorization_header_is_invalid_request(sandbox_run, header):
    async def scenario(api):
        response = await api.http.post(
            "/api/auth/token", data=GRANT, headers={"Authorization": header}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    sandbox_run(scenario)


def test_other_grant_type_is_unsupported_grant_type(sandbox_run):
    async def scenario(api):
        response = await api.token_response(data={"grant_type": "password"})
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    sandbox_run(scenario)


def test_token_errors_are_oauth_shaped_not_the_core_wrapper(sandbox_run):
    async def scenario(api):
        response = await api.token_response(auth=(DEMO_CLIENT_ID, "wrong"))
        assert set(response.json()) == {"error", "error_description"}

    sandbox_run(scenario)


def test_token_with_zero_lifetime_is_expired_on_first_use(sandbox_run):
    async def scenario(api):
        response = await api.get("/api/core/whoami")
        assert response.status_code == 401
        assert response.json()["error"]["details"]["reason"] == "token_expired"
        assert "expired" in response.json()["error"]["message"]

    sandbox_run(scenario, config=SandboxConfig(token_lifetime=0))


def test_tokens_from_a_different_client_id_stop_working_after_reconfiguration(sandbox_run):
    async def scenario(api):
        token = await api.token()
        api.sandbox.configure(client_id="another-client")
        response = await api.get("/api/core/whoami", token=token)
        assert response.status_code == 401
        assert response.json()["error"]["details"]["reason"] == "invalid_token"

    sandbox_run(scenario)

"""POST /api/core/messages/send: the rules behind each of the seed's send symptoms."""

from __future__ import annotations

import json

import pytest

GOOD = {
    "sendFrom": "num_sbx_0142",
    "to": ["+12025550123"],
    "messageType": "SMS",
    "text": "Hello",
    "externalReference": "order-42",
}
MMS = {**GOOD, "messageType": "MMS", "media": ["https://example.com/cat.png"]}


def _error(response):
    body = response.json()
    assert set(body) == {"error", "requestId"}
    return body["error"]


def test_accepted_send_answers_202_with_a_queued_result_per_recipient(sandbox_run):
    async def scenario(api):
        body = {**GOOD, "to": ["+12025550123", "+12025550124"]}
        response = await api.send(body)
        assert response.status_code == 202
        payload = response.json()
        assert payload["errors"] == []
        assert [r["to"] for r in payload["results"]] == body["to"]
        assert all(r["status"] == "QUEUED" for r in payload["results"])
        ids = [r["messageId"] for r in payload["results"]]
        assert len(set(ids)) == 2
        assert all(i.startswith("msg_") for i in ids)
        recorded = [m.message_id for m in api.sandbox.state.messages]
        assert recorded == ids

    sandbox_run(scenario)


def test_mms_with_media_is_accepted(sandbox_run):
    async def scenario(api):
        response = await api.send(MMS)
        assert response.status_code == 202

    sandbox_run(scenario)


def test_missing_idempotency_key_is_invalid_request_naming_the_header(sandbox_run):
    async def scenario(api):
        response = await api.send(GOOD, key=None)
        assert response.status_code == 400
        error = _error(response)
        assert error["code"] == "INVALID_REQUEST"
        assert "Idempotency-Key" in error["message"]
        assert error["details"]["header"] == "Idempotency-Key"

    sandbox_run(scenario)


def test_e164_in_send_from_is_rejected_with_the_number_id_to_use(sandbox_run):
    async def scenario(api):
        response = await api.send({**GOOD, "sendFrom": "+12025550142"})
        assert response.status_code == 400
        error = _error(response)
        assert "numberId" in error["message"]
        assert error["details"]["numberId"] == "num_sbx_0142"

    sandbox_run(scenario)


def test_number_id_not_owned_is_forbidden(sandbox_run):
    async def scenario(api):
        response = await api.send({**GOOD, "sendFrom": "num_someone_elses"})
        assert response.status_code == 403
        assert _error(response)["code"] == "FORBIDDEN"

    sandbox_run(scenario)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"sendFrom": "num_sbx_0143"}, "sendFrom must have campaignRegId configured"),
        ({"sendFrom": "num_sbx_0144"}, "not ACTIVE"),
        ({"sendFrom": "num_sbx_0145"}, "not enabled for SMS"),
        ({**MMS, "sendFrom": "num_sbx_0146"}, "not enabled for MMS"),
    ],
)
def test_numbers_that_cannot_send_this_message_are_invalid_request(sandbox_run, changes, fragment):
    async def scenario(api):
        response = await api.send({**GOOD, **changes})
        assert response.status_code == 400
        error = _error(response)
        assert error["code"] == "INVALID_REQUEST"
        assert fragment in error["message"]
        assert error["details"]["field"] == "sendFrom"

    sandbox_run(scenario)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"media": ["https://example.com/a.png"]}, "media"),
        ({"messageType": "MMS"}, "media"),
        ({"messageType": "MMS", "media": []}, "media"),
        ({"messageType": "MMS", "media": ["ftp://example.com/a.png"]}, "media"),
        ({"text": ""}, "text"),
        ({"messageType": "sms"}, "messageType"),
        ({"to": []}, "to"),
        ({"to": "+12025550123"}, "to"),
        ({"sendFrom": None}, "sendFrom"),
        ({"externalReference": 42}, "externalReference"),
    ],
)
def test_body_that_breaks_the_type_rules_is_invalid_request(sandbox_run, changes, field):
    async def scenario(api):
        response = await api.send({**GOOD, **changes})
        assert response.status_code == 400
        assert _error(response)["details"]["field"] == field

    sandbox_run(scenario)


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b""])
def test_body_that_is_not_a_json_object_is_invalid_request(sandbox_run, raw):
    async def scenario(api):
        response = await api.send(raw=raw)
        assert response.status_code == 400
        assert _error(response)["code"] == "INVALID_REQUEST"

    sandbox_run(scenario)


def test_invalid_recipients_come_back_in_errors_while_valid_ones_are_queued(sandbox_run):
    async def scenario(api):
        to = ["+12025550123", "2025550124", "+1202555", 12025550125, "+15555550100"]
        response = await api.send({**GOOD, "to": to})
        assert response.status_code == 202
        payload = response.json()
        assert [r["to"] for r in payload["results"]] == ["+12025550123"]
        assert [e["to"] for e in payload["errors"]] == to[1:]
        assert all(e["code"] == "INVALID_RECIPIENT" and e["message"] for e in payload["errors"])

    sandbox_run(scenario)


def test_no_valid_recipient_at_all_is_invalid_request_listing_each(sandbox_run):
    async def scenario(api):
        response = await api.send({**GOOD, "to": ["12025550123", "+44 20 7946 0123"]})
        assert response.status_code == 400
        error = _error(response)
        assert error["details"]["field"] == "to"
        assert len(error["details"]["errors"]) == 2

    sandbox_run(scenario)


def test_same_key_and_body_replays_the_first_answer(sandbox_run):
    async def scenario(api):
        token = await api.token()
        first = await api.send(GOOD, key="order-42", token=token)
        again = await api.send(GOOD, key="order-42", token=token)
        assert again.status_code == first.status_code == 202
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert len(api.sandbox.state.messages) == 1

    sandbox_run(scenario)


def test_replay_ignores_json_whitespace_and_key_order(sandbox_run):
    async def scenario(api):
        first = await api.send(GOOD, key="k")
        reordered = json.dumps(dict(reversed(GOOD.items())), indent=2)
        again = await api.send(raw=reordered.encode(), key="k")
        assert again.json() == first.json()

    sandbox_run(scenario)


def test_same_key_with_a_different_body_is_conflict(sandbox_run):
    async def scenario(api):
        await api.send(GOOD, key="order-42")
        response = await api.send({**GOOD, "text": "Hello again"}, key="order-42")
        assert response.status_code == 409
        assert _error(response)["code"] == "CONFLICT"
        assert len(api.sandbox.state.messages) == 1

    sandbox_run(scenario)


def test_new_key_for_the_same_body_is_a_duplicate_message(sandbox_run):
    async def scenario(api):
        first = await api.send(GOOD, key="attempt-1")
        second = await api.send(GOOD, key="attempt-2")
        assert first.json()["results"][0]["messageId"] != second.json()["results"][0]["messageId"]
        assert len(api.sandbox.state.messages) == 2

    sandbox_run(scenario)


def test_a_rejected_send_does_not_burn_its_key(sandbox_run):
    async def scenario(api):
        rejected = await api.send({**GOOD, "sendFrom": "+12025550142"}, key="k")
        corrected = await api.send(GOOD, key="k")
        assert rejected.status_code == 400
        assert corrected.status_code == 202

    sandbox_run(scenario)


def test_keys_are_forgotten_after_their_lifetime(sandbox_run):
    async def scenario(api):
        api.sandbox.configure(idempotency_ttl=0)
        await api.send(GOOD, key="k")
        response = await api.send({**GOOD, "text": "other"}, key="k")
        assert response.status_code == 202

    sandbox_run(scenario)


def test_idempotency_key_longer_than_255_characters_is_invalid_request(sandbox_run):
    async def scenario(api):
        response = await api.send(GOOD, key="k" * 256)
        assert response.status_code == 400
        assert _error(response)["details"]["header"] == "Idempotency-Key"

    sandbox_run(scenario)

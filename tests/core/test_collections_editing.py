"""Saving a Composer edit over the saved request it came from keeps the file's {{variables}}."""

from __future__ import annotations

from dataclasses import replace

from desktop.core.client.spec import RequestSpec
from desktop.core.collections import Auth, Body, BodyType, Header, SavedRequest, resolve
from desktop.core.collections.editing import edited_request

BASE = "http://127.0.0.1:9999"
SAVED = SavedRequest(
    name="Send a test SMS", method="POST", url="{{base_url}}/api/send", seq=3,
    headers=(Header("Idempotency-Key", "{{uuid}}"), Header("X-Debug", "1", enabled=False)),
    body=Body(BodyType.JSON, '{"to": "{{recipient}}"}'), description="kept",
    extras={"source": "postman"})
VALUES = {"base_url": BASE, "uuid": "0f0f-fixed", "recipient": "+14155550123"}


def shown() -> RequestSpec:
    return resolve(SAVED, VALUES, BASE).spec


def test_an_unchanged_request_saves_back_exactly_as_the_file_had_it() -> None:
    spec = shown()
    saved = edited_request(SAVED, spec, spec, base_url=BASE)
    assert saved == SAVED
    assert saved.extras == {"source": "postman"}


def test_a_changed_field_is_saved_as_edited_and_the_rest_keeps_its_variables() -> None:
    spec = shown()
    edited = replace(spec, url=BASE + "/api/send?dry=1",
                     headers=(*spec.headers, ("X-Trace", "abc")))
    saved = edited_request(SAVED, spec, edited, base_url=BASE, name="Renamed")
    assert saved.url == "{{base_url}}/api/send?dry=1"
    assert saved.name == "Renamed"
    assert saved.headers == (Header("Idempotency-Key", "{{uuid}}"), Header("X-Trace", "abc"),
                             Header("X-Debug", "1", enabled=False))
    assert saved.body == SAVED.body  # unchanged: {{recipient}} stays
    assert "0f0f-fixed" not in repr(saved)


def test_an_edited_body_replaces_the_saved_one_and_withheld_credentials_keep_the_auth() -> None:
    other = replace(SAVED, url="https://elsewhere.test/x")
    spec = resolve(other, VALUES, BASE).spec
    assert spec.attach_auth is False  # another host: the Composer shows credentials off
    edited = replace(spec, body=b'{"to": "+1"}')
    saved = edited_request(other, spec, edited, base_url=BASE)
    assert saved.auth is Auth.PROFILE
    assert saved.body == Body(BodyType.JSON, '{"to": "+1"}')

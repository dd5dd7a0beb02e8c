"""Issue 17.5: the webhook journal never holds a secret, and only its owner can read it.

A sender may carry a shared secret in a header of its own (X-Gitlab-Token, an API
key, the profile's webhook secret under any name), or echo the webhook secret in
its body, query or fields. The journal outlives the session and ends up attached
to tickets: every byte of every file it writes is scanned for the canary, in the
forms a secret travels in. Signatures (HMAC digests) stay: they reveal nothing and
are what a later check needs. Files are created 0600 and folders 0700 at creation
(never chmod-ed after), even under a permissive umask.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
import time
import uuid
from pathlib import Path

import pytest

from desktop.core.webhooks import segments
from desktop.core.webhooks.events import MASK, WebhookEvent
from desktop.core.webhooks.journal import Journal
from desktop.core.webhooks.signatures import sign
from desktop.core.webhooks.store import WebhookStore
from tests.hostile.hostile_receiver_net import assert_nowhere, journal_bytes, post, serve

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def canary(label: str) -> str:
    return f"canary{label}{uuid.uuid4().hex[:16]}"


def event(headers: tuple[tuple[str, str], ...], body: bytes = b"{}") -> WebhookEvent:
    return WebhookEvent.create(received_at=time.time(), method="POST", path="/hooks",
                               headers=headers, body=body)


@pytest.mark.parametrize("name", ["X-Gitlab-Token", "X-Api-Key", "X-Functions-Key",
                                  "X-Auth-Token", "X-Goog-Channel-Token", "X-Auth",
                                  "Authorization", "Proxy-Authorization", "Cookie"])
def test_a_credential_header_is_masked_in_the_journal(tmp_path: Path, name: str) -> None:
    secret = canary("hdr")
    journal = Journal(tmp_path)
    journal.append(event(((name, secret), ("Content-Type", "application/json"))))
    journal.close()
    written = journal_bytes(tmp_path)
    assert_nowhere(secret, written, "journal")
    [record] = [json.loads(line) for line in written.splitlines()]
    assert [name, MASK] in record["headers"]
    assert ["Content-Type", "application/json"] in record["headers"]


def test_signatures_and_ids_stay_readable(tmp_path: Path) -> None:
    body = b'{"id":"evt_1"}'
    kept = {**sign("redcloud", "a-secret-of-ours", body),
            "X-Hub-Signature-256": "sha256=" + "a" * 64,
            "Stripe-Signature": "t=1,v1=" + "b" * 64, "webhook-signature": "v1,abc=",
            "X-Idempotency-Key": "6f1c1c52-6f0e-4a57", "X-Request-Id": "req-1"}
    journal = Journal(tmp_path)
    journal.append(event(tuple(kept.items()), body))
    journal.close()
    [record] = [json.loads(line) for line in journal_bytes(tmp_path).splitlines()]
    assert dict(map(tuple, record["headers"])) == kept


def test_the_webhook_secret_under_any_header_name_or_in_the_query_is_masked(
        tmp_path: Path) -> None:
    secret = canary("whs")
    store = WebhookStore(journal=Journal(tmp_path))
    body = b'{"type":"message.sent"}'

    async def scenario(receiver) -> int:
        headers = {**sign("redcloud", secret, body), "X-Signature": secret,
                   "X-Echo": f"prefix {secret} suffix", "X-Hex": secret.encode().hex(),
                   "Content-Type": "application/json"}
        status, _, _ = await post(receiver.port, body, headers, f"/hooks?t={secret}")
        return status

    assert serve(scenario, store, scheme="redcloud", secret=secret) == 200
    store.close()
    written = journal_bytes(tmp_path)
    assert_nowhere(secret, written, "journal")
    [record] = [json.loads(line) for line in written.splitlines()]
    assert record["verification"]["ok"] is True
    assert base64.b64decode(record["body_b64"]) == body  # nothing secret in it: kept exact


@pytest.mark.parametrize("shape", ["plain", "json-escaped", "urlencoded", "base64", "hex"])
def test_a_body_echoing_the_secret_is_not_kept_and_the_record_says_why(
        tmp_path: Path, shape: str) -> None:
    secret = canary("body") + "/+="
    value = {"plain": secret, "json-escaped": json.dumps(secret)[1:-1],
             "urlencoded": secret.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D"),
             "base64": base64.b64encode(secret.encode()).decode(),
             "hex": secret.encode().hex()}[shape]
    body = ('{"type":"message.failed","error":"bad secret ' + value + '"}').encode()
    store = WebhookStore(journal=Journal(tmp_path))

    async def scenario(receiver) -> int:
        headers = {**sign("redcloud", "not-the-secret", body), "Content-Type": "application/json"}
        status, _, _ = await post(receiver.port, body, headers)
        return status

    assert serve(scenario, store, scheme="redcloud", secret=secret) == 401
    store.close()
    written = journal_bytes(tmp_path)
    assert_nowhere(secret, written, "journal")
    [record] = [json.loads(line) for line in written.splitlines()]
    assert record["body_b64"] == ""
    assert "cannot be re-checked" in record["body_redacted"]
    assert record["size"] == len(body)
    assert store.events[0].body == body  # in memory the exact bytes stay, for this session


def test_a_short_secret_is_masked_where_a_header_is_exactly_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path, secrets={"webhook_secret": "s3cr7"})
    journal.append(event((("X-Hook-Auth", "s3cr7"), ("X-Other", "unrelated"))))
    journal.close()
    [record] = [json.loads(line) for line in journal_bytes(tmp_path).splitlines()]
    assert dict(map(tuple, record["headers"])) == {"X-Hook-Auth": MASK, "X-Other": "unrelated"}


def test_a_replaced_secret_stays_masked(tmp_path: Path) -> None:
    old, new = canary("old"), canary("new")
    journal = Journal(tmp_path)
    journal.add_secret(old)
    journal.add_secret(new)
    journal.append(event((("X-A", old), ("X-B", new))))
    journal.close()
    written = journal_bytes(tmp_path)
    assert_nowhere(old, written, "journal")
    assert_nowhere(new, written, "journal")


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_journal_files_and_the_folders_it_creates_are_private_from_creation(
        tmp_path: Path, open_umask, monkeypatch: pytest.MonkeyPatch) -> None:
    changed: list[object] = []
    monkeypatch.setattr(os, "chmod", lambda *a, **k: changed.append(a))
    monkeypatch.setattr(os, "fchmod", lambda *a, **k: changed.append(a))
    folder = tmp_path / "new" / "webhooks"
    journal = Journal(folder)
    journal.append(event((("Content-Type", "application/json"),)))
    journal.append(WebhookEvent.create(received_at=time.time(), method="POST", path="/x",
                                       status=413, truncated=True, size=10**7))
    journal.close()
    files = journal.segments() + journal.unverified_segments()
    assert len(files) == 2
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (folder, folder.parent):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert changed == [], "created with its mode, not chmod-ed afterwards"


def test_an_older_journal_file_left_readable_by_others_is_tightened(
        tmp_path: Path, open_umask) -> None:
    old = tmp_path / "events-000001.jsonl"
    old.write_text(json.dumps(event(()).to_dict()) + "\n")
    old.chmod(0o644)
    journal = Journal(tmp_path)
    journal.append(event(()))
    journal.close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert len(list(journal.events())) == 2


def test_segment_modes_are_the_documented_constants() -> None:
    assert (segments.FILE_MODE, segments.DIR_MODE) == (0o600, 0o700)

"""The diagnostic bundle: planned in memory, checked for leaks, written atomically."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings

from desktop.core import bundle_zip
from desktop.core.bundle import (
    BUNDLE_FILES,
    MANIFEST,
    BundleContent,
    SecretLeakError,
    build_bundle_async,
    plan_bundle,
    plan_bundle_async,
    write_bundle,
)
from desktop.core.exchange import Exchange
from desktop.core.redact import Redactor
from tests.core.test_har import validate
from tests.core.test_redact_properties import leaked, planted
from tests.factories import make_error_exchange, make_exchange, make_token_exchange

SECRET = "test-client-secret-0001"
TOKEN = "test-access-token-0001"
WEBHOOK = "whsec_c2VjcmV0LXdlYmhvb2sta2V5"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2"
                       "OUAAAAABJRU5ErkJggg==")


@pytest.fixture
def redactor() -> Redactor:
    return Redactor({"client_secret": SECRET, "access_token": TOKEN, "webhook_secret": WEBHOOK})


def full_content(exchanges: list[Exchange] | None = None) -> BundleContent:
    return BundleContent(
        exchanges=exchanges if exchanges is not None else
        [make_token_exchange("client-1", SECRET, TOKEN), make_exchange(), make_error_exchange()],
        checklist={"steps": [{"id": "token", "status": "pass", "detail": f"got {TOKEN}"}]},
        summary_md=f"# What to capture\n\n- token was fresh\n- secret {SECRET} (oops)\n",
        webhook_events=[{"headers": [["X-RedCloud-Signature", "abc"],
                                     ["X-RedCloud-Timestamp", "1"]],
                         "body": '{"to": "+14155550123", "messageId": "msg_1"}',
                         "config": {"secret": WEBHOOK}}],
        ratelimits_csv=b"time,limit,remaining\n1700000000,50,49\n",
        ratelimits_png=PNG,
        environment={"client_id": "0oa1b2c3d4e5f6", "os": "Linux", "base_url": "https://h"},
    )


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_bundle_holds_every_file_and_a_manifest_of_sizes_and_hashes(
    redactor: Redactor, tmp_path: Path
) -> None:
    plan = plan_bundle(full_content(), redactor)
    assert [f.name for f in plan.files] == [*BUNDLE_FILES, MANIFEST]
    target = write_bundle(plan, tmp_path / "bundle.zip")
    files = unzip(target)
    assert files == {f.name: f.data for f in plan.files}
    manifest = json.loads(files[MANIFEST])
    assert manifest["format"] == "switchboard-bundle"
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(BUNDLE_FILES)
    for name, entry in listed.items():
        assert entry["size"] == len(files[name])
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
    assert files["ratelimits.png"] == PNG
    validate(json.loads(files["har.json"]))


def test_manifest_reports_redactions_by_kind_time_and_version(redactor: Redactor) -> None:
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    plan = plan_bundle(full_content(), redactor, now=moment)
    manifest = json.loads(plan.file(MANIFEST).data)
    assert manifest["created_at"] == "2024-05-01T12:30:00Z"
    assert manifest["app_version"] == plan.app_version
    assert manifest["redaction"] == plan.report.to_dict()
    by_kind = manifest["redaction"]["by_kind"]
    assert by_kind["client_secret"] >= 1
    assert by_kind["access_token"] >= 2
    assert by_kind["signature"] == 1
    assert by_kind["client_id"] == 1
    assert redactor.report.by_kind() == plan.report.by_kind()  # merged into the caller's


def test_environment_client_id_keeps_only_its_last_four(redactor: Redactor) -> None:
    plan = plan_bundle(full_content(), redactor)
    environment = json.loads(plan.file("environment.json").data)
    assert environment == {"client_id": "****e5f6", "os": "Linux", "base_url": "https://h"}


def test_every_file_goes_through_the_redactor(redactor: Redactor) -> None:
    plan = plan_bundle(full_content(), redactor)
    for planned in plan.files:
        for secret in (SECRET, TOKEN, WEBHOOK, "4155550123"):
            assert secret.encode() not in planned.data, planned.name
    assert "secret [REDACTED:client_secret] (oops)" in plan.file("summary.md").text
    events = json.loads(plan.file("webhooks.json").data)
    assert events[0]["headers"][0] == ["X-RedCloud-Signature", "[REDACTED:signature]"]
    assert events[0]["headers"][1] == ["X-RedCloud-Timestamp", "1"]


def test_excluded_exchanges_and_files_are_left_out(redactor: Redactor) -> None:
    content = full_content()
    dropped = content.exchanges[1].id
    plan = plan_bundle(content, redactor, exclude_exchange_ids={dropped},
                       exclude_files={"summary.md", "ratelimits.png", MANIFEST})
    names = [f.name for f in plan.files]
    assert "summary.md" not in names
    assert "ratelimits.png" not in names
    assert names[-1] == MANIFEST  # the manifest cannot be left out
    entries = json.loads(plan.file("har.json").data)["log"]["entries"]
    assert [e["_exchangeId"] for e in entries] == [e.id for e in content.exchanges
                                                  if e.id != dropped]
    manifest = json.loads(plan.file(MANIFEST).data)
    assert manifest["exchanges"] == {"included": 2, "excluded": 1}
    assert manifest["excluded_files"] == ["ratelimits.png", "summary.md"]
    assert plan.exchange_count == 2
    assert plan.excluded_exchanges == 1


def test_preview_markers_point_at_every_redaction(redactor: Redactor) -> None:
    plan = plan_bundle(full_content(), redactor)
    har = plan.file("har.json")
    markers = har.markers()
    assert markers
    for marker in markers:
        shown = har.text[marker.start:marker.end]
        if marker.kind == "phone":
            assert shown.endswith("0123")
            assert "*" in shown
        else:
            assert shown in (f"[REDACTED:{marker.kind}]", f"%5BREDACTED:{marker.kind}%5D")
    assert {m.kind for m in markers} >= {"authorization", "access_token", "phone"}
    assert plan.file("environment.json").markers()[0].kind == "client_id"
    assert plan.file("ratelimits.png").text is None
    assert plan.file("ratelimits.png").markers() == []


class LeakyRedactor(Redactor):
    """A redactor with a bug: it forgets to redact free text."""

    def redact_text(self, text: str) -> str:
        return text


def test_a_secret_that_survives_redaction_refuses_the_bundle(tmp_path: Path) -> None:
    leaky = LeakyRedactor({"client_secret": SECRET})
    content = BundleContent(summary_md=f"note: {base64.b64encode(SECRET.encode()).decode()}")
    with pytest.raises(SecretLeakError) as caught:
        plan_bundle(content, leaky)
    assert caught.value.file == "summary.md"
    assert caught.value.kind == "client_secret"
    assert SECRET not in str(caught.value)
    target = tmp_path / "bundle.zip"
    with pytest.raises(SecretLeakError):
        asyncio.run(build_bundle_async(content, leaky, target, None))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_bundle_and_no_partial_file(
    redactor: Redactor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bundle.zip"
    target.write_bytes(b"the previous bundle")
    plan = plan_bundle(full_content(), redactor)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_zip.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_bundle(plan, target)
    assert target.read_bytes() == b"the previous bundle"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.zip"]


def test_progress_rises_to_one(redactor: Redactor, tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    plan = plan_bundle(full_content(), redactor)
    write_bundle(plan, tmp_path / "b.zip", lambda fraction, label: seen.append((fraction, label)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_async_build_yields_to_the_event_loop_between_chunks(
    redactor: Redactor, tmp_path: Path
) -> None:
    exchanges = [make_exchange() for _ in range(60)]
    seen: list[float] = []

    async def scenario() -> int:
        ticks = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        start = ticks
        await build_bundle_async(full_content(exchanges), redactor, tmp_path / "b.zip",
                                 lambda fraction, _label: seen.append(fraction), chunk=5)
        done = True
        await task
        return ticks - start

    ticks = asyncio.run(scenario())
    assert ticks >= 60 // 5  # the loop ran at least once per chunk of exchanges
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert unzip(tmp_path / "b.zip")[MANIFEST]


def test_cancelled_async_build_leaves_no_file(redactor: Redactor, tmp_path: Path) -> None:
    content = full_content([make_exchange() for _ in range(20)])

    async def scenario() -> None:
        writing = asyncio.Event()

        def progress(fraction: float, _label: str) -> None:
            if fraction >= 0.75:  # the zip is being written
                writing.set()

        task = asyncio.create_task(build_bundle_async(
            content, redactor, tmp_path / "b.zip", progress, chunk=1))
        await writing.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert list(tmp_path.iterdir()) == []


def test_plan_async_gives_the_same_bytes_as_plan(redactor: Redactor) -> None:
    content = full_content()
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    synchronous = plan_bundle(content, redactor, now=moment)
    asynchronous = asyncio.run(plan_bundle_async(content, redactor, chunk=1))
    for left, right in zip(synchronous.files, asynchronous.files, strict=True):
        if left.name != MANIFEST:
            assert left.data == right.data


def test_bundle_without_exchanges_is_still_a_valid_har(redactor: Redactor) -> None:
    plan = plan_bundle(BundleContent(), redactor)
    validate(json.loads(plan.file("har.json").data))
    assert [f.name for f in plan.files] == ["har.json", "webhooks.json", "environment.json",
                                            MANIFEST]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(planted())
def test_no_canary_in_any_file_of_the_written_zip(
    case: tuple[str, str, Exchange, set[str]],
) -> None:
    import tempfile

    canary, kind, exchange, places = case
    redactor = Redactor({kind: canary})
    content = BundleContent(
        exchanges=[exchange],
        checklist={"steps": [{"detail": f"used {canary}", "encoded": quote(canary, safe="")}]},
        summary_md=f"secret was {canary} / {quote_plus(canary)}",
        webhook_events=[{"body": json.dumps({"secret": canary}), "note": canary}],
        ratelimits_csv=f"a,b\n{canary},1\n".encode(),
        environment={"client_id": "client-1", "note": canary},
    )
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "bundle.zip"
        write_bundle(plan_bundle(content, redactor), target)
        for name, data in unzip(target).items():
            assert not leaked(canary, data.decode("latin-1")), (name, places)

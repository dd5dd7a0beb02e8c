"""A bundle export's memory: the same bytes with a bounded peak, and the pages given back.

The soak benchmark saw the window's RSS step up at each export of a full
webhook store: 2,000 records (2.7 MB of JSON) peaked at about 30 MiB while
they were redacted as one list and indented by json's pure-Python encoder,
and glibc kept the pages. webhooks.json is now rendered record by record.
"""

from __future__ import annotations

import json
import platform
import sys
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import memory
from desktop.core.bundle import BundleContent, plan_bundle
from desktop.core.bundle_plan import _json_array_steps, _json_bytes
from desktop.core.redact import Redactor

SECRET = "sk_live_memory_canary_5f1c2e"
GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _run(steps: Any) -> Any:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def webhook_record(number: int) -> dict[str, Any]:
    """Shaped like ``diagnostic_bundle.webhook_event_record`` of a delivery receipt."""
    body = json.dumps({"id": f"evt_{number:08x}", "type": "message.delivered", "sequence": 3,
                       "data": {"messageId": f"msg_{number:08d}", "to": "+14155550123",
                                "status": "delivered", "externalReference": f"ref-{number}"}})
    return {
        "received_at": 1796374928.4 + number, "method": "POST", "path": "/webhooks",
        "headers": [["Host", "127.0.0.1:44733"], ["Content-Type", "application/json"],
                    ["X-RedCloud-Timestamp", "1796374928"],
                    ["X-RedCloud-Signature", f"{number:064x}"], ["Accept", "*/*"],
                    ["Authorization", f"Bearer {SECRET}"], ["Content-Length", str(len(body))]],
        "body": body, "body_encoding": None, "size": len(body), "type": "message.delivered",
        "message_id": f"msg_{number:08d}", "sequence": 3,
        "verification": {"ok": True, "scheme": "redcloud", "reason": "ok",
                         "message": "Signature valid (redcloud); timestamp 0 s old.",
                         "skew_seconds": 0.4, "computed_prefix": "9b56ae2b",
                         "received_prefix": "9b56ae2b", "hint": "", "suspect": None},
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8")),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=6))
def test_webhooks_json_item_by_item_is_the_whole_list_redacted(items: list[Any]) -> None:
    """The same JSON value and redactions as redacting and dumping the whole list (strings
    with newlines and U+2028, integers wider than 64 bits, nested and empty containers);
    orjson may spell a float differently (1e16 for 1e+16), so values are compared."""
    whole, parts = Redactor({"client_secret": SECRET}), Redactor({"client_secret": SECRET})
    expected = _json_bytes(whole.redact_json(list(items)))
    data = _run(_json_array_steps(items, parts, "webhooks.json"))
    assert json.loads(data) == json.loads(expected)
    assert data.endswith(b"\n")
    assert parts.report.by_kind() == whole.report.by_kind()


def test_webhook_records_are_indented_as_before() -> None:
    records = [webhook_record(n) for n in range(3)]
    redactor = Redactor({"client_secret": SECRET})
    data = _run(_json_array_steps(records, redactor, "webhooks.json"))
    assert data == _json_bytes(Redactor({"client_secret": SECRET}).redact_json(records))


def test_secrets_in_webhook_records_are_redacted_item_by_item() -> None:
    redactor = Redactor({"client_secret": SECRET})
    data = _run(_json_array_steps([webhook_record(n) for n in range(3)], redactor, "w.json"))
    assert SECRET.encode() not in data
    assert json.loads(data)[2]["message_id"] == "msg_00000002"
    assert redactor.report.total >= 3


def test_a_full_webhook_store_is_planned_within_a_few_times_its_size() -> None:
    """Whole-list rendering peaked at 7.4x the file here; record by record it is 2.1x."""
    records = [webhook_record(n) for n in range(2000)]
    content = BundleContent(exchanges=[], webhook_events=records,
                            environment={"os": "Linux"})
    redactor = Redactor({"client_secret": SECRET})
    tracemalloc.start()
    try:
        plan = plan_bundle(content, redactor)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = plan.file("webhooks.json").size
    assert size > 2_000_000
    assert peak < 3 * size, f"peak {peak / 2**20:.1f} MiB for {size / 2**20:.1f} MB of JSON"


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_freed_heap_pages_go_back_to_the_system() -> None:
    """64 MiB of 1 KiB blocks, all freed but the last (which pins the heap's top, so glibc
    cannot shrink it on its own): RSS stays up until the pages are released."""
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    memory.release_free_memory()
    blocks = [bytes(1024) for _ in range(64 * 1024)]  # > 512 bytes: malloc, not pymalloc
    pin = bytes(1024)
    del blocks
    held = process.memory_info().rss
    assert memory.release_free_memory() is True
    released = held - process.memory_info().rss
    assert released > 32 * 2**20, f"only {released / 2**20:.1f} MiB given back"
    del pin


def test_release_and_the_heap_count_do_nothing_without_glibc(monkeypatch) -> None:
    memory._glibc.cache_clear()
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    try:
        assert memory.release_free_memory() is False
        assert memory.c_heap() is None
    finally:
        memory._glibc.cache_clear()


def test_what_orjson_refuses_is_still_written_as_valid_json() -> None:
    items = [{"body": "half a pair \ud800", 1: 2**70}]
    data = _run(_json_array_steps(items, Redactor({"client_secret": SECRET}), "w.json"))
    assert json.loads(data) == [{"body": "half a pair \ud800", "1": 2**70}]

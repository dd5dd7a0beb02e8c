"""Large bundles render their HAR in worker processes: the same bytes, faster, or in process."""

from __future__ import annotations

import asyncio
import io
import pickle
from datetime import UTC, datetime

import pytest

from desktop.core import bundle_workers
from desktop.core.bundle import BundleContent, plan_bundle, plan_bundle_async
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_token_exchange

SECRET = "canary-client-secret-0042"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def exchanges(count: int) -> list:
    made = []
    for index in range(count):
        made.append(make_token_exchange() if index % 7 == 0 else make_exchange())
    return made


def redactor() -> Redactor:
    return Redactor({"client_secret": SECRET, "access_token": "test-access-token-0001"})


def planned(content: BundleContent, *, parallel: bool, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(bundle_workers, "PARALLEL_MIN", 10 if parallel else 10**9)
    monkeypatch.setattr(bundle_workers, "SLICE", 7)
    plan = asyncio.run(plan_bundle_async(content, redactor()))
    return {f.name: f.data for f in plan.files if f.name != "manifest.json"} | {
        "report": repr(plan.report.by_kind()).encode()}


def test_worker_processes_render_exactly_what_the_process_itself_would(monkeypatch) -> None:
    content = BundleContent(exchanges=exchanges(60), summary_md="# S\n")
    spawned: list[list[str]] = []
    real_popen = bundle_workers.subprocess.Popen

    def recording_popen(command, **kwargs):
        spawned.append(command)
        return real_popen(command, **kwargs)

    monkeypatch.setattr(bundle_workers.subprocess, "Popen", recording_popen)
    in_workers = planned(content, parallel=True, monkeypatch=monkeypatch)
    assert spawned, "the parallel path did not start worker processes"
    in_process = planned(content, parallel=False, monkeypatch=monkeypatch)
    assert in_workers == in_process
    assert SECRET.encode() not in in_workers["har.json"]


def test_small_bundles_are_rendered_in_process(monkeypatch) -> None:
    monkeypatch.setattr(bundle_workers.subprocess, "Popen",
                        lambda *a, **k: pytest.fail("no worker for a small bundle"))
    plan = plan_bundle(BundleContent(exchanges=exchanges(5)), redactor(), now=NOW)
    assert plan.file("har.json") is not None


def test_workers_that_cannot_start_fall_back_to_rendering_in_process(monkeypatch) -> None:
    monkeypatch.setattr(bundle_workers, "_command", lambda: ["/nonexistent/switchboard-worker"])
    content = BundleContent(exchanges=exchanges(40))
    in_fallback = planned(content, parallel=True, monkeypatch=monkeypatch)
    in_process = planned(content, parallel=False, monkeypatch=monkeypatch)
    assert in_fallback == in_process


def test_the_worker_protocol_answers_each_slice_until_the_pipe_closes() -> None:
    requests = io.BytesIO()
    bundle_workers._send(requests, (redactor(), exchanges(3)))
    bundle_workers._send(requests, (redactor(), exchanges(2)))
    requests.seek(0)
    answers = io.BytesIO()
    assert bundle_workers.serve(requests, answers) == 0
    answers.seek(0)
    first = bundle_workers._receive(answers)
    second = bundle_workers._receive(answers)
    assert (len(first[0]), len(second[0])) == (3, 2)
    assert first[2] is None
    with pytest.raises(EOFError):
        bundle_workers._receive(answers)


def test_a_secret_surviving_in_an_entry_is_reported_by_the_slice() -> None:
    class Leaky(Redactor):
        def spawn(self) -> Redactor:  # redacts nothing, still knows the secret
            child = super().spawn()
            child.redact_parts = lambda exchange: Redactor().redact_parts(exchange)
            return child

    leaky = Leaky({"client_secret": SECRET})
    exchange = make_exchange()
    exchange.request.body = f'{{"note": "{SECRET}"}}'.encode()
    _entries, _counts, leaked = bundle_workers.render_slice(leaky, [exchange])
    assert leaked == "client_secret"


def test_exchanges_cross_the_pipe_with_every_field_and_their_id() -> None:
    """Exchanges are pickled as a call with their fields (faster to load in a worker)."""
    from desktop.core.exchange import ErrorKind, TransportError
    from desktop.core.finding import Finding, Severity
    from desktop.core.ratelimit.sample import RateLimitSample

    original = make_exchange(
        error=TransportError(ErrorKind.RESET, "peer reset"), token_fresh=False, step="auth",
        findings=[Finding(code="http.reset", severity=Severity.ERROR, title="Reset")])
    original.ratelimit = RateLimitSample(at=1.0, status=200, limit=5, remaining=4)
    copy = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.id == original.id
    for name in type(original).__slots__:
        assert getattr(copy, name) == getattr(original, name), name

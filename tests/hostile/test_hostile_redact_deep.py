"""Issue 17.6 (redactor, curl export, bundle): JSON nested thousands deep, as a hostile
server sends it (``[`` a hundred thousand times, or objects inside objects), never raises
RecursionError or a traceback. Beyond the depth limit a body is opaque text and is redacted
as text: known secrets, secret-named pairs and secret shapes still go.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from desktop.core.bundle import BundleContent, plan_bundle, write_bundle
from desktop.core.bundle_read import inspect_bounded
from desktop.core.bundle_workers import render_slice
from desktop.core.checklist.escalation import escalation_facts
from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.compose import curl_command
from desktop.core.finding import Finding, Severity
from desktop.core.har import to_har
from desktop.core.provider.model import ChecklistStep, StepKind
from desktop.core.redact import Redactor
from desktop.core.redact.leaks import scan_file
from tests.factories import make_exchange, make_request, make_response

SECRET = "deep-secret-Zq9-0001"
LEAF = f'"known {SECRET} and password=hunter2-Zq and sk_live_{"a1B2" * 6}"'
DEPTH = 100_000


def deep_array(depth: int = DEPTH) -> str:
    return "[" * depth + LEAF + "]" * depth


def deep_object(depth: int = DEPTH) -> str:
    return '{"a":' * depth + '{"password": "hunter2-Zq", "note": ' + LEAF + "}" + "}" * depth


def just_deep(depth: int) -> str:
    """Deep enough for the walk's limit, shallow enough for json.loads."""
    return '{"x":[' * depth + '{"password": "hunter2-Zq", "note": ' + LEAF + "}" + "]}" * depth


BODIES = {"100,000 arrays": deep_array(), "100,000 objects": deep_object(),
          "400 levels (parses, too deep to walk)": just_deep(200),
          "60 levels (walked as JSON)": just_deep(30)}
LEAKS = (SECRET, "hunter2-Zq", "a1B2a1B2a1B2")


def clean(data: str | bytes) -> bool:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return not any(leak in text for leak in LEAKS)


@pytest.mark.parametrize("body", list(BODIES))
def test_the_redactor_treats_deep_json_as_text_and_still_redacts_it(body: str) -> None:
    r = Redactor({"client_secret": SECRET})
    data = BODIES[body].encode()
    for content_type in ("application/json", "text/plain", None):
        out = r.redact_bytes(data, content_type)
        assert clean(out), content_type
        assert out.count(b"[") >= 30 or out.count(b"{") >= 30
    assert clean(r.redact_text(BODIES[body]))


@pytest.mark.parametrize("body", list(BODIES))
def test_exchanges_har_and_curl_export_survive_deep_bodies(body: str) -> None:
    r = Redactor({"client_secret": SECRET})
    request = make_request("POST", "https://api.example.test/v1/x",
                           (("Content-Type", "application/json"),), BODIES[body].encode())
    exchange = make_exchange(request=request, response=make_response(
        400, "Bad Request", (("Content-Type", "application/json"),), BODIES[body].encode()))
    copy = r.redact_exchange(exchange)
    assert clean(copy.request.body)
    assert clean(copy.response.body)
    assert clean(json.dumps(to_har([exchange], redactor=r, creator_version="t")))
    assert clean(curl_command(request, r))


def _nested(depth: int, leaf: object) -> object:
    node = leaf
    for index in range(depth):
        node = {"k": node} if index % 2 else [node]
    return node


@pytest.mark.parametrize("depth", [1_000, 5_000, 50_000])
def test_redact_json_of_deep_python_values_does_not_recurse_without_bound(depth: int) -> None:
    """Findings' extra, a run's extracted values: Python values deeper than the limit become
    (redacted) text or a marker; a shallower prefix keeps its shape."""
    r = Redactor({"client_secret": SECRET})
    value = _nested(depth, {"password": "hunter2-Zq", "note": f"known {SECRET}"})
    out = r.redact_json({"extra": value})
    assert isinstance(out["extra"], list | dict)
    assert clean(repr(_shallow(out, 150)))


def _shallow(node: object, depth: int) -> object:
    """The value down to ``depth`` (repr of the whole would itself be too deep)."""
    for _ in range(depth):
        if isinstance(node, dict):
            node = next(iter(node.values()))
        elif isinstance(node, list):
            node = node[0]
        else:
            break
    return node


def _deep_run(body: str) -> ChecklistRun:
    exchange = make_exchange(request=make_request(
        "POST", "https://api.example.test/v1/send", (("Content-Type", "application/json"),),
        body.encode()), response=make_response(400, "Bad Request", body=body.encode()))
    finding = Finding(code="x.deep", severity=Severity.ERROR, title="rejected",
                      extra={"detail": _nested(3_000, f"known {SECRET}")})
    result = StepResult(ChecklistStep("send", "Send", StepKind.REQUEST), StepStatus.FAIL,
                        summary="rejected", finding=finding, exchanges=[exchange])
    return ChecklistRun(provider_id="sandbox", provider_name="Sandbox", profile_name="p",
                        environment="local", region=None, base_url="https://api.example.test",
                        production=False, results=[result],
                        values={"echo": _nested(3_000, "v")})


@pytest.mark.parametrize("body", ["100,000 arrays", "100,000 objects"])
def test_a_bundle_of_deep_json_is_written_redacted_and_inspected(body: str,
                                                                 tmp_path: Path) -> None:
    from desktop.core.checklist.report import run_json
    from desktop.core.checklist.summary import summary_markdown

    run = _deep_run(BODIES[body])
    facts = escalation_facts(run)
    assert facts["payload_shape"].endswith("bytes of application/json")
    content = BundleContent(
        exchanges=run.exchanges, checklist=run_json(run), summary_md=summary_markdown(run),
        webhook_events=[{"body": BODIES[body], "headers": [["X-Sig", "v"]]}],
        environment={"client_id": "client-1", "deep": _nested(3_000, SECRET)})
    plan = plan_bundle(content, Redactor({"client_secret": SECRET}))
    path = write_bundle(plan, tmp_path / "deep.zip")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            assert clean(archive.read(name)), name
    inspection = inspect_bounded(path)
    assert inspection.clean, inspection.suspicions
    assert scan_file("x.json", BODIES[body].encode())  # the scanner reads deep JSON as text


def test_bundle_workers_render_deep_exchanges() -> None:
    exchanges = [make_exchange(request=make_request(
        "POST", "https://api.example.test/v1/x", (("Content-Type", "application/json"),),
        body.encode())) for body in BODIES.values()]
    entries, counts, leaked = render_slice(Redactor({"client_secret": SECRET}), exchanges)
    assert leaked is None
    assert all(clean(entry) for entry in entries)
    assert counts.get("client_secret", 0) >= len(exchanges)


@pytest.mark.parametrize("body", ["100,000 arrays", "100,000 objects"])
def test_switchboard_curl_export_of_a_deep_request_is_a_usage_error(
        body: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The request JSON itself nested thousands deep: one line on stderr, exit 2."""
    import io

    from desktop import cli

    request = '{"method": "POST", "url": "https://api.example.test/v1", "x": ' \
        + BODIES[body] + "}"
    monkeypatch.setattr("sys.stdin", io.StringIO(request))
    assert cli.main(["curl", "export"]) == 2
    captured = capsys.readouterr()
    assert "is not JSON" in captured.err
    assert "Traceback" not in captured.err + captured.out

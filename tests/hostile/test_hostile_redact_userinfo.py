"""Issue 17.3: a password in a URL (``https://user:pw@host``) is redacted everywhere the
redactor is used: the HAR (URLs, Location, Referer, Link), free text, and the bundle's
checklist.json, summary.md and environment.json, where the profile's base URL appears. The
user name stays readable. The canary password is planted in the profile, the run, the
Exchanges and their errors, and every byte of the written bundle is scanned for it.
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from desktop.core.bundle import plan_bundle, write_bundle
from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.diagnostic_bundle import bundle_content
from desktop.core.exchange import ErrorKind, TransportError
from desktop.core.finding import Finding, Severity
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.provider.model import ChecklistStep, StepKind
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_request, make_response

PASSWORD = "Pw-canary:9q!Zx"
USERINFO = f"ops-user:{quote(PASSWORD, safe='')}"
BASE_URL = f"https://{USERINFO}@api.example.test"


def password_forms() -> set[str]:
    forms = {PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD), quote(PASSWORD),
             json.dumps(PASSWORD)[1:-1], "canary:9q"}
    for blob in (PASSWORD.encode(), f"ops-user:{PASSWORD}".encode()):
        forms.add(base64.b64encode(blob).decode().rstrip("="))
    return forms


@pytest.mark.parametrize("text", [
    f"GET {BASE_URL}/v1/whoami failed",
    f"base url `{BASE_URL}` (staging)",
    f"redirected to {BASE_URL.replace('https', 'http')}:8443/x?y=1",
    f'{{"base_url": "{BASE_URL}"}}',
    f"ftp://{USERINFO}@files.example.test/",
])
def test_url_password_in_free_text_is_redacted_and_the_user_kept(text: str) -> None:
    out = Redactor().redact_text(text)
    assert not {form for form in password_forms() if form in out}
    assert "ops-user:[REDACTED:password]@" in out


@pytest.mark.parametrize("header", ["Link", "X-Original-Url", "Refresh"])
def test_url_password_in_any_header_is_redacted_in_the_har(header: str) -> None:
    """Location, Content-Location and Referer were parsed as URLs before issue 17; a URL in
    any other header value is found in its text."""
    from desktop.core.har import to_har

    value = {"Link": f"<{BASE_URL}/page/2>; rel=next",
             "Refresh": f"0; url={BASE_URL}/login"}.get(header, f"{BASE_URL}/v1/cb")
    exchange = make_exchange(
        request=make_request("GET", f"{BASE_URL}/v1/numbers?page=1", ((header, value),), b""),
        response=make_response(302, "Found", ((header, value),), b""))
    har = json.dumps(to_har([exchange], redactor=Redactor(), creator_version="t"))
    assert not {form for form in password_forms() if form in har}
    assert "ops-user:" in har


def _run() -> tuple[Profile, ChecklistRun, list]:
    profile = Profile(name="Staging", provider="redcloud", environment="staging",
                      base_url=BASE_URL, settings={"client_id": "client-0001"})
    failing = make_exchange(
        request=make_request("GET", f"{BASE_URL}/api/core/whoami", (), b""),
        response=None,
        error=TransportError(ErrorKind.CONNECT_REFUSED,
                             f"All connection attempts failed for {BASE_URL}/api/core/whoami"))
    token = make_exchange(request=make_request("POST", f"{BASE_URL}/api/auth/token",
                                               (("Content-Type", "application/json"),),
                                               b"{}"),
                          response=make_response(200, "OK", body=b'{"expires_in": 60}'))
    finding = Finding(code="http.connect", severity=Severity.ERROR,
                      title=f"Could not connect to {BASE_URL}",
                      evidence=f"connect to {BASE_URL} refused",
                      causes=(f"the base URL {BASE_URL} is wrong",),
                      next_action=f"check {BASE_URL} in the profile",
                      extra={"url": f"{BASE_URL}/api/core/whoami"})
    results = [
        StepResult(ChecklistStep("token", "Token acquisition", StepKind.TOKEN),
                   StepStatus.PASS, summary=f"token from {BASE_URL}", exchanges=[token]),
        StepResult(ChecklistStep("whoami", "Client identity", StepKind.REQUEST),
                   StepStatus.FAIL, summary="refused", finding=finding, exchanges=[failing]),
    ]
    run = ChecklistRun(provider_id="redcloud", provider_name="Red Cloud",
                       profile_name="Staging", environment="staging", region=None,
                       base_url=BASE_URL, production=False, results=results,
                       values={"base": BASE_URL})
    return profile, run, [token, failing]


def test_no_byte_of_the_bundle_holds_the_url_password(tmp_path: Path) -> None:
    profile, run, exchanges = _run()
    provider = load_registry().require("redcloud")
    content = bundle_content(profile=profile, provider=provider, exchanges=exchanges, run=run)
    plan = plan_bundle(content, Redactor({"client_secret": "client-secret-0001"}))
    path = write_bundle(plan, tmp_path / "bundle.zip")
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    for name, text in files.items():
        assert not {form for form in password_forms() if form in text}, name
    for name in ("checklist.json", "summary.md", "environment.json", "har.json"):
        assert "ops-user:" in files[name], name
        assert "REDACTED:password" in files[name] or "REDACTED%3Apassword" in files[name], name
    assert json.loads(files["manifest.json"])["redaction"]["by_kind"]["password"] >= 5

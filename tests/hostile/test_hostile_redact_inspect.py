"""Issue 17.4: ``switchboard bundle inspect`` uses the writer's own rules. Whatever the
writer would have redacted (a secret name, a credential header, a shape, a key format, a
URL password), edited into a bundle by hand, is flagged with the writer's kind; the same
content written by the writer inspects clean. One list of rules, not two.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from desktop.core.bundle import BundleContent, plan_bundle, write_bundle
from desktop.core.bundle_read import inspect_bounded
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_request, make_response

PLANTED = [
    # (row, text planted in summary.md, the value that must not be shown, kind flagged)
    ("pin field", "pin=4821-Zq", "4821-Zq", "pin"),
    ("look-alike name", "ｐａｓｓ=hunter2-Zq", "hunter2-Zq", "password"),
    ("X-Auth-Key header line", "X-Auth-Key: kq9Zq77", "kq9Zq77", "api_key"),
    ("password is", "the password is hunter2-Zq", "hunter2-Zq", "password"),
    ("XML element", "<ApiKey>kq9Zq77abc</ApiKey>", "kq9Zq77abc", "api_key"),
    ("sk_live_", "sk_live_" + "a1B2" * 6, "a1B2a1B2a1B2", "stripe_key"),
    ("AKIA", "AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE", "aws_access_key"),
    ("ghp_", "ghp_" + "Zz9" * 12, "Zz9Zz9Zz9", "github_token"),
    ("curl -u", "curl -u ops:hunter2-Zq https://x.test", "hunter2-Zq", "password"),
    ("URL password", "https://ops:hunter2-Zq@api.example.test/", "hunter2-Zq", "password"),
    ("JWT starting eyAi", "eyAiYWxnIjogIkhTMjU2In0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "c2lnbmF0",
     "jwt"),
]


def _bundle(tmp_path: Path, summary: str, name: str = "bundle.zip") -> Path:
    exchange = make_exchange(
        request=make_request("POST", "https://api.example.test/v1/x",
                             (("Content-Type", "text/plain"),), summary.encode()),
        response=make_response(200, "OK", (("Content-Type", "application/json"),),
                               json.dumps({"detail": summary}).encode()))
    content = BundleContent(exchanges=[exchange], summary_md=f"# Summary\n\n{summary}\n",
                            environment={"client_id": "client-123456"})
    return write_bundle(plan_bundle(content, Redactor()), tmp_path / name)


def _tampered(bundle: Path, target: Path, text: str) -> Path:
    with zipfile.ZipFile(bundle) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "summary.md":
                data += f"\n{text}\n".encode()
            new.writestr(name, data)
    return target


@pytest.mark.parametrize(("row", "text", "value", "kind"), PLANTED,
                         ids=[p[0] for p in PLANTED])
def test_inspect_flags_what_the_writer_would_have_redacted(tmp_path: Path, row: str,
                                                           text: str, value: str,
                                                           kind: str) -> None:
    written = _bundle(tmp_path, text)
    assert inspect_bounded(written).suspicions == [], row  # the writer's output scans clean
    tampered = _tampered(written, tmp_path / "tampered.zip", text)
    suspicions = [s for s in inspect_bounded(tampered).suspicions if s.file == "summary.md"]
    assert [s.kind for s in suspicions] == [kind], row
    assert value not in str(suspicions[0])

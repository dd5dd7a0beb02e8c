"""Provider-supplied redaction patterns (``Redactor(patterns=...)``, from a provider file a
user may drop in their config folder) compile through ``compile_user_regex``: RE2, linear
time. A catastrophic pattern cannot hang redaction; one RE2 cannot run is refused with the
kind and the reason, as a broken pattern always was.
"""

from __future__ import annotations

import pickle
import time

import pytest

from desktop.core.bundle_workers import render_slice
from desktop.core.redact import Redactor
from tests.factories import make_exchange, make_request, make_response

KEY = "trk_" + "Ab12" * 8
CATASTROPHIC = [
    ("nested quantifier", r"(a+)+$"),
    ("alternation under a star", r"(a|aa)*$"),
    ("catalog-style (issue 17.6: 23 s on a 140 KB body)",
     r"(client|account)\b.*\b(inactive|disabled)"),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("label", "pattern"), CATASTROPHIC, ids=[c[0] for c in CATASTROPHIC])
def test_a_catastrophic_provider_pattern_runs_in_linear_time(label: str, pattern: str) -> None:
    redactor = Redactor(patterns=[("trk_api_key", r"trk_[A-Za-z0-9]{32}"), ("evil", pattern)])
    body = "client " * 20_000 + "a" * 40 + "!\udcff " + KEY
    redactor = pickle.loads(pickle.dumps(redactor))  # as bundle workers receive it
    started = time.perf_counter()
    out = redactor.redact_text(body)
    exchange = make_exchange(request=make_request("POST", "https://api.example.test/v1/x",
                                                  (("Content-Type", "text/plain"),),
                                                  body.encode("utf-8", "surrogateescape")),
                             response=make_response(200, "OK", body=b"{}"))
    entries, _counts, leaked = render_slice(redactor, [exchange])
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{label}: {elapsed:.1f} s"
    assert KEY not in out
    assert "[REDACTED:trk_api_key]" in out
    assert KEY.encode() not in entries[0]
    assert leaked is None


@pytest.mark.parametrize(("pattern", "reason"), [
    (r"(trk)_\1", "backreferences and lookaround are not supported"),
    (r"trk_(?=[A-Z])", "backreferences and lookaround are not supported"),
    (r"(?<!x)trk_", "backreferences and lookaround are not supported"),
    ("x" * 5000, "at most"),
])
def test_a_pattern_re2_cannot_run_is_refused_with_its_kind_and_reason(pattern: str,
                                                                      reason: str) -> None:
    with pytest.raises(ValueError, match="redaction pattern 'custom_key'") as caught:
        Redactor(patterns=[("custom_key", pattern)])
    assert reason in str(caught.value)

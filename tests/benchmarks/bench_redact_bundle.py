"""Throughput of the redactor and the bundle writer (a script, not a test).

    .venv/bin/python tests/benchmarks/bench_redact_bundle.py [COUNT] [BODY_BYTES]

Builds COUNT (10,000) exchanges with ~BODY_BYTES (5,000) response bodies:
JSON message lists with phone numbers and message ids, bearer-authenticated
requests, a few token exchanges, and a profile redactor that knows a client
secret, a webhook secret and a handful of access tokens. Prints MB/s for
redact_exchange, to_har, and the time of plan_bundle + write_bundle, which
the brief wants under 3 s on a slow 2-core machine.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.core.bundle import BundleContent, plan_bundle, write_bundle
from desktop.core.har import to_har
from desktop.core.redact import Redactor
from tests.factories import (
    json_body,
    make_exchange,
    make_request,
    make_response,
    make_token_exchange,
)

SECRET = "cs_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
TOKENS = [f"at_{i:04d}_0123456789abcdefghijklmnopqrstuv" for i in range(5)]


def build(count: int, body_bytes: int) -> list:
    exchanges = []
    for i in range(count):
        if i % 500 == 0:
            exchanges.append(make_token_exchange("client-1", SECRET, TOKENS[i % 5]))
            continue
        results = []
        n = 0
        while len(json.dumps(results)) < body_bytes - 200:
            results.append({"to": f"+1415555{n % 10000:04d}", "messageId": f"msg_{i:06d}_{n:04d}",
                            "status": "QUEUED", "sequence": n, "externalReference": f"order-{n}"})
            n += 1
        body = json_body({"results": results, "errors": [], "requestId": f"req_{i}"})
        exchanges.append(make_exchange(
            request=make_request(headers=(
                ("Authorization", f"Bearer {TOKENS[i % 5]}"),
                ("Content-Type", "application/json"),
                ("Idempotency-Key", f"5f0c6a9e-0000-4000-8000-{i:012d}"),
                ("User-Agent", "Switchboard/0.1"),
                ("Accept", "application/json"),
            )),
            response=make_response(headers=(
                ("Content-Type", "application/json"), ("X-Request-Id", f"req_{i}"),
                ("RateLimit", '"default";r=50;t=30'), ("Date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ), body=body),
        ))
    return exchanges


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    body_bytes = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    exchanges = build(count, body_bytes)
    size = sum(len(e.request.body) + len(e.response.body) + len(e.request.url)
               + sum(len(k) + len(v) for k, v in e.request.headers + e.response.headers)
               for e in exchanges)
    redactor = Redactor(
        {"client_secret": SECRET, "webhook_secret": "whsec_c2VjcmV0LXdlYmhvb2sta2V5"},
        [("trk_api_key", r"trk_[A-Za-z0-9]{32}")],
    )
    for token in TOKENS:
        redactor.add_secret(token, "access_token")
    print(f"{count} exchanges, {size / 1e6:.1f} MB of URLs, headers and bodies")

    with Clock("redact_exchange", size):
        for exchange in exchanges:
            redactor.redact_exchange(exchange)
    with Clock("to_har", size):
        to_har(exchanges, redactor=redactor, creator_version="bench")

    content = BundleContent(exchanges=exchanges, summary_md="# Summary\n",
                            environment={"client_id": "client-1"})
    with tempfile.TemporaryDirectory() as folder:
        with Clock("plan_bundle", size):
            plan = plan_bundle(content, redactor)
        with Clock("write_bundle", plan.total_size):
            write_bundle(plan, Path(folder) / "bundle.zip")
        zipped = (Path(folder) / "bundle.zip").stat().st_size
    print(f"rendered {plan.total_size / 1e6:.1f} MB, zip {zipped / 1e6:.1f} MB; "
          "budget for plan + write: 3 s")
    print(f"redactions: {plan.report.by_kind()}")


class Clock:
    """Wall and CPU time of a block (CPU time is steadier on a shared machine)."""

    def __init__(self, label: str, size: int) -> None:
        self.label, self.size = label, size

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        print(f"{self.label:16s} wall {wall:5.2f} s  cpu {cpu:5.2f} s  "
              f"{self.size / 1e6 / cpu:5.0f} MB/s (cpu)")


if __name__ == "__main__":
    main()

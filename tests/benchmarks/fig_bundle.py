"""Figure 5: export a bundle of 10,000 Exchanges with 5 KB bodies; the redactor's throughput.

Subject: ``build_bundle_async`` (plan: HAR through the redactor, safety scan;
then the atomic zip write), the path the window runs on its loop, driven by
``asyncio.run``. Floor (for scale, not judged): the same Exchanges dumped as
plain JSON into a zip at the same deflate level with no redaction at all.
Throughput: ``Redactor.redact_exchange`` over every Exchange, in MB/s of URL,
header and body bytes read.
"""

from __future__ import annotations

import asyncio
import gc
import json
import tempfile
import time
import zipfile
from pathlib import Path

from tests.benchmarks.data import (
    CLIENT_SECRET,
    TOKENS,
    WEBHOOK_SECRET,
    bundle_exchange,
    exchange_bytes,
)
from tests.benchmarks.measure import Budget, Figure

BODY_BYTES = 5_000


def _redactor():
    from desktop.core.provider import load_registry
    from desktop.core.redact import Redactor

    provider = load_registry().require("redcloud")
    redactor = Redactor({"client_secret": CLIENT_SECRET, "webhook_secret": WEBHOOK_SECRET},
                        provider.secret_patterns)
    for token in TOKENS:
        redactor.add_secret(token, "access_token")
    return redactor


def _export(exchanges, folder: Path, cpu: list[float] | None = None) -> float:
    """Wall seconds of one export (CPU seconds appended to ``cpu``): the profile's redactor
    exists already when the user clicks Export, so building it is not counted."""
    from desktop.core.bundle import BundleContent, build_bundle_async

    content = BundleContent(exchanges=exchanges, summary_md="# Summary\n\nBenchmark.\n",
                            environment={"client_id": "client-1", "app": "bench"})
    target = folder / "bundle.zip"
    redactor = _redactor()
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    asyncio.run(build_bundle_async(content, redactor, target, None))
    elapsed = time.perf_counter() - started
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    target.unlink()
    return elapsed


def _plain_zip(exchanges, folder: Path) -> float:
    from desktop.core.bundle import COMPRESS_LEVEL

    target = folder / "plain.zip"
    gc.collect()
    started = time.perf_counter()
    entries = [{"url": e.request.url, "method": e.request.method,
                "requestHeaders": e.request.headers, "requestBody": e.request.body.decode(),
                "status": e.status, "responseHeaders": e.response.headers if e.response else [],
                "responseBody": e.response.body.decode() if e.response else ""}
               for e in exchanges]
    data = json.dumps({"entries": entries}, indent=1).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as z:
        z.writestr("har.json", data)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def _redact_throughput(exchanges) -> tuple[float, float]:
    """(MB/s, seconds) of ``redact_exchange`` over all of them, with a fresh redactor."""
    redactor = _redactor()
    size = sum(exchange_bytes(e) for e in exchanges)
    gc.collect()
    started = time.perf_counter()
    for exchange in exchanges:
        redactor.redact_exchange(exchange)
    seconds = time.perf_counter() - started
    return size / 1e6 / seconds, seconds


def measure(runs: int, quick: bool) -> list[Figure]:
    count = 1_000 if quick else 10_000
    exchanges = [bundle_exchange(i, BODY_BYTES) for i in range(count)]
    size = sum(exchange_bytes(e) for e in exchanges)
    export: list[float] = []
    plain: list[float] = []
    speed: list[float] = []
    cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as folder:
        _export(exchanges[: count // 10], Path(folder))  # warm-up: imports, regex caches
        for _ in range(runs):
            plain.append(_plain_zip(exchanges, Path(folder)))
            export.append(_export(exchanges, Path(folder), cpu))
            speed.append(_redact_throughput(exchanges)[0])
    return [
        Figure("bundle.export", f"Bundle export of {count:,} Exchanges (5 KB bodies)", "s",
               Budget("max", 2.0), values=export, floor=plain,
               floor_title="the same Exchanges as plain JSON in a zip, no redaction",
               notes=[f"{size / 1e6:.1f} MB of URLs, headers and bodies; build_bundle_async "
                      "(plan + safety scan + atomic write)",
                      "CPU seconds of the export (the machine's share): "
                      + ", ".join(f"{c:.2f}" for c in cpu)],
               details={"cpu_seconds": cpu}),
        Figure("bundle.redactor_throughput", "Redactor throughput (redact_exchange)", "MB/s",
               Budget("info"), values=speed),
    ]

"""Issues 17.8 and 17.2 for `switchboard webhooks`: bounded input, redacted output.

`verify` refuses nan/inf for --at and --tolerance and reads at most the receiver's
body limit from any file (a huge file, /dev/zero, standard input, a FIFO nobody
writes to): each is one line on stderr and exit 2 (or a verdict), in bounded time
(a subprocess timeout guards against a hang) and memory (the child runs under an
address-space limit, so an unbounded read fails loudly instead of swapping).
`listen` prints through the one redactor, which knows the webhook secret: a
sender that puts it in a header, the query or the body never gets it printed,
in text or --json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from desktop.core.webhooks.signatures import sign
from tests.hostile.hostile_receiver_net import assert_nowhere

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cli-" + uuid.uuid4().hex
LIMITED = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (768 * 1024 * 1024,) * 2)\n"
    "from desktop.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
"""`switchboard` in a child with 768 MiB of address space: unbounded reads fail there."""


def switchboard(*argv: str, stdin: bytes | None = None, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SWITCHBOARD_HOME": str(home),
           "HOOK_SECRET": SECRET}
    return subprocess.run([sys.executable, "-c", LIMITED, *argv], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, timeout=60)


@pytest.fixture
def delivery(tmp_path: Path) -> tuple[Path, Path]:
    headers = tmp_path / "headers.txt"
    headers.write_text("X-RedCloud-Timestamp: 1700000000\nX-RedCloud-Signature: abc\n")
    body = tmp_path / "body.json"
    body.write_text("{}")
    return headers, body


def verify(home: Path, headers: Path, body: str | Path, *extra: str,
           stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return switchboard("webhooks", "verify", "--scheme", "redcloud", "--secret-env",
                       "HOOK_SECRET", "--headers", str(headers), "--body", str(body), *extra,
                       stdin=stdin, home=home)


def assert_one_line_usage_error(done: subprocess.CompletedProcess, *words: str) -> None:
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("switchboard webhooks verify: error: ")
    for word in words:
        assert word in lines[0]


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX limits and devices")


@pytest.mark.parametrize("option", ["--at", "--tolerance"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_verify_refuses_a_non_finite_instant_or_tolerance(tmp_path, delivery, option, value):
    headers, body = delivery
    done = verify(tmp_path, headers, body, f"{option}={value}")
    assert_one_line_usage_error(done, option)


def test_verify_refuses_a_negative_tolerance(tmp_path, delivery):
    headers, body = delivery
    assert_one_line_usage_error(verify(tmp_path, headers, body, "--tolerance=-1"), "--tolerance")


def test_verify_reads_dev_zero_up_to_the_limit_only(tmp_path, delivery):
    headers, _ = delivery
    assert_one_line_usage_error(verify(tmp_path, headers, "/dev/zero"), "larger than")


def test_verify_refuses_a_huge_file_without_reading_it_all(tmp_path, delivery):
    headers, _ = delivery
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as file:
        file.truncate(4 * 1024 * 1024 * 1024)  # sparse: 4 GiB that costs nothing on disk
    assert_one_line_usage_error(verify(tmp_path, headers, huge), "larger than")
    assert_one_line_usage_error(verify(tmp_path, huge, delivery[1]), "headers", "larger than")


def test_verify_bounds_standard_input(tmp_path, delivery):
    headers, _ = delivery
    done = verify(tmp_path, headers, "-", stdin=b"x" * (2 * 1024 * 1024))
    assert_one_line_usage_error(done, "standard input")


def test_verify_on_a_fifo_nobody_writes_to_does_not_hang(tmp_path, delivery):
    headers, _ = delivery
    fifo = tmp_path / "body.fifo"
    os.mkfifo(fifo)
    done = verify(tmp_path, headers, fifo)
    assert done.returncode in (1, 2)
    assert b"Traceback" not in done.stderr


def test_verify_never_prints_the_secret_a_saved_header_holds(tmp_path):
    headers = tmp_path / "headers.txt"
    headers.write_text(f"Stripe-Signature: {SECRET}\nX-Echo: {SECRET}\n")
    body = tmp_path / "body.json"
    body.write_text("{}")
    for extra in ((), ("--json",)):
        done = switchboard("webhooks", "verify", "--scheme", "stripe", "--secret-env",
                           "HOOK_SECRET", "--headers", str(headers), "--body", str(body),
                           *extra, home=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "malformed_signature_header" in done.stdout.decode()
        assert_nowhere(SECRET, done.stdout + done.stderr, "verify output")


@pytest.mark.parametrize("as_json", [False, True])
def test_listen_never_prints_a_secret_a_sender_echoes(tmp_path, as_json):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SWITCHBOARD_HOME": str(tmp_path),
           "HOOK_SECRET": SECRET}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop", "webhooks", "listen", "--port", "0",
         "--scheme", "redcloud", "--secret-env", "HOOK_SECRET",
         *(("--json",) if as_json else ())],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        banner = child.stderr.readline().decode()  # type: ignore[union-attr]
        url = banner.split()[2]
        echoed = json.dumps({"type": SECRET, "data": {"messageId": SECRET},
                             "error": f"secret {SECRET} refused"}).encode()
        with httpx.Client(timeout=30) as client:
            for body, headers in (
                (echoed, {**sign("redcloud", "wrong", echoed), "X-Echo": SECRET}),
                (b"{}", {**sign("redcloud", SECRET, b"{}"), "X-Signature": SECRET}),
            ):
                client.post(f"{url}hooks/{SECRET}?token={SECRET}", content=body,
                            headers={**headers, "Content-Type": "application/json"})
        lines = [child.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
        child.terminate()
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    printed = b"".join(lines) + out + err
    assert all(lines), err
    if as_json:
        assert [json.loads(line)["status"] for line in lines] == [401, 200]
    assert_nowhere(SECRET, printed, "listen output")
    assert_nowhere(SECRET, b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*")
                                    if p.is_file()), "journal")

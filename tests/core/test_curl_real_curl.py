"""What a real curl sends on a loopback socket is what parse_curl + wire_headers predict.

The curlconverter vectors describe curl's request, but they are a rendering,
not a capture. Here bash runs each command, the curl installed on this
machine sends it to a local server, and we compare byte for byte. Only two
things are normalised, both build-dependent: the version in User-Agent and
the list curl offers for ``--compressed``; and a multipart boundary, which
curl draws at random. Skipped where curl or bash is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.core.curl import parse_curl, request_target, to_curl, wire_headers

CURL, BASH = shutil.which("curl"), shutil.which("bash")
pytestmark = pytest.mark.skipif(CURL is None or BASH is None, reason="needs curl and bash")

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
CASES = json.loads((VECTORS / "curl-cases.json").read_text())["cases"]


@dataclass
class Captured:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


class Recorder:
    """A loopback HTTP/1.1 server that records each request and answers 200."""

    def __init__(self) -> None:
        self.requests: list[Captured] = []
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [(n, v.strip(" \t")) for n, _, v in (line.partition(":") for line in lines[1:])]
        length = int(next((v for n, v in headers if n.lower() == "content-length"), "0"))
        while len(body) < length:
            body += connection.recv(65536)
        self.requests.append(Captured(method, target, headers, body))
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


def local_curl_version() -> str:
    assert CURL is not None
    output = subprocess.run([CURL, "--version"], capture_output=True, text=True, check=True)
    return output.stdout.split()[1]


def run_with_bash(command: str, recorder: Recorder, cwd: Path) -> Captured:
    recorder.requests.clear()
    quiet = re.sub(r"(?m)^curl ", "curl -s -o /dev/null --max-time 20 ", command, count=1)
    assert BASH is not None
    subprocess.run(
        [BASH, "-c", quiet], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60
    )
    assert recorder.requests, f"curl sent nothing for {command!r}"
    return recorder.requests[0]


def normalised(captured: Captured, predicted_headers: list[tuple[str, str]]) -> Captured:
    """Replace what depends on curl's build or on chance with what we predict."""
    version = local_curl_version()
    headers, body = [], captured.body
    ours = dict((n.lower(), v) for n, v in predicted_headers)
    for name, value in captured.headers:
        if name.lower() == "user-agent" and value == f"curl/{version}":
            value = "curl/8.2.1"
        if name.lower() == "accept-encoding" and ours.get("accept-encoding") == "deflate, gzip":
            value = "deflate, gzip" if value.startswith("deflate, gzip") else value
        theirs = re.search(r"boundary=(\S+)", value)
        mine = re.search(r"boundary=(\S+)", ours.get(name.lower(), ""))
        if theirs and mine:
            body = body.replace(theirs.group(1).encode(), mine.group(1).encode())
            value = value.replace(theirs.group(1), mine.group(1))
        headers.append((name, value))
    return Captured(captured.method, captured.target, headers, body)


EXTRA_COMMANDS = [
    "curl {base}/a/../b/./c?q=1 -H 'X-Empty;' -H 'Accept:' -H 'Y:  spaced  ' -A ''",
    "curl {base} -u bob -b 'a=1' -b ' b=2' -e '{base}/from;auto' --compressed -H 'X: 1'",
    "curl 'http://us%40er:p%3Ass@127.0.0.1:{port}/x' --oauth2-bearer tok",
    "curl {base} --json '{{\"a\":' --json '1}}' -H 'Accept: text/csv'",
    "curl {base} -d @body.txt --data-binary @body.txt --data-urlencode 'f@body.txt' -d x",
    "curl {base}/p -G --data-urlencode 'q=a b&c' -d 'z=1' --url-query 'ignored=1'",
    "curl {base} --url-query 'k=v w' --url-query '+raw=%41'",
    "curl {base} -H @headers.txt -H 'Host: other.example:81' -I",
    "curl {base} -F 'to=+447700900123' -F 'media=@photo.png' -F 'text=<body.txt' "
    '-F \'caption="a;b";type=text/x\' -F \'doc=v;filename="\\"x\\".pdf"\' '
    "-F 'h=v;headers=\"X-Part: 1\"'",
    "curl {base} --form-string 'a=@x;type=y' -H 'Content-Type: multipart/mixed'",
    "curl {base} -X PUT -d '' -H 'Content-Length:' -H 'Expect: 100-continue'",
    'curl {base} --data-raw $\'{{"t":"It\\\'s \\u00a3\\\\n\\x01"}}\' -X PATCH',
]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "body.txt").write_bytes(b"line1\r\nline2\n\nline3 & more")
    (tmp_path / "headers.txt").write_bytes(b"X-From-File: 1\r\nX-Other: 2\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x00")
    return tmp_path


def commands(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    vectors = [c["curl"].replace("localhost:28139", f"127.0.0.1:{port}") for c in CASES]
    return vectors + [c.format(base=base, port=port) for c in EXTRA_COMMANDS]


@pytest.mark.parametrize("index", range(len(CASES) + len(EXTRA_COMMANDS)))
def test_parse_predicts_what_a_real_curl_sends(index: int, recorder: Recorder, files: Path):
    command = commands(recorder.port)[index]
    request = parse_curl(command, cwd=files)
    predicted = wire_headers(request)
    sent = normalised(run_with_bash(command, recorder, files), predicted)
    assert (sent.method, sent.target) == (request.method, request_target(request.url))
    assert sent.headers == predicted
    assert sent.body == request.body


EXPORTED = [
    (
        "POST",
        "/v1/messages",
        [("Content-Type", "application/json")],
        '{"text":"It\'s £5\\n"}'.encode(),
    ),
    ("PUT", "/bin?x=[1]", [("X-Quote", "a'b\"c$d`e\\f"), ("X-Empty", "")], b"\x00\x01\xff%\\'\n9"),
    ("DELETE", "/x", [("Authorization", "Bearer t")], b""),
    ("GET", "/q?a=1", [("Accept", "text/csv")], b"body with GET\r\n"),
    ("POST", "/empty", [], b""),
    ("HEAD", "/h", [], b""),
    ("OPTIONS", "/o", [("Origin", "https://app.example")], b"\xc3("),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), EXPORTED)
def test_exported_command_makes_a_real_curl_send_the_same_request(
    method: str,
    path: str,
    headers: list[tuple[str, str]],
    body: bytes,
    recorder: Recorder,
    tmp_path: Path,
):
    url = f"http://127.0.0.1:{recorder.port}{path}"
    sent = run_with_bash(to_curl(method, url, headers, body), recorder, tmp_path)
    assert (sent.method, sent.target, sent.body) == (method, path, body)
    custom = [h for h in sent.headers if h[0] in {n for n, _ in headers}]
    assert custom == headers
    assert ("Content-Type" in dict(sent.headers)) == ("Content-Type" in dict(headers))

"""Hostile files, issue 17.8: ``bundle inspect`` on zips built to hurt, within bounds.

Each case ends with exit 2 and one line on stderr naming the file and the reason
(nothing on stdout, no traceback), or with a report; memory is measured with
tracemalloc, never wall time.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import bundle_read
from desktop.core.bundle_model import BUNDLE_FORMAT, MANIFEST

MIB = 1024 * 1024
MANIFEST_OK = {"format": BUNDLE_FORMAT, "files": []}


def inspect(path: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["bundle", "inspect", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2, (out, err)
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.endswith("\n")
    assert err.startswith("switchboard bundle inspect: ")
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def bundle(path: Path, manifest: bytes | dict = MANIFEST_OK,
           members: tuple[tuple[str, bytes], ...] = ()) -> Path:
    raw = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, raw)
        for name, data in members:
            archive.writestr(name, data)
    return path


def zeros_bomb(path: Path, inflated: int, members: int = 1) -> Path:
    """``members`` files of ``inflated`` zero bytes each: about 1 KB per MiB once deflated."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, json.dumps(MANIFEST_OK))
        chunk = bytes(MIB)
        for n in range(members):
            info = zipfile.ZipInfo(f"har-{n}.json")
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as out:
                for _ in range(inflated // MIB):
                    out.write(chunk)
    return path


def patched(path: Path, member: str, *, flag: int = 0, method: int | None = None) -> Path:
    """The zip with ``member``'s headers (local and central) changed in place."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, flag_at, method_at, name_at in ((b"PK\x03\x04", 6, 8, 30),
                                                   (b"PK\x01\x02", 8, 10, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + flag_at] |= flag
                if method is not None:
                    data[start + method_at:start + method_at + 2] = struct.pack("<H", method)
            start += 4
    path.write_bytes(bytes(data))
    return path


# -- zip bombs: bounded memory ------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, capsys) -> None:
    """300 MiB of zeros in a 300 KB zip: today every byte is read into memory (then decoded and
    scanned), hundreds of MB; now the header's ratio refuses it with a few MB allocated."""
    bomb = zeros_bomb(tmp_path / "bomb.zip", 300 * MIB)
    assert bomb.stat().st_size < 2 * MIB
    tracemalloc.start()
    try:
        code, out, err = inspect(bomb, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_one_line_error(code, out, err, "bomb.zip", "har-0.json")
    assert peak < 32 * MIB, f"peak {peak / MIB:.0f} MiB"


def test_many_small_bombs_are_bounded_by_the_total_budget(tmp_path, capsys,
                                                          monkeypatch) -> None:
    """Each member passes the per-member checks; together they pass the budget, and reading
    stops there instead of inflating them all."""
    monkeypatch.setattr(bundle_read, "MAX_TOTAL_BYTES", 24 * MIB)
    monkeypatch.setattr(bundle_read, "RATIO_FLOOR", 64 * MIB)  # let each one through
    bomb = zeros_bomb(tmp_path / "bombs.zip", 8 * MIB, members=12)
    tracemalloc.start()
    try:
        code, out, err = inspect(bomb, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_one_line_error(code, out, err, "more than 24 MiB in all")
    assert peak < 64 * MIB, f"peak {peak / MIB:.0f} MiB"


def test_a_member_is_read_in_chunks_and_stops_at_its_limit(tmp_path, capsys,
                                                           monkeypatch) -> None:
    """Members are streamed in chunks with a limit, never ``read()`` whole: even with the
    header checks bypassed (a header that lies), reading stops at the limit."""
    monkeypatch.setattr(bundle_read, "MAX_MEMBER_BYTES", 2 * MIB)
    path = bundle(tmp_path / "big.zip", members=(("har.json", os.urandom(3 * MIB)),))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("har.json").file_size == 3 * MIB
    monkeypatch.setattr(bundle_read, "_check_member", lambda path, info: None)  # a lying header
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, "har.json", "more than 2 MiB")


def test_too_many_members_are_refused_before_they_are_listed(tmp_path, capsys) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, json.dumps(MANIFEST_OK))
        for n in range(bundle_read.MAX_MEMBERS + 1):
            archive.writestr(f"f{n}", b"")
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, f"{bundle_read.MAX_MEMBERS + 2:,} files")


# -- members no bundle has ------------------------------------------------------------------


def test_an_encrypted_member_is_refused(tmp_path, capsys) -> None:
    path = patched(bundle(tmp_path / "enc.zip", members=(("har.json", b"{}" * 50),)),
                   "har.json", flag=0x1)
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, "har.json is encrypted")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99])
def test_an_unknown_or_unexpected_compression_method_is_refused(tmp_path, capsys,
                                                                method) -> None:
    path = patched(bundle(tmp_path / "method.zip", members=(("har.json", b"{}" * 50),)),
                   "har.json", method=method)
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, f"compression method {method}")


# -- not a bundle file at all ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys) -> None:
    fifo = tmp_path / "bundle.zip"
    os.mkfifo(fifo)
    code, out, err = inspect(fifo, capsys)  # today: blocks for ever opening it
    assert_one_line_error(code, out, err, "FIFO")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.timeout(20)
def test_dev_zero_is_refused_without_reading_it(capsys) -> None:
    code, out, err = inspect("/dev/zero", capsys)
    assert_one_line_error(code, out, err, "/dev/zero", "device")


@pytest.mark.parametrize("make", ["folder", "missing", "text", "empty", "symlink loop"])
def test_what_is_not_a_zip_file_is_one_line_and_exit_2(tmp_path, capsys, make) -> None:
    path = tmp_path / "bundle.zip"
    if make == "folder":
        path.mkdir()
    elif make == "text":
        path.write_text("not a zip\n")
    elif make == "empty":
        path.write_bytes(b"")
    elif make == "symlink loop":
        path.symlink_to(path)
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, str(path))


# -- malformed manifests ---------------------------------------------------------------------


def deep(levels: int) -> bytes:
    return (b'{"format": "%s", "x": ' % BUNDLE_FORMAT.encode() + b"[" * levels
            + b"]" * levels + b"}")


MANIFESTS = {
    "not json": b"{not json",
    "not utf-8": b"\xff\xfe{}",
    "nested 100k deep": deep(100_000),
    "nested 500 deep": deep(500),
    "exchanges a list": {"format": BUNDLE_FORMAT, "exchanges": [1, 2]},
    "exchanges counts as text": {"format": BUNDLE_FORMAT, "exchanges": {"included": "3"}},
    "files a string": {"format": BUNDLE_FORMAT, "files": "har.json"},
    "file size as text": {"format": BUNDLE_FORMAT,
                          "files": [{"name": "a", "size": "12", "sha256": "00"}]},
    "file without a name": {"format": BUNDLE_FORMAT, "files": [{"size": 1, "sha256": "00"}]},
    "file names repeated": {"format": BUNDLE_FORMAT, "files": [
        {"name": "a", "size": 1, "sha256": "00"}, {"name": "a", "size": 1, "sha256": "00"}]},
    "redaction a list": {"format": BUNDLE_FORMAT, "redaction": ["x"]},
    "by_kind counts as lists": {"format": BUNDLE_FORMAT,
                                "redaction": {"by_kind": {"jwt": [1]}}},
    "excluded files a number": {"format": BUNDLE_FORMAT, "excluded_files": 3},
    "app a number": {"format": BUNDLE_FORMAT, "app": 7},
}


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_a_malformed_manifest_is_one_line_and_exit_2(tmp_path, capsys, name) -> None:
    """Today several of these are tracebacks (AttributeError, TypeError, RecursionError)."""
    path = bundle(tmp_path / "bundle.zip", MANIFESTS[name])
    code, out, err = inspect(path, capsys)
    assert_one_line_error(code, out, err, MANIFEST)


def test_names_and_text_from_the_bundle_cannot_drive_the_terminal(tmp_path, capsys) -> None:
    """A member name or manifest field with escape sequences or line breaks is printed
    escaped: it cannot recolour the terminal or forge a ``result: clean`` line."""
    manifest = {**MANIFEST_OK, "app": "\x1b[32mOK\x1b[0m\nresult: clean", "app_version": "1"}
    path = bundle(tmp_path / "bundle.zip", manifest, members=(("\x1b]0;pwned\x07.txt", b"x"),))
    code, out, err = inspect(path, capsys)
    assert code == 1, err
    assert "\x1b" not in out
    assert "\x07" not in out
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("result: ")] == [lines[-1]]
    assert lines[-1].startswith("result: NOT clean")
    assert "\\x1b[32mOK" in out


def test_the_command_runs_in_a_fresh_process_without_a_traceback(tmp_path) -> None:
    """End to end, as a user runs it: stderr is the one line, whatever the file."""
    import subprocess

    path = bundle(tmp_path / "bundle.zip", deep(100_000))
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "bundle", "inspect",
                             str(path)], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2], check=False,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""

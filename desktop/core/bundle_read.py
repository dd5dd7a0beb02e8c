"""Opening a bundle someone else made, within limits: ``bundle inspect`` reads hostile files.

A support engineer inspects bundles from customers, and a zip is easy to weaponise: a
1 MB member that inflates to gigabytes, millions of entries, a manifest nested
thousands deep, an encrypted or exotically compressed member, or a "file" that is a
FIFO or ``/dev/zero`` and never ends. Everything here is bounded (entries, bytes per
member and in total, compression ratio, manifest size and depth) and every refusal is
a ``BundleReadError`` with one line naming the file and the reason. What is read is
then checked and scanned by ``desktop.core.redact.leaks``, the redactor's own rules.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import IO, Any

from desktop.core.bundle_model import BUNDLE_FORMAT, MANIFEST
from desktop.core.redact.leaks import BundleInspection, FileCheck, scan_file

MIB = 1024 * 1024
MAX_MEMBERS = 1000
"""A bundle has half a dozen files; a thousand is already not one."""
MAX_MEMBER_BYTES = 128 * MIB
"""Largest member read (a HAR of thousands of exchanges is tens of MB)."""
MAX_TOTAL_BYTES = 512 * MIB
"""All members together, as inflated."""
MAX_RATIO = 200
"""Inflated / compressed, for members over ``RATIO_FLOOR``: JSON deflates 5-20x, a bomb
1,000x."""
RATIO_FLOOR = 4 * MIB
MAX_MANIFEST_BYTES = 4 * MIB
MAX_MANIFEST_DEPTH = 16
"""The manifest the writer makes is 4 levels deep."""
MAX_CENTRAL_DIRECTORY = 16 * MIB
CHUNK = MIB
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
"""The writer deflates; stored is harmless. bzip2 and LZMA bombs inflate further still."""


class BundleReadError(Exception):
    """The file cannot be inspected; the message is one line naming it and the reason."""


def inspect_bounded(path: str | Path) -> BundleInspection:
    """Check a bundle's manifest and re-scan every file, reading at most the limits above."""
    path = Path(path)
    with _open_regular(path) as handle:
        _check_directory(path, handle)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError,
                EOFError) as exc:
            raise BundleReadError(f"{path}: not a zip file ({_reason(exc)})") from None
        with archive:
            return _inspect(path, archive)


def _inspect(path: Path, archive: zipfile.ZipFile) -> BundleInspection:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise BundleReadError(f"{path}: holds {len(members):,} files (a bundle has at most "
                              f"{MAX_MEMBERS:,}); not inspected")
    for info in members:
        _check_member(path, info)
    budget = _Budget(path)
    by_name = {info.filename: info for info in members}
    if MANIFEST not in by_name:
        raise BundleReadError(f"{path}: has no {MANIFEST}: not a Switchboard bundle")
    manifest = read_manifest(path, _read_member(archive, by_name[MANIFEST], budget,
                                                limit=MAX_MANIFEST_BYTES))
    result = BundleInspection(path=path, manifest=manifest)
    listed = {entry["name"]: entry for entry in manifest.get("files", [])}
    for name, entry in listed.items():
        if name not in by_name:
            result.files.append(FileCheck(name, None, entry.get("size"), "missing"))
    for info in members:
        name = info.filename
        try:
            data = _read_member(archive, info, budget)
        except _CorruptMemberError:  # a CRC or header error: a mismatch, not a crash
            result.files.append(FileCheck(name, None, None, "mismatch"))
            continue
        if name != MANIFEST:
            entry = listed.get(name)
            if entry is None:
                status = "unlisted"
            elif entry.get("size") == len(data) and \
                    entry.get("sha256") == hashlib.sha256(data).hexdigest():
                status = "ok"
            else:
                status = "mismatch"
            result.files.append(FileCheck(name, len(data), entry.get("size") if entry else None,
                                          status))
        result.suspicions += scan_file(name, data)
        del data
    return result


def _open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading, refused unless it is a regular file.

    Opened without blocking and checked on the open descriptor, so a FIFO (which would
    wait for a writer forever) or a device such as /dev/zero (which never ends) is refused
    even if it replaced the file after a check by name.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise BundleReadError(f"{path}: cannot be opened ({_reason(exc)})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            raise BundleReadError(f"{path}: is {kind}, not a bundle file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _check_directory(path: Path, handle: IO[bytes]) -> None:
    """Refuse a zip whose central directory alone would take a lot of memory to list."""
    try:
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # stable since 2.x
    except (OSError, ValueError, AttributeError, EOFError):
        end = None
    finally:
        handle.seek(0)
    if not end:
        return  # not a zip: ZipFile says so with its own reason
    entries = end[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
    size = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > MAX_MEMBERS:
        raise BundleReadError(f"{path}: holds {entries:,} files (a bundle has at most "
                              f"{MAX_MEMBERS:,}); not inspected")
    if size > MAX_CENTRAL_DIRECTORY:
        raise BundleReadError(f"{path}: its zip directory is {size / MIB:,.0f} MiB; "
                              "not a bundle")


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse, before reading anything, what no bundle holds."""
    name = _shown(info.filename)
    if info.flag_bits & 0x1:
        raise BundleReadError(f"{path}: {name} is encrypted; bundles never are")
    if info.compress_type not in METHODS:
        raise BundleReadError(f"{path}: {name} uses compression method {info.compress_type}, "
                              "which bundles never use (stored or deflate only)")
    if info.file_size > MAX_MEMBER_BYTES:
        raise BundleReadError(f"{path}: {name} would inflate to {info.file_size / MIB:,.0f} "
                              f"MiB (at most {MAX_MEMBER_BYTES // MIB} MiB); not inspected")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise BundleReadError(f"{path}: {name} would inflate {ratio:,} times (a zip bomb?); "
                              "not inspected")


class _CorruptMemberError(Exception):
    """A member whose bytes fail their CRC or header check: reported as a mismatch."""


class _Budget:
    """Inflated bytes left for the whole archive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_TOTAL_BYTES

    def take(self, count: int, name: str) -> None:
        self.left -= count
        if self.left < 0:
            raise BundleReadError(f"{self.path}: its files inflate to more than "
                                  f"{MAX_TOTAL_BYTES // MIB} MiB in all (at {_shown(name)}); "
                                  "not inspected")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, *,
                 limit: int | None = None) -> bytes:
    """A member's bytes, read in chunks and never more than ``limit`` (``MAX_MEMBER_BYTES``)
    nor the budget, whatever its header claims."""
    limit = MAX_MEMBER_BYTES if limit is None else limit
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise BundleReadError(
                        f"{budget.path}: {_shown(info.filename)} inflates to more than "
                        f"{limit // MIB} MiB; not inspected")
                budget.take(len(chunk), info.filename)
                chunks.append(chunk)
    except BundleReadError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if info.filename == MANIFEST:
            raise BundleReadError(f"{budget.path}: {MANIFEST} cannot be read "
                                  f"({_reason(exc)})") from None
        raise _CorruptMemberError from None
    except (NotImplementedError, RuntimeError) as exc:  # method or encryption we refuse
        raise BundleReadError(f"{budget.path}: {_shown(info.filename)} cannot be read "
                              f"({_reason(exc)})") from None
    data = b"".join(chunks)
    chunks.clear()
    if len(data) > RATIO_FLOOR and len(data) > MAX_RATIO * max(info.compress_size, 1):
        raise BundleReadError(f"{budget.path}: {_shown(info.filename)} inflated "
                              f"{len(data) // max(1, info.compress_size):,} times (a zip bomb?)"
                              "; not inspected")
    return data


def read_manifest(path: Path, raw: bytes) -> dict[str, Any]:
    """The manifest, checked for the shape ``bundle inspect`` prints; BundleReadError
    naming the field otherwise."""
    where = f"{path}: {MANIFEST}"
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleReadError(f"{where} is not UTF-8 text") from None
    except RecursionError:
        raise BundleReadError(f"{where} nests too deeply to be a manifest") from None
    except ValueError as exc:
        raise BundleReadError(f"{where} is not valid JSON ({_reason(exc)})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleReadError(f"{where} is not a Switchboard bundle manifest")
    if _depth(manifest) > MAX_MANIFEST_DEPTH:
        raise BundleReadError(f"{where} nests more than {MAX_MANIFEST_DEPTH} levels deep")
    _check_manifest(where, manifest)
    return manifest


def _check_manifest(where: str, manifest: dict[str, Any]) -> None:
    def bad(key: str, wanted: str) -> BundleReadError:
        return BundleReadError(f"{where}: {key} must be {wanted}")

    for key in ("created_at", "app", "app_version"):
        if key in manifest and not isinstance(manifest[key], str):
            raise bad(key, "a string")
    files = manifest.get("files", [])
    if not isinstance(files, list) or len(files) > MAX_MEMBERS:
        raise bad("files", f"a list of at most {MAX_MEMBERS:,} {{name, size, sha256}}")
    seen: set[str] = set()
    for index, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise bad(f"files[{index}]", "an object with a name")
        if not _count(entry.get("size")):
            raise bad(f"files[{index}].size", "a whole number of bytes")
        if not isinstance(entry.get("sha256"), str):
            raise bad(f"files[{index}].sha256", "a hex digest")
        if entry["name"] in seen:
            raise bad(f"files[{index}].name", "unique")
        seen.add(entry["name"])
    exchanges = manifest.get("exchanges", {})
    if not isinstance(exchanges, dict) or not all(
            _count(exchanges[k]) for k in ("included", "excluded") if k in exchanges):
        raise bad("exchanges", "{included, excluded} counts")
    excluded = manifest.get("excluded_files", [])
    if not isinstance(excluded, list) or not all(isinstance(n, str) for n in excluded):
        raise bad("excluded_files", "a list of file names")
    redaction = manifest.get("redaction", {})
    if not isinstance(redaction, dict):
        raise bad("redaction", "an object")
    by_kind = redaction.get("by_kind", {})
    if not isinstance(by_kind, dict) or not all(_count(n) for n in by_kind.values()):
        raise bad("redaction.by_kind", "counts by kind")
    if "total" in redaction and not _count(redaction["total"]):
        raise bad("redaction.total", "a count")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _depth(value: object) -> int:
    """How deeply ``value`` nests, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_MANIFEST_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _reason(exc: BaseException) -> str:
    text = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or \
        type(exc).__name__
    return text.splitlines()[0][:200]


def _shown(name: str) -> str:
    """A member name as it may be printed: no control characters (a name is the zip
    author's text, and a terminal obeys escape sequences)."""
    return repr(name) if not name.isprintable() or len(name) > 200 else name

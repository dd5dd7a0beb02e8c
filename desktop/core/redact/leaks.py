"""Finding secrets that should not be there: the re-scan behind ``bundle inspect``.

The redactor knows the profile's secrets; a support engineer inspecting a
bundle someone else made does not. This scanner looks for what a secret
*looks like* (JWTs, bearer tokens, ``trk_`` keys, ``whsec_`` secrets,
Basic credentials, credential headers and secret-named fields or query
parameters whose value is not a redaction marker) and reports where, with
the value masked. It also checks a bundle's manifest: every listed file
present, sizes and SHA-256 digests matching.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.bundle_model import BUNDLE_FORMAT, MANIFEST
from desktop.core.redact.names import secret_kind
from desktop.core.redact.rules import MARKER_PREFIX, URL_MARKER_RE

_TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("jwt", re.compile(r"(?<![\w-])eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]*", re.ASCII)),
    ("bearer_token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)")),
    ("trk_api_key", re.compile(r"\btrk_[A-Za-z0-9]{32}\b")),
    ("webhook_secret", re.compile(r"\bwhsec_[A-Za-z0-9+/=_-]{8,}")),
    ("basic_credentials", re.compile(r"(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])")),
    ("authorization_header", re.compile(
        r"(?im)^[ \t>*-]*(?:proxy-)?authorization[ \t]*:[ \t]*(?!.*REDACTED)(\S.*)$")),
)
_QUERY_PARAM = re.compile(r"[?&#]([A-Za-z][\w.-]{0,63})=([^&#\s\"'<>\\]+)")
_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


@dataclass(frozen=True, slots=True)
class Suspicion:
    """Something secret-like in a file; ``excerpt`` never shows the whole value."""

    file: str
    line: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.excerpt}"


@dataclass(frozen=True, slots=True)
class FileCheck:
    name: str
    size: int | None
    """Size in the zip, or None when a listed file is missing."""
    expected_size: int | None
    status: str
    """``ok``, ``mismatch``, ``missing`` (listed, not in the zip) or ``unlisted``."""


@dataclass(slots=True)
class BundleInspection:
    """What ``bundle inspect`` found: the manifest, file checks and suspicions."""

    path: Path
    manifest: dict[str, Any]
    files: list[FileCheck] = field(default_factory=list)
    suspicions: list[Suspicion] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.suspicions and all(f.status == "ok" for f in self.files)


class NotABundleError(Exception):
    """The file is not a zip, or has no Switchboard manifest."""


def mask(value: str) -> str:
    """``eyJhbGciOi...`` → ``eyJh… (243 chars)``: enough to recognise, not to reuse."""
    value = value.strip()
    head = value[:4] if len(value) >= 12 else ""
    return f"{head}… ({len(value)} chars)"


def _is_redacted(value: str) -> bool:
    return MARKER_PREFIX in value or URL_MARKER_RE.search(value) is not None or _is_mask(value)


def _is_mask(value: str) -> bool:
    stripped = value.replace("*", "")
    return "****" in value and len(stripped) <= 8


def scan_text(name: str, text: str) -> list[Suspicion]:
    """Secret-looking strings in free text (any file, JSON included)."""
    found: list[tuple[int, str, str]] = []
    for kind, pattern in _TEXT_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if _is_redacted(value):
                continue
            if kind == "basic_credentials" and not _decodes_to_credential(value):
                continue
            found.append((match.start(), kind, value))
    for match in _QUERY_PARAM.finditer(text):
        kind = secret_kind(match.group(1))
        if kind is not None and not _is_redacted(match.group(2)):
            found.append((match.start(), f"query_param:{match.group(1)}", match.group(2)))
    return _with_lines(name, text, found)


def scan_json(name: str, text: str) -> list[Suspicion]:
    """Secret-named fields (and credential headers) whose value is not redacted."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    found: list[tuple[int, str, str]] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            header = node.get("name")
            value = node.get("value")
            if isinstance(header, str) and isinstance(value, str) and value \
                    and (header.lower() in _SENSITIVE_HEADERS or secret_kind(header)) \
                    and not _is_redacted(value):
                found.append((_position(text, value), f"header:{header}", value))
            for key, child in node.items():
                if isinstance(key, str) and isinstance(child, str) and child \
                        and secret_kind(key) and not _is_redacted(child):
                    found.append((_position(text, child), f"field:{key}", child))
                else:
                    visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)
        elif isinstance(node, str) and node[:1] in ("{", "[") and len(node) < 10_000_000:
            try:  # JSON inside a string: HAR content and postData text, webhook bodies
                embedded = json.loads(node)
            except ValueError:
                return
            visit(embedded)

    visit(document)
    return _with_lines(name, text, found)


def scan_file(name: str, data: bytes) -> list[Suspicion]:
    """Every check that applies to a file of a bundle."""
    text = data.decode("utf-8", errors="replace") if name.endswith((".json", ".md", ".csv",
                                                                     ".txt")) \
        else data.decode("latin-1")
    found = scan_text(name, text)
    if name.endswith(".json"):
        seen = {(s.line, s.excerpt) for s in found}
        found += [s for s in scan_json(name, text) if (s.line, s.excerpt) not in seen]
    return sorted(found, key=lambda s: (s.line, s.kind))


def inspect_bundle(path: str | Path) -> BundleInspection:
    """Check a bundle's manifest and re-scan every file; NotABundleError when it is none."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise NotABundleError(f"{path} is not a zip file ({exc})") from exc
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if MANIFEST not in names:
            raise NotABundleError(f"{path} has no {MANIFEST}: not a Switchboard bundle")
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except (ValueError, zipfile.BadZipFile) as exc:
            raise NotABundleError(f"{path}: {MANIFEST} is not valid JSON ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
            raise NotABundleError(f"{path}: {MANIFEST} is not a Switchboard bundle manifest")
        result = BundleInspection(path=path, manifest=manifest)
        listed = {entry.get("name"): entry for entry in manifest.get("files", [])
                  if isinstance(entry, dict)}
        for name in listed:
            if name not in names:
                expected = listed[name].get("size")
                result.files.append(FileCheck(str(name), None, expected, "missing"))
        for name in names:
            try:
                data = archive.read(name)
            except (zipfile.BadZipFile, OSError):  # a corrupt member: a mismatch, not a crash
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
                expected = entry.get("size") if entry else None
                result.files.append(FileCheck(name, len(data), expected, status))
            result.suspicions += scan_file(name, data)
    return result


def _decodes_to_credential(blob: str) -> bool:
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in raw


def _position(text: str, value: str) -> int:
    """Where a JSON value sits in the file: escaped once, or twice when JSON is in a string."""
    once = json.dumps(value)[1:-1]
    for form in (once, json.dumps(once)[1:-1], value):
        index = text.find(form)
        if index >= 0:
            return index
    return 0


def _with_lines(name: str, text: str, found: list[tuple[int, str, str]]) -> list[Suspicion]:
    """Line numbers by counting newlines between sorted positions (C speed, one pass)."""
    out = []
    line, last = 1, 0
    for position, kind, value in sorted(found):
        line += text.count("\n", last, position)
        last = position
        out.append(Suspicion(name, line, kind, mask(value)))
    return out

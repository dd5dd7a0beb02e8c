"""Finding secrets that should not be there: the re-scan behind ``bundle inspect``.

The redactor knows the profile's secrets; a support engineer inspecting a
bundle someone else made does not. This scanner flags whatever the redactor's
own rules would still remove (``desktop.core.redact.scan``: secret names and
shapes, key formats, credential headers, secret-named fields and query
parameters whose value is not a redaction marker) and reports where, with
the value masked. Reading a bundle (bounded, manifest checked) is
``desktop.core.bundle_read.inspect_bounded``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.redact.scan import scan_json_document, would_redact


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


def mask(value: str) -> str:
    """``eyJhbGciOi...`` → ``eyJh… (243 chars)``: enough to recognise, not to reuse."""
    value = value.strip()
    head = value[:4] if len(value) >= 12 else ""
    return f"{head}… ({len(value)} chars)"


def scan_text(name: str, text: str) -> list[Suspicion]:
    """What the redactor's rules would remove from a file read as text (JSON included)."""
    return _with_lines(name, text, would_redact(text))


def scan_json(name: str, text: str) -> list[Suspicion]:
    """Secret-named fields, credential headers and text inside JSON strings (escaped in the
    file, so the text scan cannot read them) that the redactor would remove."""
    return _with_lines(name, text, scan_json_document(text))


def scan_file(name: str, data: bytes) -> list[Suspicion]:
    """Every check that applies to a file of a bundle: JSON files as the writer walks them,
    other files as text."""
    text = data.decode("utf-8", errors="replace") if name.endswith((".json", ".md", ".csv",
                                                                     ".txt")) \
        else data.decode("latin-1")
    found = scan_json(name, text) if name.endswith(".json") else scan_text(name, text)
    unique = {(s.line, s.kind, s.excerpt): s for s in found}
    return sorted(unique.values(), key=lambda s: (s.line, s.kind))


def _with_lines(name: str, text: str, found: list[tuple[int, str, str]]) -> list[Suspicion]:
    """Line numbers by counting newlines between sorted positions (C speed, one pass)."""
    out = []
    line, last = 1, 0
    for position, kind, value in sorted(found):
        line += text.count("\n", last, position)
        last = position
        out.append(Suspicion(name, line, kind, mask(value)))
    return out

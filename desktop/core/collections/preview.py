"""What an import will bring in and what it will drop, before anything is written.

Every importer returns an ``ImportPreview``; the import dialog shows it and
``switchboard import --dry-run`` prints it. Secret values (an environment's
secret-typed variables) are held only in memory, in ``OfferedSecret.value``,
which no rendering of the preview ever includes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.core.collections.model import SavedRequest
from desktop.core.exchange import Exchange
from desktop.core.redact import Redactor


class ImportKind(StrEnum):
    POSTMAN_COLLECTION = "postman-collection"
    POSTMAN_ENVIRONMENT = "postman-environment"
    INSOMNIA = "insomnia"
    OPENAPI = "openapi"
    HAR = "har"


@dataclass(frozen=True, slots=True)
class ImportedRequest:
    folder: tuple[str, ...]
    """Names of the folders above it, outermost first."""
    request: SavedRequest
    position: int = 0
    """Order in the file among everything imported (folders too): siblings keep it."""


@dataclass(frozen=True, slots=True)
class Dropped:
    """Something in the file that will not come in, and why."""

    where: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what} ({self.why})" if self.where else \
            f"{self.what} ({self.why})"


@dataclass(frozen=True, slots=True)
class OfferedSecret:
    """A secret the file holds: offered for the keychain, never written to a file."""

    name: str
    kind: str | None
    """The profile secret it most likely is (``api_key``, ``client_secret``...), or None."""
    value: str = field(repr=False, compare=False, default="")


@dataclass(slots=True)
class ImportPreview:
    source: str
    kind: ImportKind
    format: str
    """``Postman Collection v2.1``, ``OpenAPI 3.0.3``, ``HAR 1.2 (WebInspector 537.36)``..."""
    name: str
    description: str = ""
    requests: list[ImportedRequest] = field(default_factory=list)
    folders: list[tuple[str, ...]] = field(default_factory=list)
    """Every folder, empty ones included, outermost first."""
    folder_positions: dict[tuple[str, ...], int] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    """Non-secret variables: collection variables, or profile settings for an environment."""
    secrets: list[OfferedSecret] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    """HAR entries as Exchanges (explained), for the History."""
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_folder(self, trail: tuple[str, ...], *, reuse: bool = False) -> tuple[str, ...]:
        """Register a folder; returns its trail. Two sibling folders with one name stay two
        (the second becomes ``name (2)``) unless ``reuse`` (OpenAPI tags share a folder)."""
        if trail in self.folder_positions:
            if reuse:
                return trail
            n = 2
            while (*trail[:-1], f"{trail[-1]} ({n})") in self.folder_positions:
                n += 1
            trail = (*trail[:-1], f"{trail[-1]} ({n})")
        self.folder_positions[trail] = len(self.folder_positions) + len(self.requests)
        self.folders.append(trail)
        return trail

    def add_request(self, trail: tuple[str, ...], request: SavedRequest) -> None:
        position = len(self.folder_positions) + len(self.requests)
        self.requests.append(ImportedRequest(trail, request, position))

    def drop(self, where: str, what: str, why: str) -> None:
        if len(self.dropped) < 10_000:
            self.dropped.append(Dropped(where, what, why))

    @property
    def writes_collection(self) -> bool:
        return self.kind not in (ImportKind.POSTMAN_ENVIRONMENT,)

    def lines(self, redactor: Redactor) -> list[str]:
        """The preview in words, one item a line, through the redactor."""
        out = [f"{self.format}: {self.name} ({Path(self.source).name})"]
        if self.description:
            out.append(f"  {self.description.splitlines()[0][:160]}")
        if self.requests:
            out.append(f"will import {len(self.requests)} request(s)"
                       + (f" in {len(self.folders)} folder(s)" if self.folders else "") + ":")
            for item in self.requests:
                trail = " / ".join(item.folder)
                prefix = f"{trail} / " if trail else ""
                out.append(f"  + {prefix}{item.request.name}  [{item.request.method} "
                           f"{item.request.url}]")
        if self.variables:
            label = "profile settings" if self.kind is ImportKind.POSTMAN_ENVIRONMENT else \
                "variables"
            out.append(f"{label}: " + ", ".join(f"{k}={v}" for k, v in self.variables.items()))
        for secret in self.secrets:
            kind = f" (as the profile's {secret.kind})" if secret.kind else ""
            out.append(f"offered for the keychain, not written to any file: {secret.name}{kind}")
        if self.exchanges:
            out.append(f"{len(self.exchanges)} exchange(s) for the History:")
            for exchange in self.exchanges:
                finding = exchange.top_finding
                said = f" — {finding.severity.value}: {finding.title}" if finding else ""
                out.append(f"  {exchange.summary}{said}")
        if self.dropped:
            out.append(f"will drop {len(self.dropped)} item(s):")
            out.extend(f"  - {item}" for item in self.dropped)
        out.extend(f"note: {note}" for note in self.notes)
        return [redactor.redact_text(line) for line in out]

    def to_json(self, redactor: Redactor) -> dict[str, Any]:
        """The preview as one JSON object, through the redactor (no secret values)."""
        data: dict[str, Any] = {
            "source": self.source,
            "kind": self.kind.value,
            "format": self.format,
            "name": self.name,
            "description": self.description,
            "folders": [list(f) for f in self.folders],
            "requests": [{"folder": list(i.folder), "name": i.request.name,
                          "method": i.request.method, "url": i.request.url,
                          "auth": i.request.auth.value, "body": i.request.body.type.value}
                         for i in self.requests],
            "variables": dict(self.variables),
            "secrets_offered": [{"name": s.name, "kind": s.kind} for s in self.secrets],
            "exchanges": [_exchange_json(e) for e in self.exchanges],
            "dropped": [{"where": d.where, "what": d.what, "why": d.why} for d in self.dropped],
            "notes": list(self.notes),
        }
        return redactor.redact_json(data)


def _exchange_json(exchange: Exchange) -> dict[str, Any]:
    finding = exchange.top_finding
    return {
        "method": exchange.request.method,
        "url": exchange.request.url,
        "status": exchange.status,
        "error": exchange.error.kind.value if exchange.error else None,
        "request_id": exchange.request_id,
        "finding": finding.to_dict() if finding else None,
    }

"""What the redactor removed, counted by kind and never by value.

A report goes into the bundle's manifest and the UI's preview, so a support
engineer can see *that* three access tokens and one client secret were
removed without anything revealing what they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


class RedactionReport:
    """Counts of redactions by kind; reports from many calls merge by addition."""

    __slots__ = ("_counts",)

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self._counts: Counter[str] = Counter(counts or {})

    def add(self, kind: str, count: int = 1) -> None:
        if count > 0:
            self._counts[kind] += count

    def merge(self, other: RedactionReport) -> None:
        """Add ``other``'s counts to this report (in place)."""
        self._counts.update(other._counts)

    def __add__(self, other: RedactionReport) -> RedactionReport:
        merged = self.copy()
        merged.merge(other)
        return merged

    def __sub__(self, other: RedactionReport) -> RedactionReport:
        """What was counted since ``other`` was copied from this report."""
        return RedactionReport(self._counts - other._counts)

    def copy(self) -> RedactionReport:
        return RedactionReport(self._counts)

    def count(self, kind: str) -> int:
        return self._counts.get(kind, 0)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def by_kind(self) -> dict[str, int]:
        """Counts sorted by kind name, for stable manifests and tests."""
        return {kind: self._counts[kind] for kind in sorted(self._counts)}

    def to_dict(self) -> dict[str, object]:
        return {"total": self.total, "by_kind": self.by_kind()}

    def __bool__(self) -> bool:
        return self.total > 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RedactionReport):
            return NotImplemented
        return self.by_kind() == other.by_kind()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        inner = ", ".join(f"{kind}={count}" for kind, count in self.by_kind().items())
        return f"RedactionReport({inner})"

"""A checklist run: ordered steps, each pending → running → pass / warn / fail / skipped.

Manual steps (what only the provider's console can answer) have their own
status: they never fail the run, and the user ticks them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop.core.exchange import Exchange
from desktop.core.finding import Finding
from desktop.core.provider.model import ChecklistStep


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"
    MANUAL = "manual"

    @property
    def symbol(self) -> str:
        return {"pending": "·", "running": "…", "pass": "✓", "warn": "⚠", "fail": "✗",
                "skipped": "–", "manual": "☐"}[self.value]

    @property
    def done(self) -> bool:
        return self not in (StepStatus.PENDING, StepStatus.RUNNING)


@dataclass(slots=True, eq=False)
class StepResult:
    step: ChecklistStep
    status: StepStatus = StepStatus.PENDING
    summary: str = ""
    """One line saying what happened (``token acquired, expires in 60 min``)."""
    finding: Finding | None = None
    """The main explanation of a failure or warning."""
    findings: list[Finding] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    started_at: float | None = None
    duration_ms: float | None = None
    skip_reason: str = ""
    extracted: dict[str, Any] = field(default_factory=dict)
    ticked: bool = False
    """A manual step the user confirmed."""

    @property
    def last_exchange(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    @property
    def http_status(self) -> int | None:
        exchange = self.last_exchange
        return exchange.status if exchange is not None else None

    @property
    def request_id(self) -> str | None:
        for exchange in reversed(self.exchanges):
            if exchange.request_id:
                return exchange.request_id
        return None


@dataclass(slots=True, eq=False)
class ChecklistRun:
    provider_id: str
    provider_name: str
    profile_name: str
    environment: str
    region: str | None
    base_url: str
    production: bool
    results: list[StepResult]
    values: dict[str, Any] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    attempt: int = 1
    """How many times this run (or its failing step) has been tried, for "does it reproduce"."""

    @property
    def ok(self) -> bool:
        return not any(r.status is StepStatus.FAIL for r in self.results)

    @property
    def failed(self) -> StepResult | None:
        return next((r for r in self.results if r.status is StepStatus.FAIL), None)

    def result(self, step_id: str) -> StepResult | None:
        return next((r for r in self.results if r.step.id == step_id), None)

    @property
    def exchanges(self) -> list[Exchange]:
        return [e for r in self.results for e in r.exchanges]


# -- events the engine emits; the UI and the CLI consume the same stream --------------------


@dataclass(frozen=True, slots=True)
class RunStarted:
    run: ChecklistRun


@dataclass(frozen=True, slots=True)
class StepStarted:
    index: int
    result: StepResult


@dataclass(frozen=True, slots=True)
class StepWaiting:
    """The step is waiting (Retry-After countdown, webhook wait): seconds left, in words why."""

    index: int
    result: StepResult
    seconds_left: float
    reason: str


@dataclass(frozen=True, slots=True)
class StepFinished:
    index: int
    result: StepResult


@dataclass(frozen=True, slots=True)
class RunFinished:
    run: ChecklistRun


ChecklistEvent = RunStarted | StepStarted | StepWaiting | StepFinished | RunFinished

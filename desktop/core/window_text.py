"""Words the window shows that decide something, kept here so they are tested without Qt.

Each function answers one question the window asks before it writes a line:
does the Auth line still tell the truth after the server refused the token,
where are the secrets really kept, which sandbox faults are on, what does a
filter that matches nothing say, and what did a checklist run come to. The
widgets only put the answer on screen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from desktop.core.checklist.model import StepStatus
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding
from desktop.core.provider.model import Provider

if TYPE_CHECKING:
    from desktop.core.redact import Redactor
    from desktop.core.sessions import ProfileSession

# -- the Composer's Auth line --------------------------------------------------------------------


def auth_line(description: str, *, attached: bool = True, findings: Iterable[Finding] = (),
              answer: Exchange | None = None, provider: Provider | None = None) -> str:
    """What the Auth line says, given how the client describes its credentials.

    ``findings`` are the request's lint findings; ``answer`` is the Exchange shown
    for the request. The description (``Bearer (token fresh, expires in 60 min)``)
    stands only while nothing contradicts it: not when the credentials are left
    off, not when lint says they will not go to this host, and not after the
    server refused them with a 401 (a token can be minutes old and already
    refused: then "fresh" is the wrong word to put next to it).
    """
    if not attached:
        return "Not attached: this request goes without the profile's credentials"
    for finding in findings:
        if finding.code == "lint.url_other_origin":
            host = finding.evidence or "that host"
            return (f"Not sent to {host}: the profile's credentials go only to its own host")
    if answer is not None and answer.status == 401 and _carried_credentials(answer, provider):
        head = description.split(" (", 1)[0] or "Credentials"
        at = time.strftime("%H:%M:%S", time.localtime(answer.started_at))
        return f"{head}: refused with 401 at {at} (see Findings)"
    return description


def _carried_credentials(exchange: Exchange, provider: Provider | None) -> bool:
    from desktop.core.compose import credential_headers

    return bool(credential_headers(exchange.request.headers, provider))


# -- About: where the secrets are ----------------------------------------------------------------


def secrets_location(available: bool, backend: str = "") -> str:
    """One sentence for the About box: the keychain, or memory only, as it really is."""
    if available:
        where = f" ({backend})" if backend and backend != "memory" else ""
        return f"Secrets are kept in the OS keychain{where}, never in these folders."
    return ("No OS keychain is available: secrets are kept in memory for this session only "
            "and are gone when you quit. They are never written to these folders.")


# -- the sandbox's fault switches ----------------------------------------------------------------


def fault_words(name: str) -> str:
    """``number_not_owned`` → ``number not owned``."""
    return name.replace("_", " ")


def faults_label(names: Sequence[str], *, most: int = 2) -> str:
    """The "Break the sandbox" button's text: the faults that are on, by name."""
    words = [fault_words(name) for name in names]
    if not words:
        return "Break the sandbox"
    if len(words) == 1:
        return f"Sandbox fault: {words[0]}"
    if len(words) <= most:
        return f"Sandbox faults: {', '.join(words)}"
    return f"Sandbox faults: {', '.join(words[:most - 1])} + {len(words) - most + 1} more"


# -- History -------------------------------------------------------------------------------------


def no_match_text(query: str) -> str:
    """What the History says instead of an empty table when the filter matches nothing."""
    return f"No exchange matches “{query.strip()}”."


NO_MATCH_HINT = ("Clear the filter (Esc), or try words from a path or finding, 4xx, status:401, "
                 "method:POST, profile:NAME or error.")


# -- a checklist run, counted ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunTally:
    """How a run's steps ended: what the progress bar shows, in numbers and in words."""

    total: int
    passed: int = 0
    warned: int = 0
    failed: int = 0
    skipped: int = 0
    manual: int = 0
    running: int = 0
    failed_at: int | None = None
    """The first failed step's number (1-based), when one failed."""

    @property
    def done(self) -> int:
        return self.passed + self.warned + self.failed + self.skipped + self.manual

    @property
    def state(self) -> str:
        """``idle``, ``running``, ``failed``, ``warned`` or ``passed``."""
        if self.running or (0 < self.done < self.total and not self.failed):
            return "running"
        if self.failed:
            return "failed"
        if self.done == 0:
            return "idle"
        return "warned" if self.warned else "passed"

    @property
    def text(self) -> str:
        state = self.state
        if state == "idle":
            return f"{self.total} steps, not run yet"
        if state == "running":
            return f"{self.done} of {self.total} steps run"
        parts = [f"{self.passed} passed"]
        for count, word in ((self.warned, "with warnings"), (self.failed, "failed"),
                            (self.skipped, "skipped"), (self.manual, "to check by hand")):
            if count:
                parts.append(f"{count} {word}")
        if state == "failed":
            return f"Stopped at step {self.failed_at} of {self.total}: {', '.join(parts)}"
        if self.passed == self.total:
            return f"All {self.total} steps passed"
        return ", ".join(parts)


def tally(statuses: Iterable[StepStatus]) -> RunTally:
    counts = dict.fromkeys(StepStatus, 0)
    total = 0
    failed_at = None
    for status in statuses:
        counts[status] += 1
        total += 1
        if status is StepStatus.FAIL and failed_at is None:
            failed_at = total
    return RunTally(total=total, passed=counts[StepStatus.PASS], warned=counts[StepStatus.WARN],
                    failed=counts[StepStatus.FAIL], skipped=counts[StepStatus.SKIPPED],
                    manual=counts[StepStatus.MANUAL], running=counts[StepStatus.RUNNING],
                    failed_at=failed_at)


# -- URLs shown outside the field they are typed in ------------------------------------------

_MARKER = re.compile(r"%5BREDACTED:([a-z0-9_]+)%5D")


@lru_cache(maxsize=4096)
def display_url(url: str) -> str:
    """A URL as a table, tooltip or label shows it: passwords, secret query values and key
    shapes replaced (so a screenshot of the History or the Composer holds none), markers
    readable rather than percent-encoded. Phone numbers stay: it is the user's own view.
    Cached: a view asks again at every repaint."""
    return _MARKER.sub(r"[REDACTED:\1]", _display_redactor().redact_url(url))


def display_redactor(session: ProfileSession | None) -> Redactor:
    """What the window passes a session's traffic through before showing it (the Composer's
    answers, the Checklist's detail): everything the session knows (its secrets, every
    token it was issued) besides names and shapes. Without a session, names and shapes
    alone. Phone numbers stay: it is the user's own view."""
    return session.redactor(mask_phones=False) if session is not None else _display_redactor()


@lru_cache(maxsize=1)
def _display_redactor() -> Redactor:
    from desktop.core.redact import Redactor

    return Redactor(mask_phones=False)

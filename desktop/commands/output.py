"""What the collection commands print: findings as lines, and a closed pipe taken calmly.

Evidence quotes the wire (a whole HTML page, sometimes): here it is one
line, shortened, so a terminal or a CI log stays readable. ``| head`` closes
the pipe early; that ends the command quietly instead of with a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

MAX_EVIDENCE = 200


def finding_lines(finding: Any, indent: str = "    ", *, said: str = "") -> list[str]:
    from desktop.core.checklist.report import finding_lines as report_lines

    evidence = " ".join(finding.evidence.split())
    if len(evidence) > MAX_EVIDENCE:
        evidence = evidence[:MAX_EVIDENCE] + "…"
    return report_lines(replace(finding, evidence=evidence), indent, said=said)


def pipe_safe(command: Callable[..., int]) -> Callable[..., int]:
    """Run a command; a reader that went away (``| head``) ends it with exit 141, silently."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> int:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # Python would complain again when flushing stdout at exit: point it at devnull.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 141

    return run

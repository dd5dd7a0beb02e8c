"""Regular expressions that come from files: compiled with RE2, so they run in linear time.

Provider files (built-in or dropped into the config dir) carry regexes for
error messages, lint rules and secret shapes, and those regexes run over
whatever a server sends back. Python's backtracking engine can take
minutes on a pattern such as ``(client|account)\\b.*\\binactive`` over a
large body; RE2 guarantees time linear in the text. RE2 has no
backreferences or lookaround, so a pattern using them is rejected with the
reason rather than run slowly.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_PATTERN_LENGTH = 4096
"""A provider's pattern is a line of text; anything longer is a mistake or an attack."""
MAX_PROGRAM_MEMORY = 8 * 1024 * 1024
"""RE2's budget for one compiled pattern (its default is the same order)."""

UserRegex = Any
"""A compiled RE2 pattern: ``search``, ``match``, ``fullmatch``, ``finditer``, ``sub``."""


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern on stderr
    options.max_mem = MAX_PROGRAM_MEMORY
    return options


@lru_cache(maxsize=512)
def compile_user_regex(pattern: str) -> UserRegex:
    """The pattern compiled with RE2; ValueError with a one-line reason when it cannot be."""
    if not isinstance(pattern, str):
        raise ValueError("a regular expression must be a string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"the regular expression is {len(pattern):,} characters long "
                         f"(at most {MAX_PATTERN_LENGTH:,})")
    import re2  # here, not at import: the window's start-up compiles none (2.5 MiB)

    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        unsupported = "invalid escape" in str(reason) or "perl operator" in str(reason)
        note = " (RE2 runs in linear time: backreferences and lookaround are not supported)"
        raise ValueError(f"invalid regular expression: {reason}"
                         + (note if unsupported else "")) from None
    except (TypeError, OverflowError, MemoryError) as exc:
        raise ValueError(f"the regular expression cannot be compiled: {exc}") from None

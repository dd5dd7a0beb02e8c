"""A logging filter that passes every record of the app's log through the redactor.

Log lines are where secrets leak by accident (``log.debug("token %s", t)``,
an exception whose message quotes a request). The filter redacts the final
message (``msg % args``), the formatted exception and the stack, so handlers
only ever see redacted text.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from desktop.core.redact.redactor import Redactor

_fallback: Redactor | None = None


def _default() -> Redactor:
    """With no profile loaded, shape-based rules (JWTs, bearer tokens, phones) still apply."""
    global _fallback
    if _fallback is None:
        _fallback = Redactor()
    return _fallback


class RedactingLogFilter(logging.Filter):
    def __init__(self, redactor_getter: Callable[[], Redactor | None]) -> None:
        super().__init__()
        self._get = redactor_getter

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            redactor = self._get() or _default()
        except Exception:  # a broken getter must not drop log lines: fall back, still redact
            redactor = _default()
        try:
            message = record.getMessage()
        except Exception:  # bad %-args: log what we have, redacted, instead of raising
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redactor.redact_text(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_text = redactor.redact_text(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redactor.redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redactor.redact_text(record.stack_info)
        return True


def redacting_log_filter(redactor_getter: Callable[[], Redactor | None]) -> logging.Filter:
    """A filter for the log handlers; ``redactor_getter`` returns the current profile's redactor."""
    return RedactingLogFilter(redactor_getter)

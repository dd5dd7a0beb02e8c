"""``Retry-After`` and HTTP-dates (RFC 9110 sections 10.2.3 and 5.6.7).

Dates go through ``email.utils.parsedate_to_datetime``, which reads all
three forms RFC 9110 requires recipients to accept: IMF-fixdate
(``Sun, 06 Nov 1994 08:49:37 GMT``), the obsolete RFC 850 form
(``Sunday, 06-Nov-94 08:49:37 GMT``) and asctime (``Sun Nov  6 08:49:37
1994``, no zone: UTC by definition). The only hand-rolled part is the
delay-seconds check, because ``int()`` and ``str.isdigit()`` accept
``+1``, ``-1``, ``1_0`` and ``²`` which ``1*DIGIT`` does not.
"""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import parsedate_to_datetime

# 1*DIGIT, ASCII only, with optional whitespace around; 15 digits is the
# largest value kept (the Structured Fields integer range): beyond that the
# number is not a delay anyone means, and floats would start to round.
_DELAY_SECONDS = re.compile(r"[ \t]*([0-9]{1,15})[ \t]*", re.ASCII)

MAX_DIGITS = 15


def parse_delay_seconds(value: str) -> int | None:
    """``1*DIGIT`` (surrounding whitespace allowed) as an int, else None."""
    match = _DELAY_SECONDS.fullmatch(value)
    return int(match.group(1)) if match else None


def parse_http_date(value: str) -> float | None:
    """An HTTP-date in any of its three forms as epoch seconds, else None."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    if parsed.tzinfo is None:  # asctime carries no zone; RFC 9110 says it is UTC
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.timestamp()
    except (OverflowError, ValueError, OSError):
        return None


def parse_retry_after(value: str, reference: float) -> float | None:
    """Seconds to wait from ``reference`` (delay-seconds, or an HTTP-date minus ``reference``).

    A date in the past means no wait (0). ``reference`` should be the
    response's own ``Date`` when it has one, so a skewed local clock does not
    change the delay the server meant.
    """
    delay = parse_delay_seconds(value)
    if delay is not None:
        return float(delay)
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0.0, when - reference)

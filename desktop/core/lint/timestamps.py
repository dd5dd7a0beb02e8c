"""Timestamps in the provider's format: check one, and suggest the intended one.

The API documents a strftime format (eCourtDate: ``%Y-%m-%d %H:%M:%S`` UTC);
people paste ISO 8601, epoch seconds or US dates. We read those with the
standard library (``datetime.fromisoformat`` and a few ``strptime`` forms)
and offer the same instant in the expected format.
"""

from __future__ import annotations

from datetime import UTC, datetime

EXAMPLE_INSTANT = datetime(2026, 11, 23, 14, 5, 9, tzinfo=UTC)

_COMMON_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d",
)


def matches(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def example(fmt: str) -> str:
    """What a timestamp in ``fmt`` looks like, e.g. ``2026-11-23 14:05:09``."""
    try:
        return EXAMPLE_INSTANT.strftime(fmt)
    except ValueError:
        return fmt


def read_any(value: object) -> datetime | None:
    """An instant from ISO 8601, epoch seconds/milliseconds or a common written form."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds: seconds would be past the year 5000
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _COMMON_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def suggest(value: object, fmt: str) -> str | None:
    """``value`` rewritten in ``fmt`` (in UTC when it carried a zone), or None."""
    instant = read_any(value)
    if instant is None:
        return None
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    try:
        text = instant.strftime(fmt)
    except ValueError:
        return None
    return text if text != value and matches(text, fmt) else None

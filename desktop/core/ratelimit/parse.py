"""Read any of the common rate-limit header families (and a 429 body) into a sample.

Families, in the order they are preferred when a response sends several:

- ``ietf``: ``RateLimit`` / ``RateLimit-Policy`` (Structured Fields); ``t`` is delta seconds.
- ``ietf-legacy``: ``RateLimit-Limit`` / ``-Remaining`` / ``-Reset``; Reset is delta seconds.
- ``x-ratelimit``: ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset``; Reset per provider.
- ``x-rate-limit``: ``X-Rate-Limit-Limit`` / ``-Remaining`` / ``-Reset``; Reset per provider.
- ``body``: JMESPath fields of a (429) body, e.g. ``retryAfterSeconds``.

Only one family supplies limit/remaining/reset (values are never mixed
across families); ``Retry-After`` and the body fields stand beside it.
Nothing here raises on bad input: a malformed field is ignored and listed in
``RateLimitSample.unparseable`` with its raw value.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Literal

import jmespath
from jmespath.parser import ParsedResult

from desktop.core.ratelimit.httpdate import (
    MAX_DIGITS,
    parse_http_date,
    parse_retry_after,
)
from desktop.core.ratelimit.ietf import parse_ietf
from desktop.core.ratelimit.sample import Capacity, Family, RateLimitSample, ResetUnit

ResetHint = Literal["auto", "delta", "epoch", "epoch_ms"]

DEFAULT_BODY_FIELDS: Mapping[str, str] = {
    "retry_after": "retryAfterSeconds",
    "current_pending": "currentPending",
    "requested_count": "requestedCount",
    "max_allowed": "maxAllowed",
    "available_capacity": "availableCapacity",
}
"""Our names → JMESPath in the body; defaults are the Viber campaigns 429 body (seed 002)."""

_HINT_UNITS: dict[str, ResetUnit] = {
    "delta": "delta-seconds",
    "epoch": "epoch-seconds",
    "epoch_ms": "epoch-milliseconds",
}
_LEGACY: tuple[tuple[Family, str], ...] = (
    ("ietf-legacy", "RateLimit-"),
    ("x-ratelimit", "X-RateLimit-"),
    ("x-rate-limit", "X-Rate-Limit-"),
)
_MAX_BODY_BYTES = 1 << 20
_EARLIEST_EPOCH = 1e9  # 2001-09-09: a floor for a reference clock that is obviously wrong


def classify_reset(value: float, reference: float) -> ResetUnit:
    """Decide what an ``X-RateLimit-Reset`` number means, by its magnitude.

    ``reference`` is the response's ``Date`` (else the local clock), floored
    at 2001-09-09 so a broken clock cannot turn every delay into an epoch.
    A value of at least half the reference cannot be a delay (it would be
    decades), so it is an epoch: in seconds if below ``reference/2 × 1000``,
    else in milliseconds. Everything smaller is delta seconds. The decision
    is monotone: a larger value never maps to a smaller unit.
    """
    half = max(reference, _EARLIEST_EPOCH) / 2
    if value >= half * 1000:
        return "epoch-milliseconds"
    if value >= half:
        return "epoch-seconds"
    return "delta-seconds"


def reset_after_seconds(value: float, unit: ResetUnit, reference: float) -> float:
    """Seconds from ``reference`` until the reset; an epoch already past means 0."""
    if unit == "delta-seconds":
        return float(value)
    epoch = value / 1000 if unit == "epoch-milliseconds" else value
    return float(max(0.0, epoch - reference))


def _number(raw: str, *, decimals: bool) -> float | int | None:
    """A non-negative count (or, for Reset, a decimal) of at most 15 integer digits."""
    text = raw.strip(" \t")
    whole, dot, fraction = text.partition(".")
    if not (whole.isascii() and whole.isdigit() and len(whole) <= MAX_DIGITS):
        return None
    if not dot:
        return int(whole)
    if decimals and fraction.isascii() and fraction.isdigit():
        return float(text)
    return None


class _Headers:
    """Case-insensitive lookup over the raw (name, value) pairs, keeping every line."""

    def __init__(self, headers: Sequence[tuple[str, str]]) -> None:
        self._lines: dict[str, list[str]] = {}
        for pair in headers:
            try:
                name, value = pair
            except (TypeError, ValueError):
                continue
            if isinstance(name, bytes | bytearray):  # raw wire pairs (httpx ``headers.raw``)
                name = bytes(name).decode("latin-1")
            if isinstance(value, bytes | bytearray):
                value = bytes(value).decode("latin-1")
            if isinstance(name, str) and isinstance(value, str):
                self._lines.setdefault(name.strip().lower(), []).append(value)

    def all(self, name: str) -> list[str]:
        return self._lines.get(name.lower(), [])

    def first(self, name: str) -> str | None:
        lines = self._lines.get(name.lower())
        return lines[0] if lines else None


def parse_ratelimit(
    headers: Sequence[tuple[str, str]],
    *,
    status: int | None = None,
    body: object | None = None,
    now: float | None = None,
    reset_hint: ResetHint | str = "auto",
    body_fields: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
) -> RateLimitSample:
    """One response's rate-limit sample; bad input is reported, never raised.

    ``reset_hint`` is how the provider documents ``X-RateLimit-Reset``
    (``delta``, ``epoch``, ``epoch_ms``) or ``auto`` (see ``classify_reset``).
    ``body`` may be the parsed JSON (preferred) or its bytes/str.
    ``body_fields`` maps retry_after, current_pending, requested_count,
    max_allowed, available_capacity to JMESPath expressions (a mapping or
    the provider file's pairs); when given, it replaces the seed-002 defaults.
    """
    if reset_hint != "auto" and reset_hint not in _HINT_UNITS:
        raise ValueError(f"reset_hint must be auto, delta, epoch or epoch_ms, not {reset_hint!r}")
    at = time.time() if now is None else float(now)
    lines = _Headers(headers)
    bad: list[tuple[str, str]] = []
    date_value = lines.first("Date")
    server_now = parse_http_date(date_value) if date_value is not None else None
    reference = at if server_now is None else server_now

    fields: dict[str, object] = {"status": status}
    ietf = parse_ietf(lines.all("RateLimit"), lines.all("RateLimit-Policy"))
    bad.extend(ietf.unparseable)
    chosen = ietf.selected()
    if chosen is not None:
        fields.update(family="ietf", policy=chosen.name, limit=chosen.limit,
                      remaining=chosen.remaining,
                      window=None if chosen.window is None else float(chosen.window))
        if chosen.reset_after is not None:
            fields.update(reset_after=float(chosen.reset_after), reset_unit="delta-seconds")
    for family, prefix in _LEGACY:
        found = _legacy_family(lines, prefix, reset_hint if family != "ietf-legacy" else "delta",
                               reference, bad)
        if found and "family" not in fields:
            fields.update(found, family=family)

    retry_raw = lines.first("Retry-After")
    if retry_raw is not None:
        retry = parse_retry_after(retry_raw, reference)
        if retry is None:
            bad.append(("Retry-After", retry_raw))
        else:
            fields.update(retry_after=retry, retry_after_source="header")

    if body is not None:
        expressions = dict(body_fields) if body_fields else DEFAULT_BODY_FIELDS
        found_body = _body_values(body, expressions or DEFAULT_BODY_FIELDS, bad)
        retry_body = found_body.pop("retry_after", None)
        if retry_body is not None and "retry_after" not in fields:
            fields.update(retry_after=float(retry_body), retry_after_source="body")
        if found_body:
            fields["capacity"] = Capacity(**found_body)  # type: ignore[arg-type]
        if (retry_body is not None or found_body) and "family" not in fields:
            fields["family"] = "body"

    reset_after = fields.get("reset_after")
    if isinstance(reset_after, float):
        fields["reset_at"] = at + reset_after
    return RateLimitSample(at=at, policies=ietf.policies, unparseable=tuple(bad),
                           **fields)  # type: ignore[arg-type]


def _legacy_family(lines: _Headers, prefix: str, hint: str, reference: float,
                   bad: list[tuple[str, str]]) -> dict[str, object]:
    """Limit/Remaining/Reset of one separate-fields family; malformed ones go to ``bad``."""
    found: dict[str, object] = {}
    for key in ("Limit", "Remaining", "Reset"):
        name = prefix + key
        raw = lines.first(name)
        if raw is None:
            continue
        value = _number(raw, decimals=key == "Reset")
        if value is None:
            bad.append((name, raw))
        elif key == "Reset":
            unit = _HINT_UNITS.get(hint) or classify_reset(value, reference)
            found.update(reset_after=reset_after_seconds(value, unit, reference), reset_unit=unit)
        else:
            found[key.lower()] = int(value)
    return found


@lru_cache(maxsize=64)
def _compiled(expression: str) -> ParsedResult | None:
    try:
        return jmespath.compile(expression)
    except Exception:  # jmespath raises several unrelated types for bad syntax
        return None


def _json_body(body: object) -> object:
    if isinstance(body, bytes | bytearray | memoryview):
        if len(body) > _MAX_BODY_BYTES:
            return None
        try:
            return json.loads(bytes(body))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
    if isinstance(body, str):
        if len(body) > _MAX_BODY_BYTES:
            return None
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            return None
    return body


def _count(value: object) -> float | None:
    """A finite non-negative number below 10^15 (a numeric string counts), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        number = _number(value, decimals=True)
        return None if number is None else float(number)
    if isinstance(value, int):
        return float(value) if 0 <= value < 10**MAX_DIGITS else None
    if isinstance(value, float) and math.isfinite(value) and 0 <= value < 1e15:
        return value
    return None


def _body_values(body: object, expressions: Mapping[str, str],
                 bad: list[tuple[str, str]]) -> dict[str, int | float]:
    """The body fields that are present and numeric; malformed ones go to ``bad``."""
    data = _json_body(body)
    if data is None:
        return {}
    found: dict[str, int | float] = {}
    for ours in DEFAULT_BODY_FIELDS:
        expression = expressions.get(ours)
        if not expression:
            continue
        compiled = _compiled(expression)
        if compiled is None:
            bad.append((f"body_fields.{ours}", expression))
            continue
        try:
            value = compiled.search(data)
        except Exception:  # arbitrary JSON meets an arbitrary expression
            value = None
        if value is None:
            continue
        number = _count(value)
        if number is None:
            bad.append((f"body:{expression}", _short_json(value)))
        elif ours == "retry_after":
            found[ours] = number
        elif number.is_integer():
            found[ours] = int(number)
        else:
            bad.append((f"body:{expression}", _short_json(value)))
    return found


def _short_json(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 200 else text[:199] + "…"

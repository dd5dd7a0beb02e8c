"""The IETF ``RateLimit`` and ``RateLimit-Policy`` fields (draft-ietf-httpapi-ratelimit-headers-10).

Both are Structured Field Lists of Items whose value is a String naming a
policy. ``RateLimit`` carries ``r`` (remaining, required) and ``t`` (delta
seconds until more quota, never an epoch); ``RateLimit-Policy`` carries
``q`` (quota, required), ``w`` (window, non-zero), ``qu`` and ``pk``.
The draft says malformed fields MUST be ignored, so one bad item makes
the whole field count as unparseable (reported with its raw value).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import http_sfv

from desktop.core.ratelimit.sample import Policy
from desktop.core.ratelimit.sfv import parse_field


@dataclass(frozen=True, slots=True)
class IetfFields:
    policies: tuple[Policy, ...] = ()
    unparseable: tuple[tuple[str, str], ...] = ()

    def selected(self) -> Policy | None:
        """The policy closest to exhaustion: least remaining, then smallest quota, then first."""
        if not self.policies:
            return None
        big = float("inf")
        ranked = sorted(
            enumerate(self.policies),
            key=lambda p: (
                big if p[1].remaining is None else p[1].remaining,
                big if p[1].limit is None else p[1].limit,
                p[0],
            ),
        )
        return ranked[0][1]


def _is_string(value: object) -> bool:
    return isinstance(value, str) and not isinstance(
        value, http_sfv.Token | http_sfv.DisplayString
    )


def _integer(params: dict[str, object], key: str, *, required: bool, non_zero: bool = False
             ) -> tuple[bool, int | None]:
    """(valid, value) for a non-negative Integer parameter; bool is not an Integer here."""
    if key not in params:
        return (not required, None)
    value = params[key]
    if type(value) is not int or value < 0 or (non_zero and value == 0):
        return (False, None)
    return (True, value)


def _partition_key(params: dict[str, object]) -> tuple[bool, bytes | None]:
    if "pk" not in params:
        return (True, None)
    value = params["pk"]
    return (True, value) if isinstance(value, bytes) else (False, None)


def _items(lines: Sequence[str]) -> list[http_sfv.Item] | None:
    parsed = parse_field(lines, "list")
    if not parsed.ok or not isinstance(parsed.value, http_sfv.List) or len(parsed.value) == 0:
        return None
    items = list(parsed.value)
    if not all(isinstance(i, http_sfv.Item) and _is_string(i.value) for i in items):
        return None
    return items


def _service_limits(lines: Sequence[str]) -> list[Policy] | None:
    items = _items(lines)
    if items is None:
        return None
    out = []
    for item in items:
        ok_r, r = _integer(item.params, "r", required=True)
        ok_t, t = _integer(item.params, "t", required=False)
        ok_pk, pk = _partition_key(item.params)
        if not (ok_r and ok_t and ok_pk):
            return None
        out.append(Policy(name=str(item.value), remaining=r, reset_after=t, partition_key=pk))
    return out


def _quota_policies(lines: Sequence[str]) -> list[Policy] | None:
    items = _items(lines)
    if items is None:
        return None
    out = []
    for item in items:
        ok_q, q = _integer(item.params, "q", required=True)
        ok_w, w = _integer(item.params, "w", required=False, non_zero=True)
        ok_pk, pk = _partition_key(item.params)
        qu = item.params.get("qu")
        ok_qu = qu is None or _is_string(qu)
        if not (ok_q and ok_w and ok_pk and ok_qu):
            return None
        out.append(Policy(name=str(item.value), limit=q, window=w,
                          quota_unit=None if qu is None else str(qu), partition_key=pk))
    return out


def parse_ietf(ratelimit: Sequence[str], policy: Sequence[str],
               names: tuple[str, str] = ("RateLimit", "RateLimit-Policy")) -> IetfFields:
    """Join the field lines of both fields into policies, matched by policy name.

    Remembered per distinct value (the result is immutable): a server repeats the same
    few field values on every response, and the structured-field parser is pure Python.
    """
    return _parse_ietf(tuple(ratelimit), tuple(policy), names)


@lru_cache(maxsize=512)
def _parse_ietf(ratelimit: tuple[str, ...], policy: tuple[str, ...],
                names: tuple[str, str]) -> IetfFields:
    bad: list[tuple[str, str]] = []
    limits = _service_limits(ratelimit) if ratelimit else []
    if limits is None:
        bad.append((names[0], ", ".join(ratelimit)))
        limits = []
    quotas = _quota_policies(policy) if policy else []
    if quotas is None:
        bad.append((names[1], ", ".join(policy)))
        quotas = []
    by_name = {q.name: q for q in reversed(quotas)}  # first declaration wins
    joined: list[Policy] = []
    used: set[str] = set()
    for limit in limits:
        quota = by_name.get(limit.name)
        if quota is not None:
            used.add(limit.name)
            limit = replace(limit, limit=quota.limit, window=quota.window,
                            quota_unit=quota.quota_unit,
                            partition_key=limit.partition_key or quota.partition_key)
        joined.append(limit)
    joined.extend(q for q in quotas if q.name not in used)
    return IetfFields(policies=tuple(joined), unparseable=tuple(bad))

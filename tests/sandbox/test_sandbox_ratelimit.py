"""Rate limiting: every header family on the wire, 429 with Retry-After, the window arithmetic."""

from __future__ import annotations

import time

import http_sfv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.sandbox.config import SandboxConfig
from desktop.sandbox.ratelimit import RATELIMIT_FAMILIES, FixedWindowLimiter, Quota

LIMIT, WINDOW = 5, 60


def _config(family: str) -> SandboxConfig:
    return SandboxConfig(ratelimit_family=family, ratelimit_limit=LIMIT, ratelimit_window=WINDOW)


def _sf_item(value: str):
    parsed = http_sfv.List()
    parsed.parse(value.encode())
    assert len(parsed) == 1
    return parsed[0]


def test_ietf_family_sends_ratelimit_and_policy_structured_fields(sandbox_run):
    async def scenario(api):
        response = await api.token_response()
        item = _sf_item(response.headers["RateLimit"])
        assert item.value == "default"
        assert item.params["r"] == LIMIT - 1
        assert 1 <= item.params["t"] <= WINDOW
        policy = _sf_item(response.headers["RateLimit-Policy"])
        assert (policy.value, policy.params["q"], policy.params["w"]) == ("default", LIMIT, WINDOW)

    sandbox_run(scenario, config=_config("ietf"))


@pytest.mark.parametrize(
    ("family", "prefix"),
    [
        ("ietf-legacy", "RateLimit"),
        ("x-ratelimit-delta", "X-RateLimit"),
    ],
)
def test_delta_families_send_limit_remaining_and_reset_seconds(sandbox_run, family, prefix):
    async def scenario(api):
        response = await api.token_response()
        assert response.headers[f"{prefix}-Limit"] == str(LIMIT)
        assert response.headers[f"{prefix}-Remaining"] == str(LIMIT - 1)
        assert 1 <= int(response.headers[f"{prefix}-Reset"]) <= WINDOW
        assert "RateLimit-Policy" not in response.headers

    sandbox_run(scenario, config=_config(family))


@pytest.mark.parametrize(
    ("family", "prefix", "scale"),
    [
        ("x-ratelimit-epoch", "X-RateLimit", 1),
        ("x-ratelimit-epoch-ms", "X-RateLimit", 1000),
        ("x-rate-limit", "X-Rate-Limit", 1),
    ],
)
def test_epoch_families_send_reset_as_a_point_in_time(sandbox_run, family, prefix, scale):
    async def scenario(api):
        before = time.time()
        response = await api.token_response()
        after = time.time()
        reset = int(response.headers[f"{prefix}-Reset"])
        assert before * scale <= reset <= (after + WINDOW + 1) * scale
        assert response.headers[f"{prefix}-Remaining"] == str(LIMIT - 1)

    sandbox_run(scenario, config=_config(family))


def test_none_family_sends_no_rate_limit_headers(sandbox_run):
    async def scenario(api):
        response = await api.token_response()
        assert not [h for h in response.headers if "rate" in h.lower()]

    sandbox_run(scenario, config=_config("none"))


@pytest.mark.parametrize("family", RATELIMIT_FAMILIES)
def test_going_over_the_limit_is_429_in_the_core_wrapper_with_retry_after(sandbox_run, family):
    async def scenario(api):
        token = await api.token()
        statuses = [
            (await api.get("/api/core/whoami", token=token)).status_code for _ in range(LIMIT)
        ]
        over = await api.get("/api/core/whoami", token=token)
        assert statuses == [200] * LIMIT
        assert over.status_code == 429
        assert over.json()["error"]["code"] == "RATE_LIMITED"
        assert over.json()["requestId"] == over.headers["X-Request-Id"]
        assert 1 <= int(over.headers["Retry-After"]) <= WINDOW

    sandbox_run(scenario, config=_config(family))


def test_remaining_counts_down_per_token(sandbox_run):
    async def scenario(api):
        token = await api.token()
        first = await api.get("/api/core/whoami", token=token)
        second = await api.get("/api/core/whoami", token=token)
        other = await api.get("/api/core/whoami", token=await api.token())
        remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in (first, second, other)]
        assert remaining == [LIMIT - 1, LIMIT - 2, LIMIT - 1]

    sandbox_run(scenario, config=_config("x-ratelimit-delta"))


def test_headers_follow_a_family_change_at_runtime(sandbox_run):
    async def scenario(api):
        before = await api.token_response()
        api.sandbox.configure(ratelimit_family="x-rate-limit")
        after = await api.token_response()
        assert "RateLimit" in before.headers
        assert "X-Rate-Limit-Limit" not in before.headers
        assert "X-Rate-Limit-Limit" in after.headers
        assert "RateLimit" not in after.headers

    sandbox_run(scenario)


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="ratelimit_family"):
        SandboxConfig(ratelimit_family="x-ratelimit")


def test_window_reopens_after_it_elapses():
    now = [100.0]
    limiter = FixedWindowLimiter(clock=lambda: now[0])
    for _ in range(3):
        limiter.hit("k", 2, 10)
    assert limiter.hit("k", 2, 10).exceeded
    now[0] += 10
    fresh = limiter.hit("k", 2, 10)
    assert (fresh.exceeded, fresh.remaining, fresh.reset_seconds) == (False, 1, 10)


def test_keys_beyond_the_bound_evict_expired_windows_first():
    now = [0.0]
    limiter = FixedWindowLimiter(clock=lambda: now[0], max_keys=2)
    limiter.hit("old", 5, 10)
    now[0] = 20.0
    limiter.hit("live", 5, 10)
    limiter.hit("new", 5, 10)
    assert limiter.hit("live", 5, 10).remaining == 3  # "old" went, not "live"


@given(
    limit=st.integers(min_value=1, max_value=50),
    window=st.integers(min_value=1, max_value=3600),
    steps=st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=80),
)
def test_quota_matches_a_fixed_window_count(limit, window, steps):
    now = [0.0]
    limiter = FixedWindowLimiter(clock=lambda: now[0])
    start, count = None, 0
    for step in steps:
        now[0] += step
        if start is None or now[0] - start >= window:
            start, count = now[0], 0
        count += 1
        quota = limiter.hit("k", limit, window)
        assert quota.exceeded == (count > limit)
        assert quota.remaining == max(0, limit - count)
        assert 1 <= quota.reset_seconds <= window


def test_storm_reports_an_exhausted_window():
    quota = Quota(limit=10, window=60, remaining=7, reset_in=12.5, exceeded=False).exhausted()
    assert (quota.remaining, quota.exceeded, quota.reset_seconds) == (0, True, 13)

"""parse_ratelimit against the public vectors, per family, and under hypothesis."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ratelimit import classify_reset, parse_ratelimit
from desktop.core.ratelimit.httpdate import parse_delay_seconds, parse_http_date, parse_retry_after

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
RATELIMIT = json.loads((VECTORS / "ratelimit.json").read_text(encoding="utf-8"))
RETRY_AFTER = json.loads((VECTORS / "retry-after.json").read_text(encoding="utf-8"))
NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z
RA_NOW = float(RETRY_AFTER["now_epoch"])


def _sf_value(value: object) -> object:
    """The vectors' JSON form of a parameter value → what our Policy holds."""
    if isinstance(value, dict) and value.get("sf_type") == "byte_sequence":
        import base64
        return base64.b64decode(value["b64"])
    if isinstance(value, dict) and value.get("sf_type") == "string":
        return value["value"]
    return value


# -- IETF RateLimit / RateLimit-Policy -------------------------------------


@pytest.mark.parametrize("case", RATELIMIT["RateLimit"], ids=lambda c: c["raw"])
def test_ratelimit_field_vector_is_read_as_its_parsed_form(case: dict) -> None:
    sample = parse_ratelimit([("RateLimit", case["raw"])], now=NOW)
    expected = case["parsed"][0]
    params = expected["params"]
    assert sample.family == "ietf"
    assert sample.unparseable == ()
    assert sample.policy == expected["id"]["value"]
    assert sample.remaining == params["r"]
    [policy] = sample.policies
    assert policy.remaining == params["r"]
    assert policy.reset_after == params.get("t")
    assert policy.partition_key == _sf_value(params.get("pk"))
    if "t" in params:
        assert sample.reset_after == params["t"]
        assert sample.reset_unit == "delta-seconds"
        assert sample.reset_at == NOW + params["t"]
    else:
        assert sample.reset_at is None
        assert sample.reset_unit is None


@pytest.mark.parametrize("case", RATELIMIT["RateLimit-Policy"], ids=lambda c: c["raw"])
def test_ratelimit_policy_vector_is_read_as_its_parsed_form(case: dict) -> None:
    sample = parse_ratelimit([("RateLimit-Policy", case["raw"])], now=NOW)
    assert sample.family == "ietf"
    assert sample.unparseable == ()
    assert len(sample.policies) == len(case["parsed"])
    for policy, expected in zip(sample.policies, case["parsed"], strict=True):
        params = expected["params"]
        assert policy.name == expected["id"]["value"]
        assert policy.limit == params["q"]
        assert policy.window == params.get("w")
        assert policy.quota_unit == _sf_value(params.get("qu"))
        assert policy.partition_key == _sf_value(params.get("pk"))
        assert policy.remaining is None


@pytest.mark.parametrize("case", RATELIMIT["semantically_invalid"], ids=lambda c: c["why"])
@pytest.mark.parametrize("field", ["RateLimit", "RateLimit-Policy"])
def test_semantically_invalid_ietf_field_is_ignored_and_reported(case: dict, field: str) -> None:
    raw = case["raw"]
    sample = parse_ratelimit([(field, raw)], now=NOW)
    # Some vectors are only invalid for one of the two fields (e.g. w=0 is fine in RateLimit
    # as an unknown parameter, but RateLimit still needs r): every one is invalid in both.
    assert sample.family is None
    assert sample.policies == ()
    assert sample.unparseable == ((field, raw),)
    assert not sample.is_empty


def test_policy_and_service_limit_are_joined_by_name() -> None:
    sample = parse_ratelimit(
        [("RateLimit-Policy", '"default";q=100;w=60'), ("RateLimit", '"default";r=50;t=30')],
        now=NOW,
    )
    assert (sample.limit, sample.remaining, sample.window) == (100, 50, 60)
    assert sample.policy == "default"
    assert sample.reset_at == NOW + 30


def test_of_several_policies_the_one_with_least_remaining_is_chosen_and_all_are_kept() -> None:
    sample = parse_ratelimit(
        [
            ("RateLimit-Policy", '"burst";q=100;w=60,"daily";q=1000;w=86400'),
            ("RateLimit", '"burst";r=80;t=10'),
            ("RateLimit", '"daily";r=5;t=36000'),  # a second field line: combined as one List
        ],
        now=NOW,
    )
    assert sample.policy == "daily"
    assert (sample.limit, sample.remaining, sample.window) == (1000, 5, 86400)
    assert sample.reset_after == 36000
    assert [p.name for p in sample.policies] == ["burst", "daily"]
    assert sample.policies[0].remaining == 80


def test_one_malformed_item_makes_the_whole_ietf_field_ignored() -> None:
    raw = '"a";r=5;t=10, "b";r=-1'
    sample = parse_ratelimit([("RateLimit", raw)], now=NOW)
    assert sample.policies == ()
    assert sample.family is None
    assert sample.unparseable == (("RateLimit", raw),)


def test_ietf_fields_win_over_legacy_and_vendor_families() -> None:
    sample = parse_ratelimit(
        [("X-RateLimit-Remaining", "1"), ("RateLimit", '"default";r=50;t=30')], now=NOW
    )
    assert sample.family == "ietf"
    assert sample.remaining == 50


# -- legacy and vendor families --------------------------------------------


def test_legacy_ratelimit_fields_use_delta_seconds() -> None:
    headers = list(RATELIMIT["legacy_and_vendor_examples"][0]["headers"].items())
    sample = parse_ratelimit(headers, now=NOW)
    assert sample.family == "ietf-legacy"
    assert (sample.limit, sample.remaining, sample.reset_after) == (100, 50, 50)
    assert sample.reset_unit == "delta-seconds"
    assert sample.reset_at == NOW + 50


def test_github_reset_is_recognised_as_epoch_seconds_against_the_clock() -> None:
    headers = list(RATELIMIT["legacy_and_vendor_examples"][1]["headers"].items())
    now = 1372700873.0 - 600
    sample = parse_ratelimit(headers, now=now)
    assert sample.family == "x-ratelimit"
    assert (sample.limit, sample.remaining) == (5000, 4999)
    assert sample.reset_unit == "epoch-seconds"
    assert sample.reset_after == 600
    assert sample.reset_at == 1372700873.0


def test_reset_in_epoch_milliseconds_is_recognised_against_date_header() -> None:
    date = "Tue, 14 Nov 2023 22:13:20 GMT"  # == NOW
    sample = parse_ratelimit(
        [("Date", date), ("X-RateLimit-Reset", str(int((NOW + 42) * 1000)))], now=NOW + 5
    )
    assert sample.reset_unit == "epoch-milliseconds"
    assert sample.reset_after == pytest.approx(42)
    # the server clock says the reset is 42 s after the response: on our (5 s later) clock too
    assert sample.reset_at == pytest.approx(NOW + 5 + 42)


def test_epoch_reset_is_measured_from_the_server_date_not_the_skewed_local_clock() -> None:
    date = "Tue, 14 Nov 2023 22:13:20 GMT"  # == NOW; the local clock is 1 h behind
    sample = parse_ratelimit([("Date", date), ("X-RateLimit-Reset", str(int(NOW) + 30))],
                             now=NOW - 3600)
    assert sample.reset_unit == "epoch-seconds"
    assert sample.reset_after == 30
    assert sample.reset_at == NOW - 3600 + 30


def test_small_reset_is_read_as_delta_seconds() -> None:
    sample = parse_ratelimit([("X-Rate-Limit-Reset", "17"), ("X-Rate-Limit-Limit", "10")], now=NOW)
    assert sample.family == "x-rate-limit"
    assert (sample.reset_unit, sample.reset_after, sample.limit) == ("delta-seconds", 17, 10)


def test_epoch_already_past_means_the_window_has_reset() -> None:
    sample = parse_ratelimit([("X-RateLimit-Reset", str(int(NOW) - 100))], now=NOW)
    assert sample.reset_unit == "epoch-seconds"
    assert sample.reset_after == 0


@pytest.mark.parametrize(
    ("hint", "raw", "unit", "after"),
    [
        ("delta", "1700000030", "delta-seconds", 1_700_000_030),
        ("epoch", "30", "epoch-seconds", 0),
        ("epoch", "1700000030", "epoch-seconds", 30),
        ("epoch_ms", "1700000030500", "epoch-milliseconds", 30.5),
    ],
)
def test_provider_declared_reset_unit_overrides_the_magnitude_rule(
    hint: str, raw: str, unit: str, after: float
) -> None:
    sample = parse_ratelimit([("X-RateLimit-Reset", raw)], now=NOW, reset_hint=hint)
    assert sample.reset_unit == unit
    assert sample.reset_after == pytest.approx(after)


def test_unknown_reset_hint_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="reset_hint"):
        parse_ratelimit([], reset_hint="minutes")


def test_decimal_reset_is_accepted() -> None:
    sample = parse_ratelimit([("X-RateLimit-Reset", "1.5")], now=NOW)
    assert sample.reset_after == 1.5


@pytest.mark.parametrize("raw", ["-1", "abc", "1e3", "", "5000, 5000;w=60", "²", "1_000", "9" * 16])
def test_malformed_vendor_count_is_reported_with_its_raw_value(raw: str) -> None:
    sample = parse_ratelimit([("x-ratelimit-limit", raw), ("X-RateLimit-Remaining", "3")],
                             now=NOW)
    assert sample.unparseable == (("X-RateLimit-Limit", raw),)
    assert sample.family == "x-ratelimit"
    assert (sample.limit, sample.remaining) == (None, 3)


def test_header_names_are_case_insensitive_and_first_line_wins() -> None:
    sample = parse_ratelimit(
        [("x-ratelimit-remaining", "7"), ("X-RATELIMIT-REMAINING", "9")], now=NOW
    )
    assert sample.remaining == 7


def test_response_without_rate_limit_fields_gives_an_empty_sample() -> None:
    sample = parse_ratelimit([("Content-Type", "application/json")], status=200, now=NOW)
    assert sample.is_empty
    assert sample.at == NOW
    assert sample.status == 200


# -- Retry-After -----------------------------------------------------------


@pytest.mark.parametrize(("raw", "seconds"), RETRY_AFTER["valid_delay_seconds"])
def test_retry_after_delay_seconds_vector(raw: str, seconds: int) -> None:
    sample = parse_ratelimit([("Retry-After", raw)], now=RA_NOW)
    assert sample.retry_after == seconds
    assert sample.retry_after_source == "header"


@pytest.mark.parametrize("raw", RETRY_AFTER["invalid_delay_seconds_per_urllib3"])
def test_retry_after_invalid_vector_is_reported_not_raised(raw: str) -> None:
    sample = parse_ratelimit([("Retry-After", raw)], now=RA_NOW)
    assert sample.retry_after is None
    assert sample.unparseable == (("Retry-After", raw),)


@pytest.mark.parametrize(("raw", "seconds", "why"), RETRY_AFTER["dates_relative_to_now"],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_retry_after_http_date_vector_with_fixed_clock(raw: str, seconds: int, why: str) -> None:
    sample = parse_ratelimit([("Retry-After", raw)], now=RA_NOW)
    assert sample.retry_after == seconds, why


def test_retry_after_imf_fixdate_vector_from_ratelimit_json() -> None:
    headers = list(RATELIMIT["legacy_and_vendor_examples"][3]["headers"].items())
    sample = parse_ratelimit(headers, now=946684799.0 - 120)
    assert sample.retry_after == 120


def test_retry_after_delay_seconds_vector_from_ratelimit_json() -> None:
    headers = list(RATELIMIT["legacy_and_vendor_examples"][2]["headers"].items())
    assert parse_ratelimit(headers, now=NOW).retry_after == 120


def test_retry_after_date_is_measured_from_the_response_date() -> None:
    sample = parse_ratelimit(
        [("Date", "Mon, 03 Jun 2019 11:00:00 GMT"),
         ("Retry-After", "Mon, 03 Jun 2019 11:01:00 GMT")],
        now=RA_NOW + 500,  # local clock far ahead: the server still meant 60 s
    )
    assert sample.retry_after == 60


def test_retry_after_date_in_the_past_means_no_wait() -> None:
    assert parse_retry_after("Mon, 03 Jun 2019 10:00:00 GMT", RA_NOW) == 0


# -- 429 body (seed 002) ---------------------------------------------------

VIBER_429 = {
    "error": "Too Many Requests",
    "currentPending": 199_000,
    "requestedCount": 5_000,
    "maxAllowed": 200_000,
    "availableCapacity": 1_000,
    "retryAfterSeconds": 30,
}


def test_viber_429_body_gives_capacity_and_retry_after() -> None:
    sample = parse_ratelimit([], status=429, body=json.dumps(VIBER_429).encode(), now=NOW)
    assert sample.family == "body"
    assert sample.retry_after == 30
    assert sample.retry_after_source == "body"
    assert sample.capacity is not None
    assert sample.capacity.current_pending == 199_000
    assert sample.capacity.max_allowed == 200_000
    assert sample.capacity.available_capacity == 1_000
    assert sample.capacity.shortfall == 4_000
    assert sample.refused


def test_retry_after_header_wins_over_the_body_field() -> None:
    sample = parse_ratelimit([("Retry-After", "45")], status=429, body=VIBER_429, now=NOW)
    assert sample.retry_after == 45
    assert sample.retry_after_source == "header"
    assert sample.capacity is not None


def test_body_fields_map_our_names_to_jmespath_expressions() -> None:
    body = {"error": {"details": {"wait": 12, "free": 3}}}
    sample = parse_ratelimit([], status=429, body=body, now=NOW, body_fields={
        "retry_after": "error.details.wait", "available_capacity": "error.details.free",
    })
    assert sample.retry_after == 12
    assert sample.capacity is not None
    assert sample.capacity.available_capacity == 3


def test_malformed_body_field_and_bad_expression_are_reported() -> None:
    sample = parse_ratelimit([], status=429, body={"retryAfterSeconds": "soon"}, now=NOW,
                             body_fields={"retry_after": "retryAfterSeconds",
                                          "max_allowed": "foo[?"})
    assert sample.retry_after is None
    assert ("body:retryAfterSeconds", '"soon"') in sample.unparseable
    assert ("body_fields.max_allowed", "foo[?") in sample.unparseable


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", "[]", 42, None, [1, 2], b""])
def test_bodies_without_the_fields_add_nothing(body: object) -> None:
    assert parse_ratelimit([], status=429, body=body, now=NOW).is_empty


# -- properties ------------------------------------------------------------

KNOWN_NAMES = st.sampled_from([
    "RateLimit", "RateLimit-Policy", "ratelimit", "RateLimit-Limit", "RateLimit-Remaining",
    "RateLimit-Reset", "X-RateLimit-Limit", "x-ratelimit-remaining", "X-RateLimit-Reset",
    "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Retry-After",
    "Date", "date",
])
VALUES = st.one_of(
    st.text(),
    st.text(st.sampled_from('"();=,:*@%?-. \t0123456789rtqwpkabc'), max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes().map(lambda d: format_datetime(d.replace(tzinfo=UTC), usegmt=True)),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["retryAfterSeconds", "currentPending", "requestedCount", "maxAllowed",
                         "availableCapacity", "x"]) | st.text(max_size=5), inner, max_size=5),
    max_leaves=12,
)
BODIES = st.one_of(st.none(), JSON, JSON.map(json.dumps), st.binary(max_size=60), st.text())


@settings(max_examples=300, deadline=None)
@given(
    headers=st.lists(st.tuples(KNOWN_NAMES | st.text(max_size=20), VALUES), max_size=8),
    status=st.none() | st.integers(),
    body=BODIES,
    now=st.floats(min_value=0, max_value=4e9),
    hint=st.sampled_from(["auto", "delta", "epoch", "epoch_ms"]),
    fields=st.none() | st.dictionaries(
        st.sampled_from(["retry_after", "current_pending", "max_allowed"]), st.text(max_size=10)),
)
def test_parse_ratelimit_never_raises(headers, status, body, now, hint, fields) -> None:
    sample = parse_ratelimit(headers, status=status, body=body, now=now, reset_hint=hint,
                             body_fields=fields)
    assert sample.at == now
    for value in (sample.limit, sample.remaining, sample.reset_after, sample.retry_after):
        assert value is None or value >= 0
    if sample.reset_after is not None:
        assert sample.reset_at == pytest.approx(now + sample.reset_after)
    names = {name.lower() for name, _ in headers}
    for name, _raw in sample.unparseable:
        assert name.lower() in names or name.startswith("body")


UNIT_ORDER = {"delta-seconds": 0, "epoch-seconds": 1, "epoch-milliseconds": 2}


@settings(deadline=None)
@given(st.floats(min_value=0, max_value=1e16), st.floats(min_value=0, max_value=1e16),
       st.floats(min_value=0, max_value=4e9))
def test_reset_disambiguation_is_monotone(a: float, b: float, reference: float) -> None:
    low, high = sorted((a, b))
    assert UNIT_ORDER[classify_reset(low, reference)] <= UNIT_ORDER[classify_reset(high, reference)]


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=3 * 3600), st.floats(min_value=1e9, max_value=4e9))
def test_reset_disambiguation_reads_each_form_back(delta: int, reference: float) -> None:
    epoch = int(reference) + delta
    assert classify_reset(delta, reference) == "delta-seconds"
    assert classify_reset(epoch, reference) == "epoch-seconds"
    assert classify_reset(epoch * 1000, reference) == "epoch-milliseconds"


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_delay_seconds_round_trip(seconds: int) -> None:
    assert parse_delay_seconds(str(seconds)) == seconds
    assert parse_retry_after(f" {seconds}\t", NOW) == seconds


@settings(deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 1, 1)))
def test_http_date_round_trip_in_all_three_forms(when: datetime) -> None:
    when = when.replace(microsecond=0, tzinfo=UTC)
    expected = when.timestamp()
    assert parse_http_date(format_datetime(when, usegmt=True)) == expected
    assert parse_http_date(when.strftime("%a %b ") + f"{when.day:2d}" + when.strftime(
        " %H:%M:%S %Y")) == expected


SF_INTEGERS = st.integers(min_value=0, max_value=10**15 - 1)


@settings(deadline=None)
@given(SF_INTEGERS, SF_INTEGERS,
       st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-_ "), min_size=1, max_size=12))
def test_ietf_fields_round_trip(remaining: int, reset: int, name: str) -> None:
    sample = parse_ratelimit([("RateLimit", f'"{name}";r={remaining};t={reset}')], now=NOW)
    assert (sample.policy, sample.remaining, sample.reset_after) == (name, remaining, reset)


@settings(deadline=None)
@given(SF_INTEGERS, SF_INTEGERS)
def test_vendor_counts_round_trip(limit: int, remaining: int) -> None:
    sample = parse_ratelimit(
        [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", f" {remaining} ")], now=NOW
    )
    assert (sample.limit, sample.remaining, sample.unparseable) == (limit, remaining, ())


def test_body_fields_from_a_provider_file_replace_the_defaults() -> None:
    pairs = (("retry_after", "wait"),)  # RateLimitConfig.body_fields is a tuple of pairs
    sample = parse_ratelimit([], status=429, body={"wait": 9, "maxAllowed": 5}, now=NOW,
                             body_fields=pairs)
    assert sample.retry_after == 9
    assert sample.capacity is None


def test_raw_byte_header_pairs_are_read_as_latin_1() -> None:
    sample = parse_ratelimit([(b"X-RateLimit-Remaining", b"12"), (b"Retry-After", b"\xff")],
                             now=NOW)  # type: ignore[list-item]
    assert sample.remaining == 12
    assert sample.unparseable == (("Retry-After", "ÿ"),)


@pytest.mark.parametrize(
    ("dialect", "family", "unit"),
    [
        ("ietf", "ietf", "delta-seconds"),
        ("ietf-legacy", "ietf-legacy", "delta-seconds"),
        ("x-ratelimit-delta", "x-ratelimit", "delta-seconds"),
        ("x-ratelimit-epoch", "x-ratelimit", "epoch-seconds"),
        ("x-ratelimit-epoch-ms", "x-ratelimit", "epoch-milliseconds"),
        ("x-rate-limit", "x-rate-limit", "epoch-seconds"),
    ],
)
def test_every_sandbox_dialect_is_read_back(dialect: str, family: str, unit: str) -> None:
    sandbox = pytest.importorskip("desktop.sandbox.ratelimit")
    quota = sandbox.Quota(limit=10, window=60, remaining=4, reset_in=29.5, exceeded=False)
    headers = sandbox.rate_limit_headers(dialect, quota, now=lambda: NOW)
    sample = parse_ratelimit(headers, now=NOW)
    assert (sample.family, sample.reset_unit) == (family, unit)
    assert (sample.limit, sample.remaining) == (10, 4)
    assert sample.reset_after == pytest.approx(30, abs=0.5)
    assert sample.unparseable == ()

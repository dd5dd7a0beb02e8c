"""curl export: bash-safe quoting, -X only when needed, and parse(export(r)) == r."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.curl import CurlExportError, parse_curl, quote, to_curl

BASH = shutil.which("bash")


def test_a_simple_get_is_just_curl_and_the_url():
    assert to_curl("GET", "https://api.example.com/v1/numbers", [], b"") == (
        "curl https://api.example.com/v1/numbers"
    )


def test_a_json_post_is_one_option_per_line_with_data_raw_and_no_x():
    command = to_curl(
        "POST",
        "https://api.example.com/v1/messages?dry_run=1",
        [("Content-Type", "application/json"), ("Authorization", "Bearer abc")],
        b'{"to": "+447700900123"}',
    )
    assert command == (
        "curl 'https://api.example.com/v1/messages?dry_run=1' \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  -H 'Authorization: Bearer abc' \\\n"
        '  --data-raw \'{"to": "+447700900123"}\''
    )


def test_single_line_form_has_no_continuations():
    assert to_curl("PUT", "http://h/x", [("X", "1")], b"a", multiline=False) == (
        "curl http://h/x -X PUT -H 'X: 1' -H Content-Type: --data-raw a"
    )


@pytest.mark.parametrize(
    ("method", "body", "options"),
    [
        ("GET", b"", []),
        ("POST", b"x", []),
        ("POST", b"", ["-X POST"]),
        ("GET", b"x", ["-X GET"]),
        ("HEAD", b"", ["--head"]),
        ("HEAD", b"x", ["-X HEAD"]),
        ("DELETE", b"", ["-X DELETE"]),
        ("post", b"x", ["-X post"]),
    ],
)
def test_x_is_written_only_when_curl_would_not_pick_the_method_itself(
    method: str, body: bytes, options: list[str]
):
    command = to_curl(method, "http://h", [("Content-Type", "text/plain")], body, multiline=False)
    written = [
        o
        for o in ("-X POST", "-X GET", "-X HEAD", "-X DELETE", "-X post", "--head")
        if o in command
    ]
    assert written == options


def test_a_body_without_content_type_removes_the_one_curl_would_add():
    assert "-H Content-Type:" in to_curl("POST", "http://h", [], b"x", multiline=False)
    assert parse_curl(to_curl("POST", "http://h", [], b"x")).headers == ()


def test_an_empty_header_value_is_written_with_curls_semicolon_form():
    assert "-H 'X-Empty;'" in to_curl("GET", "http://h", [("X-Empty", "")], b"")


def test_values_with_control_characters_or_invalid_utf8_use_ansi_c_quoting():
    assert quote("a\nb\tc'd\\") == "$'a\\nb\\tc\\'d\\\\'"
    assert quote(b"\xff\x01z") == "$'\\xff\\x01z'"
    assert quote("\udcff") == "$'\\xff'"


def test_plain_values_are_bare_or_single_quoted():
    assert quote("https://h/x?a=1") == "'https://h/x?a=1'"
    assert quote("PUT") == "PUT"
    assert quote("") == "''"
    assert quote('it\'s $HOME `x` "q" ! é') == "'it'\\''s $HOME `x` \"q\" ! é'"


def test_a_body_with_nul_bytes_is_spelt_out_with_printf():
    command = to_curl("POST", "http://h", [("Content-Type", "x")], b"a\x00b'%\\1\n")
    assert "--data-binary @<(printf 'a\\000b\\047%%\\\\1\\n')" in command


def test_brackets_in_the_url_turn_off_curls_globbing():
    assert "--globoff" in to_curl("GET", "http://h/?a[]=1", [], b"")
    assert "--globoff" not in to_curl("GET", "http://h/?a=1", [], b"")


def test_insecure_and_follow_redirects_are_written():
    command = to_curl("GET", "http://h", [], b"", insecure=True, follow_redirects=True)
    request = parse_curl(command)
    assert (request.insecure, request.follow_redirects) == (True, True)


@pytest.mark.parametrize(
    ("method", "headers", "message"),
    [
        ("GET /x", [], "is not a valid HTTP method name"),
        ("GET", [("Bad Name", "v")], "is not a valid header name"),
        ("GET", [("X", "a\r\nInjected: 1")], "contains a control character"),
    ],
)
def test_requests_that_cannot_be_written_raise_curl_export_error(
    method: str, headers: list[tuple[str, str]], message: str
):
    with pytest.raises(CurlExportError, match=message):
        to_curl(method, "http://h", headers, b"")


def test_a_url_with_a_nul_cannot_be_a_shell_argument():
    with pytest.raises(CurlExportError, match="NUL"):
        to_curl("GET", "http://h/\0", [], b"")


# -- round trip ------------------------------------------------------------------

TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
token = st.text(st.sampled_from(TCHAR), min_size=1, max_size=12)
url_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=25)
urls = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}://{host}{port}/{path}{query}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True),
    st.sampled_from(["", ":8080", ":1"]),
    url_text.filter(lambda p: "?" not in p and "#" not in p),
    st.one_of(st.just(""), url_text.map(lambda q: "?" + q)),
)
header_value = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t"), max_size=30
).map(lambda v: v.strip(" \t"))
headers = st.lists(st.tuples(token, header_value), max_size=6).filter(
    lambda hs: sum(name.lower() == "host" for name, _ in hs) <= 1  # curl sends one Host
)
methods = st.one_of(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]), token)


@settings(max_examples=300)
@given(methods, urls, headers, st.binary(max_size=120), st.booleans())
def test_parsing_an_exported_request_gives_the_same_request(
    method: str, url: str, header_list: list[tuple[str, str]], body: bytes, multiline: bool
):
    command = to_curl(method, url, header_list, body, multiline=multiline)
    request = parse_curl(command)
    assert request.method == method
    assert request.url == url
    assert request.headers == tuple(header_list)
    assert request.body == body
    assert request.warnings == ()


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0")),
                 st.binary().filter(lambda b: b"\0" not in b)))  # fmt: skip
def test_bash_reads_a_quoted_value_back_unchanged(value: str | bytes):
    assert BASH is not None
    result = subprocess.run(
        [BASH, "-c", "printf '%s' " + quote(value)],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=10,
        check=True,
    )
    expected = value if isinstance(value, bytes) else value.encode("utf-8")
    assert result.stdout == expected

"""The bash word splitter behind curl import: quotes, $'...', continuations, errors."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop.core.curl.shell import Operator, ShellSyntaxError, Word, split, tokenize

BASH = shutil.which("bash")


def words(source: str) -> list[str]:
    return [t.text for t in tokenize(source) if isinstance(t, Word)]


def test_single_quotes_keep_everything_literally_including_backslashes_and_dollars():
    assert split(r"""curl 'a \n $HOME "b"'""") == ["curl", r'a \n $HOME "b"']


def test_double_quotes_unescape_only_dollar_backquote_quote_and_backslash():
    assert split(r'''"\$ \` \" \\ \a \n"''') == [r'$ ` " \ \a \n']


def test_escaped_single_quotes_inside_double_quotes_stay_escaped_as_in_bash():
    # curlconverter's post_escaped_single_quotes_in_double_quotes case
    assert split(r'''--data "foo=\'bar\'"''') == ["--data", r"foo=\'bar\'"]


def test_unquoted_backslash_escapes_the_next_character():
    assert split(r"a\ b \'c\'") == ["a b", "'c'"]


def test_adjacent_quoted_and_unquoted_parts_form_one_word():
    assert split("""-H'X: '"$"'1'""") == ["-HX: $1"]


def test_empty_quotes_are_an_empty_argument():
    assert split("curl '' \"\" $''") == ["curl", "", "", ""]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"$'a\nb\tc'", "a\nb\tc"),
        (r"$'it\'s \\ \"q\" \?'", 'it\'s \\ "q" ?'),
        (r"$'\x41\x4g\x'", "A\x04g\\x"),
        (r"$'\u00e9\U0001F600'", "é😀"),
        (r"$'\101\1011\7'", "AA1\x07"),
        (r"$'\a\b\e\E\f\r\v'", "\x07\x08\x1b\x1b\x0c\r\x0b"),
        (r"$'\cA\c?\c['", "\x01\x7f\x1b"),
        (r"$'\q\8'", r"\q\8"),
        (r"$'\xff'", "\udcff"),
    ],
)
def test_ansi_c_quoting_decodes_the_escapes_bash_knows(source: str, expected: str):
    assert split(source) == [expected]


def test_a_nul_byte_ends_an_ansi_c_string_but_not_the_word():
    assert split(r"$'a\0b'c $'x\x00y' $'p\u0000q'") == ["ac", "x", "p"]


def test_bytes_that_are_not_utf8_survive_as_surrogate_escapes():
    [word] = split(r"$'\xc3\xa9\xff'")
    assert word.encode("utf-8", "surrogateescape") == b"\xc3\xa9\xff"


def test_backslash_newline_continues_the_line_outside_single_quotes():
    source = "curl 'http://x' \\\n  -H 'A: b' \\\r\n  -d \"x\\\ny\""
    assert split(source) == ["curl", "http://x", "-H", "A: b", "-d", "xy"]


def test_a_backslash_newline_inside_single_quotes_is_kept():
    assert split("'a\\\nb'") == ["a\\\nb"]


def test_a_trailing_backslash_is_literal():
    assert split("a\\") == ["a\\"]


def test_comment_lines_and_trailing_comments_are_dropped_but_hash_inside_a_word_is_not():
    source = "# from the docs\ncurl http://x/#frag # a comment\n"
    assert words(source) == ["curl", "http://x/#frag"]


def test_newlines_and_control_operators_are_separate_tokens():
    tokens = tokenize("curl a | jq . && echo ok; x 2>&1 >out <in")
    operators = [t.text for t in tokens if isinstance(t, Operator)]
    assert operators == ["|", "&&", ";", "2>&", ">", "<"]
    assert words("curl a | jq .") == ["curl", "a", "jq", "."]


def test_a_quoted_digit_before_a_redirection_is_a_word_not_a_file_descriptor():
    tokens = tokenize("'2'>x")
    assert tokens[0] == Word("2", 0)
    assert tokens[1] == Operator(">", 3)


def test_expansions_are_kept_literally_and_reported():
    [word] = [t for t in tokenize('"Bearer $TOKEN"') if isinstance(t, Word)]
    assert word.text == "Bearer $TOKEN"
    assert word.expansions == ("$TOKEN",)


def test_command_substitution_with_spaces_stays_one_word():
    tokens = [t for t in tokenize("-H \"X: $(cat 'a b.txt')\" `echo x y`") if isinstance(t, Word)]
    assert [t.text for t in tokens] == ["-H", "X: $(cat 'a b.txt')", "`echo x y`"]
    assert tokens[1].expansions == ("$(cat 'a b.txt')",)


def test_process_substitution_is_kept_literally_with_its_inner_command():
    [_, word] = [t for t in tokenize("--data-binary @<(printf 'a b')") if isinstance(t, Word)]
    assert word.text == "@<(printf 'a b')"
    assert word.process_substitutions == ("printf 'a b'",)


def test_dollar_without_a_name_is_literal():
    assert split("a$ $ '$'") == ["a$", "$", "$"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("curl 'abc", "unterminated single quote at column 6"),
        ('curl "abc', "unterminated double quote at column 6"),
        ("curl $'abc\\'", "unterminated $' quote at column 6"),
        ("curl \\\n  -d 'x", "unterminated single quote at line 2, column 6"),
        ("curl $(date", "unterminated $( at column 6"),
        ("curl `date", "unterminated backquote at column 6"),
        ("curl ${X", "unterminated ${ at column 6"),
    ],
)
def test_unterminated_quotes_are_reported_with_their_position(source: str, message: str):
    with pytest.raises(ShellSyntaxError) as error:
        tokenize(source)
    assert str(error.value) == message


def test_split_refuses_a_pipeline():
    with pytest.raises(ShellSyntaxError, match=r"unexpected '\|' at column 8"):
        split("curl a | jq")


# -- properties ---------------------------------------------------------------

argument_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30
)


def single_quoted(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def double_quoted(word: str) -> str:
    return '"' + "".join("\\" + c if c in '$`"\\' else c for c in word) + '"'


def ansi_c_quoted(word: str) -> str:
    escaped = "".join(
        f"\\x{ord(c):02x}" if ord(c) < 0x20 else "\\" + c if c in "\\'" else c for c in word
    )
    return "$'" + escaped + "'"


def backslashed(word: str) -> str:
    # a backslash before a newline would be a continuation: quote newlines instead
    return "".join("'\n'" if c == "\n" else "\\" + c for c in word) or "''"


QUOTERS = [single_quoted, double_quoted, ansi_c_quoted, backslashed]


@given(st.lists(st.tuples(argument_text, st.sampled_from(QUOTERS)), max_size=6))
def test_any_word_quoted_any_way_splits_back_to_itself(quoted: list[tuple[str, object]]):
    source = " \\\n ".join(quoter(word) for word, quoter in quoted)  # type: ignore[operator]
    assert split(source) == [word for word, _ in quoted]


@given(st.text(max_size=200))
def test_arbitrary_text_either_tokenizes_or_raises_a_shell_syntax_error(source: str):
    try:
        tokenize(source)
    except ShellSyntaxError as error:
        message = str(error)
    else:
        message = "column"
    assert "column" in message


# -- against the real bash ------------------------------------------------------

PIECES = [
    "a", "é", " ", "  ", "\t", "'", '"', "\\", "$'", "\\n", "\\x4", "\\xff", "\\u00e9",
    "\\U1F600", "\\101", "\\0", "\\c", "\\cA", "\\'", '\\"', "\\\n", "#", "x#y", "$", "-H",
    "=", "@", ":", "\\q", "\\\\", "\\x{", "\\cé", "\\777", "\\400", "\r", "\\8",
]  # fmt: skip


def bash_words(source: str) -> list[str] | None:
    """How bash splits *source* (no globbing, no brace expansion), or None if it refuses it."""
    assert BASH is not None
    result = subprocess.run(
        [BASH, "-c", "set -f +B\nprintf '%s\\0' START " + source],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=10,
        check=False,
    )
    if result.returncode != 0:
        return None
    printed = result.stdout.split(b"\0")[1:-1]  # without START and after the last NUL
    return [w.decode("utf-8", "surrogateescape") for w in printed]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_words_match_what_bash_itself_produces(source: str):
    assume("$\\\n" not in source)  # bash would join $<continuation>NAME into an expansion
    assume(not source.endswith("\\"))  # bash's handling differs between one and more lines
    try:
        tokens = tokenize(source)
    except ShellSyntaxError:
        mine = None
    else:
        assume(not any(isinstance(t, Word) and t.expansions for t in tokens))  # kept literal
        assume(not any(isinstance(t, Operator) for t in tokens))  # one command only
        mine = [t.text for t in tokens if isinstance(t, Word)]
    expected = bash_words(source)
    if expected is not None or mine is not None:
        assert mine == expected

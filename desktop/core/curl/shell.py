"""Split a pasted shell command into words exactly as bash would.

People paste commands produced by a browser's "Copy as cURL (bash)" or
copied from API documentation; to read them we must see the same argument
list curl saw. This is a hand-rolled tokenizer because :mod:`shlex` is not
enough: it has no ANSI-C quoting (``$'...'``), which is precisely what
Chrome and Firefox emit for any value holding a newline, a quote or a
non-ASCII byte; in double quotes it keeps the backslash of ``\\$`` and of a
backslash-newline that bash removes; it cannot tell ``#`` starting a
comment line from ``a#b``; and it reports errors without a position.

What bash does and we mirror: single quotes; double quotes where a
backslash escapes only ``$ ` " \\`` and newline; ``$'...'`` with ``\\n \\t
\\\\ \\' \\xHH \\uHHHH \\UHHHHHHHH \\NNN \\cX`` (a NUL ends the string, as in
bash); backslash-newline continuations; comments; control operators
(``| ; & && ||``, redirections, newline) as separate tokens.

What we do not do, on purpose: expansions. ``$VAR``, ``${...}``, ``$(...)``
and backquotes are kept as literal text and reported in
:attr:`Word.expansions`, so the user sees ``$TOKEN`` in a header instead of
an empty value. No globbing, brace or tilde expansion. A process
substitution ``<(...)`` is kept as literal text and its inner command
reported, so a caller can recognise the one form it understands.

One deliberate difference: a CR before a newline (text pasted from a
Windows clipboard) counts as part of the line break, after a continuation
backslash too, where bash would keep it as a character.

Words are bytes in bash; a word here is ``str`` decoded from those bytes
with ``surrogateescape``, so ``$'\\xff'`` survives as ``"\\udcff"`` and
encodes back to the same byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.curl.ansi_c import decode_ansi_c, encode_text

_BLANKS = " \t"
_OPERATOR_CHARS = "|&;<>()"
_SPECIAL_PARAMETERS = "@*#?$!-0123456789"
_PLAIN_RUN = re.compile(r"[^ \t\r\n\\'\"$`#<>|&;()]+")
_DOUBLE_QUOTED_RUN = re.compile(r'[^"\\$`]+')
_ANSI_C_BODY = re.compile(r"[^'\\]*(?:\\.[^'\\]*)*", re.DOTALL)


class ShellSyntaxError(ValueError):
    """The text is not a complete shell command (an unterminated quote, ...)."""

    def __init__(self, problem: str, source: str, offset: int) -> None:
        self.problem = problem
        self.offset = offset
        super().__init__(f"{problem} at {describe_position(source, offset)}")


@dataclass(frozen=True, slots=True)
class Word:
    """One argument, after quote removal."""

    text: str
    offset: int
    """Where the word starts in the source (0-based character index)."""
    expansions: tuple[str, ...] = ()
    """``$VAR``, ``$(...)``, backquotes found in the word, kept as literal text."""
    process_substitutions: tuple[str, ...] = ()
    """The inner source of each ``<(...)`` in the word, kept as literal text."""


@dataclass(frozen=True, slots=True)
class Operator:
    """A control operator or redirection: ``\\n ; | || & && > >> < 2> ...``."""

    text: str
    offset: int


Token = Word | Operator


def describe_position(source: str, offset: int) -> str:
    """``column 42``, or ``line 3, column 5`` when the source has several lines."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    if "\n" in source.rstrip("\n"):
        return f"line {line}, column {column}"
    return f"column {column}"


def split(source: str) -> list[str]:
    """The words of one simple command (newlines and comments allowed).

    Raises :class:`ShellSyntaxError` for unterminated quotes and for
    operators such as ``|`` or ``;`` that would make it several commands.
    """
    words: list[str] = []
    for token in tokenize(source):
        if isinstance(token, Word):
            words.append(token.text)
        elif token.text != "\n":
            raise ShellSyntaxError(f"unexpected {token.text!r}", source, token.offset)
    return words


def tokenize(source: str) -> list[Token]:
    """Words and operators, in order. Raises :class:`ShellSyntaxError`."""
    return _Tokenizer(source).run()


class _Tokenizer:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.tokens: list[Token] = []
        self._reset_word()

    def _reset_word(self) -> None:
        self.parts: list[str | bytes] = []
        self.started = False
        self.quoted = False
        self.word_offset = 0
        self.expansions: list[str] = []
        self.substitutions: list[str] = []

    def _begin(self) -> None:
        if not self.started:
            self.started = True
            self.word_offset = self.pos

    def _finish_word(self) -> None:
        if self.started:
            data = b"".join(p if isinstance(p, bytes) else encode_text(p) for p in self.parts)
            self.tokens.append(
                Word(
                    data.decode("utf-8", "surrogateescape"),
                    self.word_offset,
                    tuple(self.expansions),
                    tuple(self.substitutions),
                )
            )
        self._reset_word()

    def _error(self, problem: str, offset: int) -> ShellSyntaxError:
        return ShellSyntaxError(problem, self.src, offset)

    def run(self) -> list[Token]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch in _BLANKS or (ch == "\r" and src.startswith("\n", self.pos + 1)):
                self._finish_word()
                self.pos += 1
            elif ch == "\n":
                self._finish_word()
                self.tokens.append(Operator("\n", self.pos))
                self.pos += 1
            elif ch == "\\":
                self._backslash()
            elif ch == "'":
                self._begin()
                self._single_quoted()
            elif ch == '"':
                self._begin()
                self._double_quoted(self.pos + 1)
            elif ch == "$":
                self._begin()
                self._dollar(in_double_quotes=False)
            elif ch == "`":
                self._begin()
                self._backquote()
            elif ch == "#" and not self.started:
                end = src.find("\n", self.pos)
                self.pos = len(src) if end == -1 else end
            elif ch in "<>" and src.startswith("(", self.pos + 1):
                self._begin()
                self._process_substitution()
            elif ch in _OPERATOR_CHARS:
                self._operator()
            else:
                self._begin()
                match = _PLAIN_RUN.match(src, self.pos + 1)
                end = match.end() if match else self.pos + 1
                self.parts.append(src[self.pos : end])
                self.pos = end
        self._finish_word()
        return self.tokens

    def _backslash(self) -> None:
        src, pos = self.src, self.pos
        if src.startswith("\n", pos + 1):  # line continuation
            self.pos += 2
        elif src.startswith("\r\n", pos + 1):  # the same, pasted from a Windows clipboard
            self.pos += 3
        elif pos + 1 < len(src):
            self._begin()
            self.parts.append(src[pos + 1])
            self.quoted = True
            self.pos += 2
        else:  # a trailing backslash stays literal, as in bash
            self._begin()
            self.parts.append("\\")
            self.pos += 1

    def _single_quoted(self) -> None:
        start = self.pos
        end = self.src.find("'", start + 1)
        if end == -1:
            raise self._error("unterminated single quote", start)
        self.parts.append(self.src[start + 1 : end])
        self.quoted = True
        self.pos = end + 1

    def _double_quoted(self, body_start: int) -> None:
        src = self.src
        start = body_start - 1
        pos = body_start
        while True:
            if pos >= len(src):
                raise self._error("unterminated double quote", start)
            ch = src[pos]
            if ch == '"':
                self.quoted = True
                self.pos = pos + 1
                return
            if ch == "\\" and pos + 1 < len(src):
                nxt = src[pos + 1]
                if nxt == "\n":
                    pos += 2
                    continue
                if nxt in '$`"\\':
                    self.parts.append(nxt)
                    pos += 2
                    continue
                self.parts.append("\\")
                pos += 1
            elif ch == "$":
                self.pos = pos
                self._dollar(in_double_quotes=True)
                pos = self.pos
            elif ch == "`":
                self.pos = pos
                self._backquote()
                pos = self.pos
            else:
                match = _DOUBLE_QUOTED_RUN.match(src, pos)
                end = match.end() if match else pos + 1
                self.parts.append(src[pos:end])
                pos = end

    def _dollar(self, *, in_double_quotes: bool) -> None:
        src, pos = self.src, self.pos
        nxt = src[pos + 1] if pos + 1 < len(src) else ""
        if nxt == "'" and not in_double_quotes:
            self._ansi_c(pos)
        elif nxt == '"' and not in_double_quotes:  # $"..." is a translatable string
            self._double_quoted(pos + 2)
        elif nxt == "(":
            end = self._balanced_end(pos + 2, pos, "$(")
            self._literal_expansion(pos, end)
        elif nxt == "{":
            end = src.find("}", pos + 2)
            if end == -1:
                raise self._error("unterminated ${", pos)
            self._literal_expansion(pos, end + 1)
        elif nxt.isalpha() or nxt == "_":
            end = pos + 2
            while end < len(src) and (src[end].isalnum() or src[end] == "_"):
                end += 1
            self._literal_expansion(pos, end)
        elif nxt and nxt in _SPECIAL_PARAMETERS:
            self._literal_expansion(pos, pos + 2)
        else:
            self.parts.append("$")
            self.pos = pos + 1

    def _literal_expansion(self, start: int, end: int) -> None:
        text = self.src[start:end]
        self.parts.append(text)
        self.expansions.append(text)
        self.pos = end

    def _backquote(self) -> None:
        src, start = self.src, self.pos
        pos = start + 1
        while pos < len(src) and src[pos] != "`":
            pos += 2 if src[pos] == "\\" else 1
        if pos >= len(src):
            raise self._error("unterminated backquote", start)
        self._literal_expansion(start, pos + 1)

    def _process_substitution(self) -> None:
        start = self.pos
        end = self._balanced_end(start + 2, start, self.src[start : start + 2])
        self.parts.append(self.src[start:end])
        self.substitutions.append(self.src[start + 2 : end - 1])
        self.pos = end

    def _balanced_end(self, pos: int, start: int, opener: str) -> int:
        """Index just past the ``)`` closing a ``$(`` or ``<(`` that began at *start*."""
        src = self.src
        depth = 1
        while pos < len(src):
            ch = src[pos]
            if ch == "\\":
                pos += 2
                continue
            if ch == "'":
                end = src.find("'", pos + 1)
                if end == -1:
                    break
                pos = end + 1
                continue
            if ch == '"':
                pos += 1
                while pos < len(src) and src[pos] != '"':
                    pos += 2 if src[pos] == "\\" else 1
                pos += 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        raise self._error(f"unterminated {opener}", start)

    def _ansi_c(self, start: int) -> None:
        """``$'...'``: bash's ANSI-C quoting; a NUL byte ends the string.

        Like bash, first find the closing quote (a backslash always takes the
        next character with it), then decode the escapes inside.
        """
        src = self.src
        match = _ANSI_C_BODY.match(src, start + 2)
        pos = match.end() if match else start + 2
        if not src.startswith("'", pos):
            raise self._error("unterminated $' quote", start)
        self.parts.append(decode_ansi_c(src[start + 2 : pos]))
        self.quoted = True
        self.pos = pos + 1

    def _operator(self) -> None:
        src, pos = self.src, self.pos
        fd = ""
        if src[pos] in "<>" and self.started and not self.quoted and self._word_is_digits():
            fd = "".join(p for p in self.parts if isinstance(p, str))
            start = self.word_offset
            self._reset_word()
        else:
            self._finish_word()
            start = pos
        for candidate in ("&&", "||", ";;", "|&", ">>", "<<", ">&", "<&", "&>", "<>", ">|"):
            if src.startswith(candidate, pos):
                text = candidate
                break
        else:
            text = src[pos]
        self.tokens.append(Operator(fd + text, start))
        self.pos = pos + len(text)

    def _word_is_digits(self) -> bool:
        return all(isinstance(p, str) and p.isdigit() for p in self.parts) and bool(self.parts)

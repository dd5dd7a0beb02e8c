"""Read a pasted curl command into a :class:`CurlRequest`, as curl 8.2.1 would.

The rules are curl's, checked against its sources (``src/tool_getparam.c``,
``src/tool_operate.c``, ``lib/http.c``) and against what a real curl sends:
``-d`` chunks are joined with ``&`` (``--json`` chunks with nothing), ``-d
@file`` drops CR and LF, ``-H 'X;'`` sends an empty header and ``-H 'X:'``
removes one, ``-G`` moves the data to the query, and so on. Where we cannot
do what curl does (read standard input, run a command, upload with ``-T``)
we say so with :class:`CurlParseError`; options that do not change the
request are ignored, and the others we skip are listed in ``warnings``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from desktop.core.curl import options
from desktop.core.curl.data import (
    check_reference,
    file_to_string,
    is_inline,
    read_file,
    urlencode,
)
from desktop.core.curl.form import FormPart, encode_multipart, parse_field
from desktop.core.curl.headers import HeaderOptions, as_text, assemble_headers
from desktop.core.curl.request import BodyKind, CurlParseError, CurlRequest, HeaderOrigin
from desktop.core.curl.shell import Operator, ShellSyntaxError, Word, tokenize
from desktop.core.curl.url import append_query, split_credentials

_ISSPACE = " \t\n\v\f\r"
_SEPARATORS = frozenset({"\n", ";", "&", "&&", "|", "||", "|&", ";;", "(", ")"})
_AUTH_MODES = frozenset({"basic", "digest", "ntlm", "ntlm-wb", "negotiate", "anyauth"})
_DATA_OPTIONS = {
    "data": "ascii",
    "data-ascii": "ascii",
    "data-raw": "raw",
    "data-binary": "binary",
    "data-urlencode": "urlencode",
    "json": "json",
}


def parse_curl(command: str, *, cwd: Path | str | None = None) -> CurlRequest:
    """The request *command* describes; files named with ``@`` are read relative to *cwd*.

    Without *cwd* no file is read: a pasted command (from a ticket, a web page) could
    name ``@~/.ssh/id_rsa`` and put it in a request about to be sent. Each file it names
    is then listed in ``local_files`` and in a warning, and its contents are left out.
    Raises :class:`CurlParseError` (and nothing else) when the text cannot be read.
    """
    reader = _Reader(None if cwd is None else Path(cwd))
    args = reader.curl_arguments(command)
    reader.read_options(args)
    return reader.build()


class _Reader:
    def __init__(self, cwd: Path | None) -> None:
        self.cwd = cwd
        self.local_files: list[str] = []
        self.warnings: list[str] = []
        self.urls: list[str] = []
        self.method: str | None = None
        self.data: bytes | None = None
        self.get = self.head = self.insecure = self.follow = False
        self.forms: list[FormPart] = []
        self.url_queries: list[str] = []
        self.h = HeaderOptions()

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- from text to curl's argument list --------------------------------

    def curl_arguments(self, command: str) -> list[Word]:
        _reject_other_shells(command)
        if "\0" in command:
            raise CurlParseError(
                f"the text contains a NUL character at column {command.index(chr(0)) + 1}"
            )
        try:
            tokens = tokenize(command)
        except ShellSyntaxError as error:
            raise CurlParseError(str(error)) from None
        commands: list[list[Word | Operator]] = [[]]
        for token in tokens:
            if isinstance(token, Operator) and token.text in _SEPARATORS:
                commands.append([])
            else:
                commands[-1].append(token)
        commands = [c for c in commands if c]
        if not commands:
            raise CurlParseError("the text is empty: paste a curl command")
        first, rest = commands[0], commands[1:]
        if rest:
            self.warn("only the first command is read; the rest of the text is ignored")
        words = self._drop_redirections(first)
        while words and (words[0].text in ("$", "%") or re.fullmatch(r"\w+=.*", words[0].text)):
            words = words[1:]  # a prompt, or VAR=value before the command
        if not words or PurePath(words[0].text).name not in ("curl", "curl.exe"):
            start = words[0].text if words else first[0].text
            raise CurlParseError(
                f"this does not start with curl (it starts with {_short(start)!r})"
            )
        expansions = [e for w in words for e in w.expansions]
        if expansions:
            shown = ", ".join(dict.fromkeys(_short(e, 20) for e in expansions))
            self.warn(f"shell expansions were kept as literal text, not expanded: {shown}")
        return words[1:]

    def _drop_redirections(self, tokens: list[Word | Operator]) -> list[Word]:
        words: list[Word] = []
        skip_target = False
        for token in tokens:
            if isinstance(token, Operator):
                skip_target = True
                if token.text.lstrip("0123456789").startswith("<"):
                    self.warn("input redirection (<) is ignored")
            elif skip_target:
                skip_target = False
            else:
                words.append(token)
        return words

    # -- options -----------------------------------------------------------

    def read_options(self, args: list[Word]) -> None:
        index, flags_allowed = 0, True
        while index < len(args):
            word = args[index]
            index += 1
            text = word.text
            if flags_allowed and text == "--":
                flags_allowed = False
            elif flags_allowed and text.startswith("--"):
                name, value, toggle = text[2:], None, True
                if "=" in name and name.partition("=")[0] in options.TAKES_VALUE:
                    name, _, rest = name.partition("=")
                    value = Word(rest, word.offset, word.expansions, word.process_substitutions)
                    self.warn(f"curl itself does not accept --{name}=VALUE; read as --{name} VALUE")
                known = name in options.TAKES_VALUE or name in options.FLAGS
                if not known and name.startswith("no-") and name[3:] in options.NEGATABLE:
                    name, toggle = name[3:], False
                if name in options.TAKES_VALUE and value is None:
                    value = _value_at(args, index, f"--{name}")
                    index += 1
                if self.option(name, value, toggle, f"--{name}"):
                    return
            elif flags_allowed and text.startswith("-") and len(text) > 1:
                position = 1
                while position < len(text):
                    letter = text[position]
                    position += 1
                    name = options.SHORT.get(letter, "")
                    value = None
                    if name in options.TAKES_VALUE:
                        if position < len(text):
                            value = Word(
                                text[position:],
                                word.offset,
                                word.expansions,
                                word.process_substitutions,
                            )
                        else:
                            value = _value_at(args, index, f"-{letter}")
                            index += 1
                        position = len(text)
                    if self.option(name or f"-{letter}", value, True, f"-{letter}"):
                        return
            else:
                self.urls.append(text)

    def option(self, name: str, value: Word | None, toggle: bool, shown: str) -> bool:
        """Apply one option; True means stop reading (``--next``)."""
        text = value.text if value is not None else ""
        if name in _DATA_OPTIONS:
            self.add_data(value, _DATA_OPTIONS[name], shown)
        elif name == "url":
            self.urls.append(text)
        elif name == "request":
            self.method = text
        elif name == "header":
            self.add_header(value, shown)
        elif name == "form" or name == "form-string":
            self.forms.append(
                parse_field(
                    text,
                    literal=name == "form-string",
                    read_file=lambda p: self.read_file(value, p, shown),
                    warn=self.warn,
                )
            )
        elif name == "url-query":
            self.url_queries.append(text[1:] if text.startswith("+") else urlencode(text, None))
        elif name in ("get", "head", "insecure"):
            setattr(self, name, toggle)
        elif name in ("location", "location-trusted"):
            self.follow = toggle
        elif name == "compressed":
            self.h.compressed = toggle
        elif name == "user":
            self.h.user = self.text(text, shown)
            self.h.password_missing = ":" not in text
        elif name == "oauth2-bearer":
            self.h.bearer = self.text(text, shown)
        elif name in _AUTH_MODES:
            self.h.auth = name if toggle else "basic"
        elif name == "user-agent":
            self.h.user_agent = self.text(text, shown)
        elif name == "referer":
            self.h.referer = self.text(text.partition(";auto")[0], shown)
        elif name == "cookie":
            if text.startswith("@") or "=" not in text:
                self.warn(f"{shown} names a cookie file, which is not read")
            else:
                self.h.cookies.append(self.text(text, shown))
        elif name == "upload-file":
            raise CurlParseError(
                f"{shown} {_short(text)!r} uploads a local file with PUT, which is not "
                "supported (the file was not read); use -X PUT --data-binary @FILE instead"
            )
        elif name == "next":
            self.warn("only the first request is read; everything after --next is ignored")
            return True
        elif name in options.SILENT:
            pass
        elif name in options.TAKES_VALUE or name in options.FLAGS:
            self.warn(f"{shown} is not supported; it was ignored")
        else:
            self.warn(f"unknown option {_short(shown)} was ignored")
        return False

    def add_data(self, value: Word | None, mode: str, shown: str) -> None:
        assert value is not None
        text = value.text
        if mode == "urlencode":
            read = lambda path: self.read_file(value, path, shown)  # noqa: E731
            chunk = urlencode(text, read).encode("utf-8", "surrogateescape")
        elif mode != "raw" and text.startswith("@"):
            content = self.read_file(value, text[1:], shown)
            chunk = content if mode in ("binary", "json") else file_to_string(content)
        else:
            chunk = _bytes(text)
        joiner = b"" if mode == "json" else b"&"
        self.data = chunk if self.data is None else self.data + joiner + chunk
        self.h.json = self.h.json or mode == "json"

    def add_header(self, value: Word | None, shown: str) -> None:
        assert value is not None
        if value.text.startswith("@"):
            content = self.read_file(value, value.text[1:], shown)
            lines = re.split(r"[\r\n]+", content.decode("utf-8", "surrogateescape"))
            self.h.lines += [line for line in lines if line]
        else:
            self.h.lines.append(value.text)

    def text(self, value: str, shown: str) -> str:
        if "\r" in value or "\n" in value:
            raise CurlParseError(f"the value of {shown} contains a line break")
        return as_text(value, f"the value of {shown}", self.warn)

    def read_file(self, word: Word | None, path: str, shown: str) -> bytes:
        substitutions = word.process_substitutions if word else ()
        if self.cwd is not None or is_inline(path, substitutions):
            return read_file(self.cwd or Path(), path, shown, substitutions)
        check_reference(path, shown)
        self.local_files.append(path)
        self.warn(f"{shown} names the local file {_short(path)!r}, which curl would send; "
                  "Switchboard did not read it, so its contents are not in this request")
        return b""

    # -- the request -------------------------------------------------------

    def build(self) -> CurlRequest:
        url = self._url()
        has_data = self.data is not None
        if self.forms and has_data:
            raise CurlParseError(
                "-F cannot be combined with -d or --json: curl refuses to send both a form and data"
            )
        if self.head and (self.forms or (has_data and not self.get)):
            raise CurlParseError("-I/--head cannot be combined with a body (-d, --json or -F)")
        kind, body = BodyKind.NONE, b""
        if has_data and self.get:
            try:
                url = append_query(url, (self.data or b"").decode("utf-8"))
            except UnicodeDecodeError:
                raise CurlParseError(
                    "the data that -G puts in the URL is not valid UTF-8"
                ) from None
            if self.url_queries:
                self.warn("--url-query is ignored when -G moves the data into the URL, as in curl")
        else:
            for query in self.url_queries:
                url = append_query(url, query)
            if has_data:
                kind, body = BodyKind.DATA, self.data or b""
        if any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in url):
            raise CurlParseError(
                "the query contains a space or a control character, which curl rejects; "
                "use --data-urlencode or write a space as %20"
            )
        try:
            url.encode("utf-8")
        except UnicodeEncodeError:
            raise CurlParseError("the query is not valid UTF-8") from None
        assembled = assemble_headers(self.h, self.warn)
        headers, origins = assembled.headers, assembled.origins
        if self.forms:
            kind = BodyKind.MULTIPART
            custom_type = _pop_content_type(headers, origins)
            body, content_type = encode_multipart(self.forms, custom_type or "multipart/form-data")
            headers.append(("Content-Type", content_type))
            origins.append(HeaderOrigin.BODY)
        elif kind is BodyKind.DATA and "content-type" not in assembled.mentioned:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            origins.append(HeaderOrigin.BODY)
        return CurlRequest(
            method=self._method(has_data),
            url=url,
            headers=tuple(headers),
            body=body,
            insecure=self.insecure,
            follow_redirects=self.follow,
            warnings=tuple(self.warnings),
            removed_headers=tuple(dict.fromkeys(assembled.removed)),
            header_origins=tuple(origins),
            body_kind=kind,
            local_files=tuple(dict.fromkeys(self.local_files)),
        )

    def _url(self) -> str:
        if not self.urls:
            raise CurlParseError("no URL found in the command")
        if len(self.urls) > 1:
            self.warn(f"the command has {len(self.urls)} URLs; only the first is used")
        url, credentials = split_credentials(self.urls[0])
        if credentials is not None and self.h.user is None:
            self.h.user = credentials
        return url

    def _method(self, has_data: bool) -> str:
        if self.method is not None:
            if not self.method or any(c in _ISSPACE or ord(c) < 0x20 for c in self.method):
                raise CurlParseError(f"-X {_short(self.method)!r} is not a method name")
            return self.method
        if self.head:
            return "HEAD"
        return "POST" if self.forms or (has_data and not self.get) else "GET"


def _reject_other_shells(command: str) -> None:
    if re.search(r"(^|\s)\^[ \t]*\r?$", command, re.MULTILINE) or 'curl ^"' in command:
        raise CurlParseError(
            "this looks like a Windows cmd.exe command (^ escapes); copy it as cURL (bash) instead"
        )
    if re.search(r"(^|\s)`[ \t]*\r?$", command, re.MULTILINE):
        raise CurlParseError(
            "this looks like a PowerShell command (` line continuations); "
            "copy it as cURL (bash) instead"
        )


def _value_at(args: list[Word], index: int, shown: str) -> Word:
    if index >= len(args):
        raise CurlParseError(f"{shown} needs a value, but the command ends there")
    return args[index]


def _pop_content_type(headers: list[tuple[str, str]], origins: list[HeaderOrigin]) -> str | None:
    """curl sends a -H Content-Type with -F as the form's own type, plus a boundary."""
    found: str | None = None
    for index in reversed(range(len(headers))):
        if headers[index][0].lower() == "content-type" and origins[index] is HeaderOrigin.HEADER:
            found = headers[index][1] or found
            del headers[index], origins[index]
    return found


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Secret shapes in free text beyond ``name=value``: URL passwords, ``curl -u``, key
files, XML elements, multipart form parts and ``the password is …`` in prose.

Each rule takes the text, a ``counted(kind)`` callback and (where the text may
be a URL or raw JSON) a marker function, and returns the new text. Every
pattern starts with a literal, or runs only after an ``in`` test and the
shapes gate (``formats.may_have_shapes``), so ordinary traffic never pays for
them. Values never swallow a quote or a backslash, so raw JSON stays valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from desktop.core.redact.names import PHONE, field_kind, secret_kind
from desktop.core.redact.phones import looks_like_phone, mask_phone

Counted = Callable[..., None]
Marker = Callable[[str], str]

_REDACTED = "[REDACTED:"

URL_USERINFO = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.-]{0,31}://(?P<user>[^\s/?#@:\"'<>\\]*):)"
    r"(?P<password>[^\s/?#\"'<>\\]*)@"
)
"""``scheme://user:password@``: greedy to the last '@' of the authority, as urlsplit."""

CURL_CREDENTIALS = re.compile(
    r"-(?P<flag>u|U|-user|-proxy-user|-oauth2-bearer)(?:[ \t]+|=)?"
    r"(?:'(?P<sq>[^'\n]*)'|\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|(?P<bare>[^\s'\"\\)(-][^\s'\"\\)]*))"
)
"""Starts with a literal so the scan is fast; a flag glued to a word (``re-use``) is
refused in the callback."""
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
KEY_FILE = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:[\s\S]*?-----END [A-Z0-9 ]*-----|(?:[A-Za-z0-9+/=\s:,._-]|\\[nrt/])*)"
    r"|PuTTY-User-Key-File-\d+:[^\"'<>]*?(?:Private-MAC:[ \t]*[0-9a-fA-F]+|$)"
)
"""A PEM private-key block (to its END line, or to where the key characters stop) or a
PuTTY key file (to its MAC)."""

XML_ELEMENT = re.compile(
    r"<(?P<tag>(?:[\w.-]+:)?[^\W\d][\w.-]{0,63})(?:\s[^<>]*)?>"
    r"(?P<value><!\[CDATA\[[\s\S]*?\]\]>|[^<]*)</(?P=tag)\s*>"
)
MULTIPART_PART = re.compile(
    r"(?im)^content-disposition:[ \t]*form-data;[^\r\n]*?\bname\*?="
    r"(?:\"(?P<name>[^\"\r\n]*)\"|(?P<bare>[^;\s]+))[^\r\n]*"
    r"(?:\r?\n[^\r\n]+)*\r?\n\r?\n(?P<value>[\s\S]*?)(?=\r?\n--|\Z)"
)
_PHRASE_VERB = re.compile(r" (?:is|was) ")
"""Sentences are found from their verb (a literal: fast), then the name before it..."""
_PHRASE_NAME = re.compile(r"(?<![\w.-])[^\W\d_][\w-]{0,63}$")
_PHRASE_VALUE = re.compile(
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'|`(?P<bq>[^`\n]{1,256})`"
    r"|(?P<bare>[^\s\"'`<>]{4,256}))"
)
"""... and the value after it."""
_PHRASE_KINDS = frozenset({"password", "pin", "otp", "secret", "client_secret", "api_key",
                           "access_token", "refresh_token", "token", "key", "webhook_secret",
                           "private_key", "signing_key", "master_key", "hmac_key"})
"""Kinds worth a sentence ("the PIN is 1234"); not ticket, session or signature, which
support texts use for other things ("the ticket is #4521")."""
_TRAILING = ".,;:!?)]}"


def looks_like_credential(value: str) -> bool:
    """An unquoted word in prose that is a credential rather than a word: it has a digit or
    a symbol or mixed case ("hunter2", "s3cr3t!", "xK9mQ"), not "expired" or "Invalid"."""
    value = value.rstrip(_TRAILING)
    if len(value) < 4 or _REDACTED in value:
        return False
    if not value.isalpha():
        return True
    return not (value.islower() or value.isupper() or value.istitle())


def redact_url_passwords(text: str, counted: Counted, marker: Marker) -> str:
    """``https://user:pw@host`` → ``https://user:[REDACTED:password]@host``; a key used as
    the user name with no password (``https://KEY:@host``) goes instead."""
    if "://" not in text or "@" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        password = match.group("password")
        user = match.group("user")
        if password:
            if _REDACTED in unquote(password):
                return match.group()
            counted("password")
            return match.group("head") + marker("password") + "@"
        if len(user) >= 8 and _REDACTED not in unquote(user):
            counted("credential")
            head = match.group("head")
            return head[: len(head) - len(user) - 1] + marker("credential") + ":@"
        return match.group()

    return URL_USERINFO.sub(sub, text)


def redact_curl_credentials(text: str, counted: Counted, marker: Marker) -> str:
    """``curl -u id:secret``, ``--user``, ``--proxy-user``, ``--oauth2-bearer`` in text."""
    if "-u" not in text and "-U" not in text and "bearer" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        group = next(g for g in ("sq", "dq", "bare") if match.group(g) is not None)
        value = match.group(group)
        if not value or _REDACTED in value or (match.start() and
                                               text[match.start() - 1] in _WORD_CHARS):
            return match.group()
        start, end = match.span(group)
        if match.group("flag") == "-oauth2-bearer":
            kind, new = "bearer", marker("bearer")
        else:
            user, colon, password = value.partition(":")
            if not colon:
                return match.group()  # a user name alone: curl asks for the password
            if password:
                kind, new = "password", user + ":" + marker("password")
            elif len(user) >= 8:
                kind, new = "credential", marker("credential") + ":"
            else:
                return match.group()
        counted(kind)
        base = match.start()
        whole = match.group()
        return whole[: start - base] + new + whole[end - base:]

    return CURL_CREDENTIALS.sub(sub, text)


def redact_key_files(text: str, counted: Counted, marker: Marker) -> str:
    """PEM private keys and PuTTY key files, whole."""
    if "PRIVATE KEY" not in text and "PuTTY-User-Key-File-" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        counted("private_key")
        return marker("private_key")

    return KEY_FILE.sub(sub, text)


def redact_xml_elements(text: str, counted: Counted, *, json_raw: bool = False,
                        phones: bool = True) -> str:
    """``<password>v</password>``, ``<ns:ApiKey>v</ns:ApiKey>``, CDATA values included;
    ``<to>+14155550123</to>`` masked when ``phones``."""
    if "</" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        value = match.group("value")
        kind = field_kind(match.group("tag"))
        if kind is None or not value.strip() or _REDACTED in value:
            return match.group()
        if json_raw and ('"' in value or "\\" in value):
            return match.group()
        if kind == PHONE:
            if not phones or not looks_like_phone(value.strip()):
                return match.group()
            counted("phone")
            new = mask_phone(value)
        else:
            counted(kind)
            new = f"[REDACTED:{kind}]"
        start, end = match.span("value")
        base = match.start()
        whole = match.group()
        return whole[: start - base] + new + whole[end - base:]

    return XML_ELEMENT.sub(sub, text)


def redact_multipart_parts(text: str, counted: Counted) -> str:
    """The value of a ``Content-Disposition: form-data; name="password"`` part."""
    if "form-data" not in text.lower():
        return text

    def sub(match: re.Match[str]) -> str:
        name = match.group("name") if match.group("name") is not None else match.group("bare")
        kind = secret_kind(name)
        value = match.group("value")
        if kind is None or not value or _REDACTED in value:
            return match.group()
        counted(kind)
        start = match.start("value") - match.start()
        return match.group()[:start] + f"[REDACTED:{kind}]"

    return MULTIPART_PART.sub(sub, text)


def redact_phrases(text: str, counted: Counted) -> str:
    """``the password is hunter2``, ``PIN was 1234``, ``api key is "abc def"``."""
    if " is " not in text and " was " not in text:
        return text
    out: list[str] = []
    last = 0
    for verb in _PHRASE_VERB.finditer(text):
        if verb.start() < last:
            continue
        before = text[max(last, verb.start() - 64):verb.start()]
        word = before.rsplit(None, 1)[-1] if before.strip() else ""
        if not word or secret_kind(word) not in _PHRASE_KINDS:  # cached: cheap rejection
            continue
        name = _PHRASE_NAME.search(before)
        kind = secret_kind(name.group()) if name is not None else None
        value = _PHRASE_VALUE.match(text, verb.end()) if kind in _PHRASE_KINDS else None
        if value is None or kind is None:
            continue
        group = next(g for g in ("dq", "sq", "bq", "bare") if value.group(g) is not None)
        found = value.group(group)
        if _REDACTED in found or (group == "bare" and not looks_like_credential(found)):
            continue
        start, end = value.span(group)
        if group == "bare":
            end -= len(found) - len(found.rstrip(_TRAILING))
        counted(kind)
        out.append(text[last:start])
        out.append(f"[REDACTED:{kind}]")
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)

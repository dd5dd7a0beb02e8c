"""Secret-looking strings in free text: JWTs, bearer and Basic credentials, webhook
secrets and ``name=value`` / ``"name": "value"`` pairs with a secret name.

These catch secrets the redactor was never told about (another profile's
token pasted into a log line, a header copied into a note). Every pattern
starts with a literal or is only run after a cheap ``in`` check, because
the bundle pushes tens of megabytes through them.

Each rule takes the text and a ``counted(kind)`` callback and returns the
new text; ``json_raw=True`` restricts replacements to characters that can
sit inside a JSON string, so raw JSON stays valid JSON.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from desktop.core.redact.names import PHONE, field_kind
from desktop.core.redact.phones import looks_like_phone, mask_phone

Counted = Callable[[str], None]

MARKER_PREFIX = "[REDACTED:"
MARKER_RE = re.compile(r"\[REDACTED:([a-z0-9_]+)\]")
URL_MARKER_RE = re.compile(r"%5BREDACTED(?::|%3A)([a-z0-9_]+)%5D", re.IGNORECASE)

AUTH_SCHEMES = frozenset({"basic", "bearer", "digest", "token", "negotiate", "hoba", "mutual",
                          "dpop", "gnap", "hmac", "apikey"})
WEAK_KINDS = frozenset({"key", "token", "session", "credential", "signature", "cookie", "secret"})
"""Kinds whose name is also an ordinary word: in prose, only values of 8+ characters count."""


JWT = re.compile(
    r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"
)
WHSEC = re.compile(r"whsec_[A-Za-z0-9+/=_-]{6,}")
BEARER = re.compile(r"(?:Bearer|bearer|BEARER)([ \t]+)([A-Za-z0-9._~+/-]{8,}=*)")
BASIC = re.compile(r"(?:Basic|basic|BASIC)([ \t]+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])")
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

_SCHEME = r"(?P<scheme>(?:Bearer|Basic|Digest|Token|bearer|basic|token)[ \t]+)?"
_NAME = r"(?<![\w.-])(?P<name>[A-Za-z][\w.-]{0,63}+)"
_SEP = r"(?P<sep>[ \t]*(?:=|:(?=[ \t\"']|$))[ \t]*)"
"""'=' or ': ': a colon glued to its value is a URL scheme or a time, not a pair."""
_BARE = r"(?P<bare>[^\s\"'\\&,;<>()\[\]{}=?]+=*)"
"""Stops at '?' and '=' so a declined ``url=https://h/?token=x`` does not swallow the token."""
KEY_VALUE_TEXT = re.compile(
    _NAME + r"(?P<q>[\"']?)" + _SEP
    + r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|'(?P<sq>[^'\n]*)'|" + _SCHEME + _BARE + ")"
)
KEY_VALUE_JSON = re.compile(
    _NAME + r"(?P<q>)(?P<sep>[ \t]*=[ \t]*)(?:(?P<dq>(?!))|(?P<sq>(?!))|" + _SCHEME + _BARE + ")"
)
"""Inside raw JSON only ``name=value`` (a query or form string inside a JSON string) is
looked for: JSON's own ``"name": value`` pairs are handled by parsing when a name is secret."""
COOKIE_LINE = re.compile(r"(?<![\w-])((?:[Ss]et-)?[Cc]ookie[ \t]*:[ \t]*)([^\r\n\"\\]+)")


def marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def is_redacted(value: str) -> bool:
    return MARKER_PREFIX in value


def _preceded_by_token_char(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in _TOKEN_CHARS


def redact_jwts(text: str, counted: Counted) -> str:
    if "eyJ" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        if _preceded_by_token_char(text, match.start()):
            return match.group()
        counted("jwt")
        return marker("jwt")

    return JWT.sub(sub, text)


def redact_webhook_secrets(text: str, counted: Counted) -> str:
    if "whsec_" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        counted("webhook_secret")
        return marker("webhook_secret")

    return WHSEC.sub(sub, text)


def redact_bearer(text: str, counted: Counted) -> str:
    """``Bearer <token>`` in prose; "Bearer authentication" is left alone.

    Callers run it only when the lowercased text contains "bearer".
    """

    def sub(match: re.Match[str]) -> str:
        token = match.group(2)
        if _preceded_by_token_char(text, match.start()) or (token.isalpha() and len(token) < 24):
            return match.group()
        counted("bearer")
        return match.group()[: match.start(2) - match.start()] + marker("bearer")

    return BEARER.sub(sub, text)


def redact_basic(text: str, counted: Counted) -> str:
    """``Basic <base64 of id:secret>`` in prose: only when it decodes to a credential.

    Callers run it only when the lowercased text contains "basic".
    """

    def sub(match: re.Match[str]) -> str:
        blob = match.group(2)
        if _preceded_by_token_char(text, match.start()) or not _is_credential(blob):
            return match.group()
        counted("basic")
        return match.group()[: match.start(2) - match.start()] + marker("basic")

    return BASIC.sub(sub, text)


def _is_credential(blob: str) -> bool:
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in raw


def redact_patterns(
    text: str, patterns: tuple[tuple[str, re.Pattern[str]], ...], counted: Counted, *,
    json_raw: bool = False,
) -> str:
    """Provider-specific patterns such as ``trk_[A-Za-z0-9]{32}``."""
    for kind, pattern in patterns:
        if pattern.search(text) is None:
            continue

        def sub(match: re.Match[str], kind: str = kind) -> str:
            if not match.group() or is_redacted(match.group()):
                return match.group()
            if json_raw and ('"' in match.group() or "\\" in match.group()):
                return match.group()
            counted(kind)
            return marker(kind)

        text = pattern.sub(sub, text)
    return text


def auth_value(value: str, kind: str = "authorization") -> str:
    """Keep the scheme of an Authorization-style value: ``Bearer [REDACTED:authorization]``."""
    head, sep, rest = value.strip().partition(" ")
    if sep and rest.strip() and head.lower() in AUTH_SCHEMES | {head.lower()} and _is_scheme(head):
        return f"{head} {marker(kind)}"
    return marker(kind)


def _is_scheme(word: str) -> bool:
    return word.isascii() and word.replace("-", "").replace("_", "").isalnum() and len(word) <= 24


def redact_key_values(text: str, counted: Counted, *, json_raw: bool = False) -> str:
    """``client_secret=...``, ``"password": "..."``, ``X-Api-Key: ...`` in free text."""
    if json_raw and "=" not in text:
        return text
    pattern = KEY_VALUE_JSON if json_raw else KEY_VALUE_TEXT

    def sub(match: re.Match[str]) -> str:
        kind = field_kind(match.group("name"))
        if kind is None:
            return match.group()
        for group in ("dq", "sq", "bare"):
            value = match.group(group)
            if value is not None:
                break
        if not value or is_redacted(value):
            return match.group()
        scheme = match.group("scheme") or ""
        after = text[match.end():match.end() + 2].strip()
        if not scheme and value.lower() in AUTH_SCHEMES and after.startswith("["):
            return match.group()  # "Bearer [REDACTED:...]": already done
        if kind == PHONE:
            if not looks_like_phone(value):
                return match.group()
            counted("phone")
            new = mask_phone(value)
        else:
            if kind in WEAK_KINDS and len(value) < 8 and match.group("q") == "":
                return match.group()
            is_auth = group == "dq" and kind == "authorization"
            new = auth_value(value) if is_auth else marker(kind)
            counted(kind)
        start, end = match.span(group)
        base = match.start()
        whole = match.group()
        return whole[: start - base] + new + whole[end - base:]

    return pattern.sub(sub, text)


def redact_cookie_lines(text: str, counted: Counted) -> str:
    """``Cookie: a=1; b=2`` lines in free text keep the cookie names only."""
    if "ookie" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        return match.group(1) + cookie_value(match.group(2), counted)

    return COOKIE_LINE.sub(sub, text)


def cookie_value(value: str, counted: Counted, *, set_cookie: bool = False) -> str:
    """``a=1; b=2`` → ``a=[REDACTED:cookie]; b=[REDACTED:cookie]``; Set-Cookie keeps attributes."""
    parts = value.split(";")
    out = []
    for index, part in enumerate(parts):
        if set_cookie and index > 0:
            out.append(part)
            continue
        name, eq, cookie = part.partition("=")
        if eq and cookie.strip() and not is_redacted(cookie):
            counted("cookie")
            out.append(f"{name}={marker('cookie')}")
        elif not eq and part.strip() and not set_cookie and not is_redacted(part):
            counted("cookie")
            out.append(marker("cookie") if not part.startswith(" ") else " " + marker("cookie"))
        else:
            out.append(part)
    return ";".join(out)

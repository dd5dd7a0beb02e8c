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
from typing import TYPE_CHECKING

from desktop.core.redact.names import PHONE, field_kind, is_weak_name
from desktop.core.redact.phones import looks_like_phone, mask_phone
from desktop.core.redact.views import re2_text

if TYPE_CHECKING:
    from desktop.core.userregex import UserRegex

Counted = Callable[[str], None]

MARKER_PREFIX = "[REDACTED:"
MARKER_RE = re.compile(r"\[REDACTED:([a-z0-9_]+)\]")
URL_MARKER_RE = re.compile(r"%5BREDACTED(?::|%3A)([a-z0-9_]+)%5D", re.IGNORECASE)

AUTH_SCHEMES = frozenset({"basic", "bearer", "digest", "token", "negotiate", "hoba", "mutual",
                          "dpop", "gnap", "hmac", "apikey"})
WEAK_KINDS = frozenset({"key", "token", "session", "credential", "signature", "cookie", "secret"})
"""Kinds whose name is also an ordinary word: in prose, only values of 8+ characters count."""


JWT = re.compile(
    r"e(?:yJ|yA|w[o0k])[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*"
    r"(?:\.[A-Za-z0-9_-]*){0,2}"
)
"""JWS and JWE compact forms. A JOSE header is base64url JSON: ``{"`` encodes as ``eyJ``,
``{ "`` as ``eyAi``, ``{\\n`` as ``ewo``, ``{\\r`` as ``ew0``, ``{\\t`` as ``ewk``; the
rarer starts are only taken when the header decodes to a JSON object."""
JWT_STARTS = ("eyJ", "eyA", "ewo", "ew0", "ewk")
WHSEC = re.compile(r"whsec_[A-Za-z0-9+/=_-]{6,}")
BEARER = re.compile(r"(?:Bearer|bearer|BEARER)([ \t]+)([A-Za-z0-9._~+/-]{8,}=*)")
BASIC = re.compile(r"(?:Basic|basic|BASIC)([ \t]+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])")
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

_SCHEME = r"(?P<scheme>(?:Bearer|Basic|Digest|Token|bearer|basic|token)[ \t]+)?"
_NAME = r"(?<![\w.-])(?P<name>_?[^\W\d_][\w.\u00ad\u200b-\u200d\u2060\ufeff-]{0,63}+)"
"""A letter in any script (``ＰＡＳＳ``, ``pаss`` are names too), invisible characters
inside (``p\u200bass``); one leading '_' (npm's ``_authToken``)."""
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
    """A marker, as written in text or percent-encoded in a URL (redaction is idempotent)."""
    return MARKER_PREFIX in value or "%5BREDACTED" in value or "%5bREDACTED" in value


def _preceded_by_token_char(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in _TOKEN_CHARS


def redact_jwts(text: str, counted: Counted) -> str:
    if not any(start in text for start in JWT_STARTS):
        return text

    def sub(match: re.Match[str]) -> str:
        token = match.group()
        if _preceded_by_token_char(text, match.start()):
            return token
        if not token.startswith("eyJ") and not _is_jose_header(token.partition(".")[0]):
            return token
        counted("jwt")
        return marker("jwt")

    return JWT.sub(sub, text)


def _is_jose_header(segment: str) -> bool:
    """Whether a base64url segment decodes to the start of a JSON object with a string key."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return False
    return raw.startswith(b"{") and raw[1:].lstrip(b" \t\r\n").startswith(b'"')


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
    text: str, patterns: tuple[tuple[str, UserRegex], ...], counted: Counted, *,
    json_raw: bool = False,
) -> str:
    """Provider-specific patterns such as ``trk_[A-Za-z0-9]{32}`` (RE2: linear time)."""
    for kind, pattern in patterns:
        try:
            matches = list(pattern.finditer(text))
        except UnicodeEncodeError:  # lone surrogates: same offsets in RE2's copy
            matches = list(pattern.finditer(re2_text(text)))
        out = []
        last = 0
        for match in matches:
            start, end = match.span()
            found = text[start:end]
            if not found or is_redacted(found) or (json_raw and ('"' in found or "\\" in found)):
                continue
            out.append(text[last:start])
            out.append(marker(kind))
            counted(kind)
            last = end
        if out:
            out.append(text[last:])
            text = "".join(out)
    return text


def search_patterns(patterns: tuple[tuple[str, UserRegex], ...], text: str) -> bool:
    """Whether any provider pattern matches ``text``."""
    try:
        return any(pattern.search(text) is not None for _, pattern in patterns)
    except UnicodeEncodeError:
        safe = re2_text(text)
        return any(pattern.search(safe) is not None for _, pattern in patterns)


def auth_value(value: str, kind: str = "authorization") -> str:
    """Keep the scheme of an Authorization-style value: ``Bearer [REDACTED:authorization]``."""
    head, sep, rest = value.strip().partition(" ")
    if sep and rest.strip() and head.lower() in AUTH_SCHEMES | {head.lower()} and _is_scheme(head):
        return f"{head} {marker(kind)}"
    return marker(kind)


def _is_scheme(word: str) -> bool:
    return word.isascii() and word.replace("-", "").replace("_", "").isalnum() and len(word) <= 24


_VALUE_STOPS = frozenset(" \t\r\n\f\v\"'\\&,;<>()[]{}?")
"""Where a bare value ends when it is widened past an '=' (``pin=a=b``, ``pin= pin=v``)."""


def redact_key_values(text: str, counted: Counted, *, json_raw: bool = False,
                      _depth: int = 0) -> str:
    """``client_secret=...``, ``"password": "..."``, ``X-Api-Key: ...`` in free text."""
    if json_raw and "=" not in text:
        return text
    pattern = KEY_VALUE_JSON if json_raw else KEY_VALUE_TEXT
    out: list[str] = []
    last = 0  # text[:last] is settled (copied to out, or replaced)
    position = 0
    while (match := pattern.search(text, position)) is not None:
        replaced = _pair(text, match, counted, _depth)
        if replaced is None:
            # Kept: look again from its bare value, which may be a pair itself ("a= pin=v").
            position = match.start("bare") if match.group("bare") else match.end()
            continue
        new, end = replaced
        out.append(text[last:match.start()])
        out.append(new)
        last = position = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _pair(text: str, match: re.Match[str], counted: Counted,
          depth: int) -> tuple[str, int] | None:
    """The redacted text of one ``name=value`` match and where it ends, or None to keep it."""
    kind = field_kind(match.group("name"))
    for group in ("dq", "sq", "bare"):
        value = match.group(group)
        if value is not None:
            break
    start, end = match.span(group)
    base = match.start()
    whole = match.group()
    if kind is None:
        if group != "bare" and value and ("=" in value or ":" in value) and depth < 3:
            # A quoted value is consumed whole: look inside it for pairs of its own
            # ("note": "retry with password=..."), a few levels of escaped quotes deep.
            inner = redact_key_values(value, counted, _depth=depth + 1)
            if inner != value:
                return whole[: start - base] + inner + whole[end - base:], match.end()
        return None
    if not value or is_redacted(value):
        return None
    if group == "bare" and value.endswith(":"):
        return None  # "X-Api-Key: X-Api-Key: v": the "value" is the next name
    if group == "bare" and text.startswith(MARKER_PREFIX, end):
        return None  # "pw=a[REDACTED:…]": a pass before settled this value (idempotence)
    scheme = match.group("scheme") or ""
    after = text[match.end():match.end() + 2].strip()
    if not scheme and value.lower() in AUTH_SCHEMES and after.startswith("["):
        return None  # "Bearer [REDACTED:...]": already done
    if group == "bare" and ":" in match.group("sep") and is_weak_name(match.group("name")) \
            and not _looks_like_credential(value, kind):
        return None  # "step 3 pass: 200", "Ticket: ZD-4521"
    if kind == PHONE:
        if not looks_like_phone(value):
            return None
        counted("phone")
        return whole[: start - base] + mask_phone(value) + whole[end - base:], match.end()
    header = match.group("name")[:2].lower() in ("x-", "x_")  # X-…-Token: a header
    if kind in WEAK_KINDS and len(value) < 8 and match.group("q") == "" and not header:
        return None
    counted(kind)
    if group == "bare":  # a value that goes on past an '=' is still the value
        while end < len(text) and text[end] not in _VALUE_STOPS:
            end += 1
        return whole[: start - base] + marker(kind), end
    new = auth_value(value) if group == "dq" and kind == "authorization" else marker(kind)
    return whole[: start - base] + new + whole[end - base:], match.end()


def redact_cookie_lines(text: str, counted: Counted) -> str:
    """``Cookie: a=1; b=2`` lines in free text keep the cookie names only."""
    if "ookie" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        set_cookie = match.group(1)[:1] in "Ss"  # Set-Cookie: one cookie, then attributes
        return match.group(1) + cookie_value(match.group(2), counted, set_cookie=set_cookie)

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
        if set_cookie and index == 0 and not eq and part.strip() and not is_redacted(part):
            counted("cookie")  # a nameless cookie: "Set-Cookie: abc123def"
            out.append(marker("cookie") if not part.startswith(" ") else " " + marker("cookie"))
        elif eq and cookie.strip() and not is_redacted(cookie):
            counted("cookie")
            out.append(f"{name}={marker('cookie')}")
        elif not eq and part.strip() and not set_cookie and not is_redacted(part):
            counted("cookie")
            out.append(marker("cookie") if not part.startswith(" ") else " " + marker("cookie"))
        else:
            out.append(part)
    return ";".join(out)


def _looks_like_credential(value: str, kind: str) -> bool:
    """A value after a weak name in prose: a digit, a symbol or mixed case, 6+ characters.
    A ticket needs more: support ticket ids (``ZD-4521``, ``INC0012345``) are short and
    upper case; Kerberos and CAS tickets are long or mixed case with digits."""
    value = value.rstrip(".,;:!?)]}")
    if kind == "ticket":
        mixed = any(c.islower() for c in value) and any(c.isupper() for c in value) \
            and any(c.isdigit() for c in value)
        return len(value) >= 16 or (len(value) >= 8 and mixed)
    if len(value) < 6:
        return False
    if not value.isalpha():
        return not value.isdigit() or len(value) >= 8
    return not (value.islower() or value.isupper() or value.istitle())

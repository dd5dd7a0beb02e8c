"""Which field, parameter and header names carry secrets (or phone numbers).

One table serves JSON keys at any depth, form fields, query parameters,
XML elements, multipart parts and header names, so ``client_secret``,
``clientSecret``, ``Client-Secret``, ``CLIENT_SECRET``, ``ＣＬＩＥＮＴ_ＳＥＣＲＥＴ``
(full width) and ``clіent_secret`` (Cyrillic і) are the same name: a name is
folded (compatibility-decomposed, accents and zero-width characters dropped,
case-folded, look-alike letters mapped to Latin) before it is classified.
The rules are written to keep what a support engineer needs readable:
``token_type: "bearer"``, ``expires_in``, ``key_id``, ``Idempotency-Key`` and
``WWW-Authenticate`` are not secrets, and neither are ``pinned``,
``passenger``, ``passthrough`` or ``refresh_interval``.

Classification, on the folded name with every non-alphanumeric removed:

1. exact names (``key``, ``auth``, ``sig``, ``pin``, ``pass``, ``otp``,
   ``ticket``, ``refresh`` ...) and strong compounds (``client_secret``,
   ``access_token``, ``api_key``, ``signing_key`` ...) win; ``X-…-Key``
   headers are API keys unless they name an id (``X-Idempotency-Key``);
2. a name ending in a *descriptive* suffix (``_type``, ``_url``, ``_id``,
   ``_expires_in``, ``_name``, ``_header`` ...) describes a secret, it is
   not one;
3. a name whose last word is ``pass``, ``pw``, ``pin``, ``otp`` or ``jwt``
   (``smtp_pass``, ``userPin``) is one; ``bypass`` and ``compass`` are not;
4. otherwise a name containing a secret word (secret, token, password,
   signature, session, cookie, credential, assertion, private key ...) is
   a secret of that family.

Every secret name, folded, contains one of ``TRIGGER_WORDS``, which lets the
redactor skip whole bodies with a few ``in`` tests; keep the two in step (a
test checks it).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PHONE = "phone"
"""Pseudo-kind of names whose values are phone numbers (masked, not redacted)."""

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

TRIGGER_WORDS = ("secret", "token", "pass", "pw", "key", "sig", "session", "cookie", "auth",
                 "credential", "assertion", "pin", "otp", "jwt", "ticket", "refresh", "bearer",
                 "saml")
"""A folded text without any of these contains no secret-named field."""

WEAK_NAMES = frozenset({"pass", "ticket", "refresh", "bearer"})
"""Exact names that are also everyday words ("step 3 pass: 200", "Ticket: #4521"): in prose,
``name: value`` counts only when the value looks like a credential (``name=value``,
quoted values, fields and parameters always count)."""

_EXACT: dict[str, str] = {
    "key": "key",
    "apikey": "api_key",
    "xapikey": "api_key",
    "auth": "authorization",
    "xauth": "authorization",
    "authorization": "authorization",
    "xauthorization": "authorization",
    "proxyauthorization": "authorization",
    "cookie": "cookie",
    "setcookie": "cookie",
    "sig": "signature",
    "pwd": "password",
    "pw": "password",
    "pass": "password",
    "passcode": "password",
    "pin": "pin",
    "pincode": "pin",
    "xpin": "pin",
    "otp": "otp",
    "totp": "otp",
    "otpcode": "otp",
    "bearer": "bearer",
    "jwt": "jwt",
    "ticket": "ticket",
    "refresh": "refresh_token",
    "samlresponse": "saml_response",
    "sessionid": "session",
}

# Compounds that name a secret whatever they end with, checked in order.
_STRONG: tuple[tuple[str, str], ...] = (
    ("clientsecret", "client_secret"),
    ("clientassertion", "client_assertion"),
    ("accesstoken", "access_token"),
    ("refreshtoken", "refresh_token"),
    ("idtoken", "id_token"),
    ("webhooksecret", "webhook_secret"),
    ("signingsecret", "webhook_secret"),
    ("apikey", "api_key"),
    ("appkey", "api_key"),
    ("authkey", "api_key"),
    ("subscriptionkey", "api_key"),
    ("accesskey", "api_key"),
    ("clientkey", "client_key"),
    ("signingkey", "signing_key"),
    ("licensekey", "license_key"),
    ("masterkey", "master_key"),
    ("encryptionkey", "encryption_key"),
    ("hmackey", "hmac_key"),
    ("secretkey", "secret"),
    ("privatekey", "private_key"),
    ("password", "password"),
    ("passwd", "password"),
    ("passphrase", "password"),
    ("samlresponse", "saml_response"),
)

# Suffixes that describe a secret rather than hold one: token_type, key_id, ...
_DESCRIPTIVE = re.compile(
    r"(?:type|typehint|hint|url|uri|endpoint|method|methods|scheme|alg|algorithm|version|"
    r"expiresin|expiresat|expires|expiry|expiration|expired|ttl|lifetime|timeout|fresh|"
    r"count|length|len|header|headers|name|names|id|ids|configured|enabled|required|"
    r"present|supported|status|format|location|path|policy|mode|kind|source|prefix|last4|"
    r"timestamp|issuedat|createdat|updatedat|rotatedat)$"
)

# Families, checked in order: the first word found gives the kind.
_FAMILIES: tuple[tuple[str, str], ...] = (
    ("signature", "signature"),
    ("secret", "secret"),
    ("password", "password"),
    ("token", "token"),
    ("credential", "credential"),
    ("assertion", "client_assertion"),
    ("session", "session"),
    ("cookie", "cookie"),
)

_LAST_WORDS = {"pass": "password", "pw": "password", "pin": "pin", "otp": "otp", "jwt": "jwt"}
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
"""Words of a name as written: ``smtp_pass`` and ``smtpPass`` end in ``pass``, ``bypass``
does not."""

_X_KEY = re.compile(r"x[-_]([a-z0-9][a-z0-9_-]*?)[-_]key")
"""``X-Functions-Key``, ``X-Foo-Key``: credential headers by convention."""
_ID_KEYS = ("idempotency", "cache", "dedup", "correlation", "request", "trace", "routing",
            "partition", "sort", "public")
"""``X-…-Key`` headers that carry an id, not a credential."""

_PHONE_EXACT = frozenset({
    "to", "from", "phone", "phones", "phonenumber", "phonenumbers", "phoneno", "msisdn",
    "mobile", "mobilenumber", "mobilephone", "recipient", "recipients", "destination",
    "destinationnumber", "sender", "sendernumber", "fromnumber", "tonumber", "e164", "tel",
    "telephone", "cell", "cellphone", "contactnumber", "callerid", "originator",
})


def _confusables() -> dict[int, int | None]:
    """Letters that look Latin (Cyrillic, Greek, a few IPA) → Latin; invisible ones → nothing."""
    table: dict[int, int | None] = {ord(k): ord(v) for k, v in {
        "а": "a", "в": "b", "е": "e", "ё": "e", "ѐ": "e", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
        "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g",
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ı": "i",
        "ȷ": "j", "ʀ": "r", "ѵ": "v", "ԑ": "e", "ɑ": "a", "ꮪ": "s",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A", "Β": "B",
        "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }.items()}
    for invisible in ("\u00ad", "\u034f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"):
        table[ord(invisible)] = None
    for mark in range(0x300, 0x370):  # combining accents left by the decomposition
        table[mark] = None
    return table


_CONFUSABLE = _confusables()


def unconfuse(text: str) -> str:
    """Case kept, look-alikes made Latin: full width, accents, Cyrillic and Greek letters."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_CONFUSABLE)


def fold(text: str) -> str:
    """What names are compared on: ``unconfuse`` then case-folded (``ＰＡＳＳ`` → ``pass``)."""
    if text.isascii():
        return text.lower()
    return unconfuse(text).casefold().translate(_CONFUSABLE)


def normalise(name: str) -> str:
    """``X-Api-Key``, ``x_api_key``, ``xApiKey`` and ``Ｘ-ＡＰＩ-ＫＥＹ`` all become ``xapikey``."""
    return _NON_ALNUM.sub("", fold(name))


@lru_cache(maxsize=4096)
def secret_kind(name: str) -> str | None:
    """The redaction kind of a field or header named ``name``, or None when it is not secret."""
    n = normalise(name)
    if not n:
        return None
    if n in _EXACT:
        return _EXACT[n]
    if n.endswith("sessionid"):
        return "session"
    if n.endswith("authorization"):
        return "authorization"
    if n.startswith("x") and n.endswith("key"):
        match = _X_KEY.fullmatch(fold(name).strip())
        if match and not any(word in match.group(1) for word in _ID_KEYS):
            return "api_key"
    descriptive = _DESCRIPTIVE.search(n) is not None
    for word, kind in _STRONG:
        if word in n:
            return None if descriptive and not n.endswith(word) else kind
    if descriptive:
        return None
    if n.endswith(("sig", "pwd")):
        return "signature" if n.endswith("sig") else "password"
    if n.endswith(tuple(_LAST_WORDS)):
        words = _WORD.findall(unconfuse(name))
        if words and words[-1].lower() in _LAST_WORDS:
            return _LAST_WORDS[words[-1].lower()]
    for word, kind in _FAMILIES:
        if word in n:
            return kind
    return None


@lru_cache(maxsize=4096)
def is_phone_name(name: str) -> bool:
    """Whether a field named ``name`` holds phone numbers (``to``, ``phoneNumber``, ``msisdn``)."""
    n = normalise(name)
    return n in _PHONE_EXACT or n.endswith(("phone", "phonenumber", "msisdn"))


def is_weak_name(name: str) -> bool:
    """``pass``, ``ticket``, ``refresh``, ``bearer``: see ``WEAK_NAMES``."""
    return normalise(name) in WEAK_NAMES


_NAMED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                            "location", "content-location", "referer", "referrer"})


@lru_cache(maxsize=1024)
def is_credential_header(name: str) -> bool:
    """Headers redacted by their name (credentials, cookies, URL-valued), whatever the value."""
    return name.lower() in _NAMED_HEADERS or secret_kind(name) is not None


def field_kind(name: str) -> str | None:
    """``secret_kind`` or, for phone-number fields, ``PHONE``."""
    kind = secret_kind(name)
    if kind is not None:
        return kind
    return PHONE if is_phone_name(name) else None

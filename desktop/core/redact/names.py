"""Which field, parameter and header names carry secrets (or phone numbers).

One table serves JSON keys at any depth, form fields, query parameters and
header names, so ``client_secret``, ``clientSecret``, ``Client-Secret`` and
``CLIENT_SECRET`` are the same name. The rules are written to keep what a
support engineer needs readable: ``token_type: "bearer"``, ``expires_in``,
``key_id``, ``Idempotency-Key`` and ``WWW-Authenticate`` are not secrets.

Classification, on the name lowercased with every non-alphanumeric removed:

1. exact names (``key``, ``auth``, ``sig``, ``pin`` ...) and strong
   compounds (``client_secret``, ``access_token``, ``api_key`` ...) win;
2. a name ending in a *descriptive* suffix (``_type``, ``_url``, ``_id``,
   ``_expires_in``, ``_name``, ``_header`` ...) describes a secret, it is
   not one;
3. otherwise a name containing a secret word (secret, token, password,
   signature, session, cookie, credential, assertion, private key ...) is
   a secret of that family.

Every secret name contains one of ``TRIGGER_WORDS`` (lowercased, as
written), which lets the redactor skip whole bodies with a few ``in``
tests; keep the two in step (a test checks it).
"""

from __future__ import annotations

import re
from functools import lru_cache

PHONE = "phone"
"""Pseudo-kind of names whose values are phone numbers (masked, not redacted)."""

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

TRIGGER_WORDS = ("secret", "token", "pass", "pwd", "key", "sig", "session", "cookie", "auth",
                 "credential", "assertion")
"""A lowercased text without any of these contains no secret-named field."""

_EXACT: dict[str, str] = {
    "key": "key",
    "apikey": "api_key",
    "xapikey": "api_key",
    "auth": "authorization",
    "authorization": "authorization",
    "proxyauthorization": "authorization",
    "cookie": "cookie",
    "setcookie": "cookie",
    "sig": "signature",
    "pwd": "password",
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
    ("subscriptionkey", "api_key"),
    ("accesskey", "api_key"),
    ("secretkey", "secret"),
    ("privatekey", "private_key"),
    ("password", "password"),
    ("passwd", "password"),
    ("passphrase", "password"),
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

_PHONE_EXACT = frozenset({
    "to", "from", "phone", "phones", "phonenumber", "phonenumbers", "phoneno", "msisdn",
    "mobile", "mobilenumber", "mobilephone", "recipient", "recipients", "destination",
    "destinationnumber", "sender", "sendernumber", "fromnumber", "tonumber", "e164", "tel",
    "telephone", "cell", "cellphone", "contactnumber", "callerid", "originator",
})


def normalise(name: str) -> str:
    """``X-Api-Key``, ``x_api_key`` and ``xApiKey`` all become ``xapikey``."""
    return _NON_ALNUM.sub("", name.lower())


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
    descriptive = _DESCRIPTIVE.search(n) is not None
    for word, kind in _STRONG:
        if word in n:
            return None if descriptive and not n.endswith(word) else kind
    if descriptive:
        return None
    if n.endswith(("sig", "pwd")):
        return "signature" if n.endswith("sig") else "password"
    for word, kind in _FAMILIES:
        if word in n:
            return kind
    return None


@lru_cache(maxsize=4096)
def is_phone_name(name: str) -> bool:
    """Whether a field named ``name`` holds phone numbers (``to``, ``phoneNumber``, ``msisdn``)."""
    n = normalise(name)
    return n in _PHONE_EXACT or n.endswith(("phone", "phonenumber", "msisdn"))


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

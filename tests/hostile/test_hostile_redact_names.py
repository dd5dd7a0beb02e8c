"""Issue 17.4, names: the field and parameter names real APIs use for secrets are redacted
wherever a name travels (JSON at any depth, form bodies, query strings, free text, XML
elements, multipart parts, HAR), however they are spelt (case, separators, full-width and
Cyrillic look-alikes, zero-width characters), while the readable names next to them
(``pinned``, ``passenger``, ``refresh_interval``, ``ticket_id``...) stay readable.

Every row plants a canary value and scans every byte that comes out.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.har import to_har
from desktop.core.redact import Redactor, secret_kind
from desktop.core.redact.hits import WORDS
from tests.factories import make_exchange, make_request, make_response

CANARY = "Cq7xCanary9Zk"

NAMES = [
    ("pass", "password"), ("pw", "password"), ("pin", "pin"), ("otp", "otp"),
    ("bearer", "bearer"), ("appKey", "api_key"), ("authKey", "api_key"),
    ("signingKey", "signing_key"), ("license_key", "license_key"), ("masterKey", "master_key"),
    ("encryption_key", "encryption_key"), ("hmac_key", "hmac_key"),
    ("client_key", "client_key"), ("refresh", "refresh_token"), ("jwt", "jwt"),
    ("ticket", "ticket"), ("SAMLResponse", "saml_response"),
]

_CYRILLIC = str.maketrans("aeopcxyjsiAEOPCXHK", "аеорсхујѕіАЕОРСХНК")


def fullwidth(name: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)


def cyrillic(name: str) -> str:
    """Every Latin letter with a Cyrillic twin swapped for it (``pass`` → ``раѕѕ``)."""
    return name.translate(_CYRILLIC)


def separated(name: str) -> str:
    """``signingKey`` → ``Signing-Key``, ``hmac_key`` → ``Hmac-Key``, ``pass`` → ``PASS``."""
    words, word = [], ""
    for char in name:
        if char.isupper() and word and not word[-1].isupper():
            words.append(word)
            word = ""
        if char == "_":
            words.append(word)
            word = ""
            continue
        word += char
    words.append(word)
    if len(words) == 1:
        return name.upper()
    return "-".join(w[:1].upper() + w[1:] for w in words)


def zero_width(name: str) -> str:
    return name[:1] + "\u200b" + name[1:]


SPELLINGS = {"as written": str, "upper case": str.upper, "separators": separated,
             "full width": fullwidth, "cyrillic look-alikes": cyrillic,
             "zero-width space": zero_width}


def outputs(name: str) -> dict[str, str]:
    """The canary under ``name`` in every place a name travels, redacted."""
    r = Redactor()
    multipart = (f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{CANARY}\r\n'
                 "--b--\r\n")
    exchange = make_exchange(
        request=make_request("POST", f"https://h.example/v1/x?{quote(name)}={CANARY}&page=2",
                             (("Content-Type", "application/json"),),
                             json.dumps({"data": [{name: CANARY}]}).encode()),
        response=make_response(200, "OK", (("Content-Type", "application/xml"),),
                               f"<r><{name}>{CANARY}</{name}></r>".encode()))
    return {
        "json": r.redact_bytes(json.dumps({"a": {"b": [{name: CANARY}]}}).encode(),
                               "application/json").decode(),
        "form": r.redact_bytes(urlencode({"x": "1", name: CANARY}).encode(),
                               "application/x-www-form-urlencoded").decode(),
        "query": r.redact_url(f"https://h.example/v1/x?{quote(name)}={CANARY}&page=2"),
        "text =": r.redact_text(f"retrying with {name}={CANARY} now"),
        "text :": r.redact_text(f"{name}: {CANARY}"),
        "xml": r.redact_bytes(f"<r><{name}>{CANARY}</{name}></r>".encode(),
                              "application/xml").decode(),
        "multipart": r.redact_bytes(multipart.encode(),
                                    "multipart/form-data; boundary=b").decode(),
        "har": json.dumps(to_har([exchange], redactor=r, creator_version="t"),
                          ensure_ascii=False),
    }


@pytest.mark.parametrize(("name", "kind"), NAMES)
def test_secret_name_is_redacted_wherever_it_travels(name: str, kind: str) -> None:
    assert secret_kind(name) == kind
    for place, out in outputs(name).items():
        assert CANARY not in out, place
        assert f"REDACTED:{kind}" in out, place


@pytest.mark.parametrize("spelling", list(SPELLINGS))
@pytest.mark.parametrize(("name", "kind"), NAMES)
def test_any_spelling_of_a_secret_name_is_the_same_name(name: str, kind: str,
                                                        spelling: str) -> None:
    variant = SPELLINGS[spelling](name)
    assert secret_kind(variant) == kind
    r = Redactor()
    body = json.dumps({"data": {variant: CANARY}}, ensure_ascii=False).encode()
    escaped = json.dumps({"data": {variant: CANARY}}).encode()  # \uff50... in the raw text
    for out in (r.redact_bytes(body, "application/json").decode(),
                r.redact_bytes(escaped, "application/json").decode(),
                r.redact_text(f"{variant}={CANARY}"),
                r.redact_url(f"https://h.example/?{quote(variant)}={CANARY}")):
        assert CANARY not in out


@pytest.mark.parametrize(("secret", "readable"), [
    ("pin", "pinned"), ("pin", "pin_length"), ("pin", "spinner"), ("pass", "passenger"),
    ("pass", "passthrough"), ("pass", "bypass"), ("pass", "compass"),
    ("refresh", "refresh_interval"), ("refresh", "auto_refresh"), ("ticket", "ticket_id"),
    ("ticket", "support_ticket"), ("otp", "otp_expires_in"), ("jwt", "jwt_alg"),
    ("bearer", "bearer_format"), ("appKey", "appKeyId"), ("client_key", "client_key_id"),
    ("signingKey", "key_id"), ("SAMLResponse", "requestId"), ("masterKey", "messageId"),
    ("pw", "pwa_enabled"),
])
def test_exact_names_keep_their_neighbours_readable(secret: str, readable: str) -> None:
    """``pin`` is a secret, ``pinned`` is not: names, not substrings."""
    body = {secret: CANARY, readable: "keep-me-42", "token_type": "bearer", "expires_in": 3600}
    out = json.loads(Redactor().redact_bytes(json.dumps(body).encode(), "application/json"))
    assert out[secret] == f"[REDACTED:{secret_kind(secret)}]"
    assert out[readable] == "keep-me-42"
    assert out["token_type"] == "bearer"
    assert out["expires_in"] == 3600


@pytest.mark.parametrize(("secret_line", "prose"), [
    (f"pass={CANARY}", "step 3 pass: 200 OK"),
    (f"pass: {CANARY}", "a new lint pass: a question"),
    (f"ticket=ST-1-{CANARY}-cas", "Ticket: ZD-4521 escalated"),
    (f"refresh: {CANARY}", "refresh: every 30 s"),
    (f"bearer={CANARY}", "bearer: Bearer"),
])
def test_everyday_words_count_as_names_only_with_a_credential_value(secret_line: str,
                                                                      prose: str) -> None:
    r = Redactor()
    assert CANARY not in r.redact_text(secret_line)
    assert r.redact_text(prose) == prose


_PARTS = st.sampled_from(["client", "api", "x", "access", "refresh", "secret", "token", "key",
                          "password", "pass", "pw", "pin", "otp", "jwt", "ticket", "bearer",
                          "saml", "response", "app", "auth", "signing", "license", "master",
                          "encryption", "hmac", "id", "type", "value", "user", "smtp"])


LOOK_ALIKES = ["as written", "full width", "cyrillic look-alikes", "zero-width space"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=3), st.sampled_from(["_", "-", "", "."]),
       st.booleans(), st.sampled_from(LOOK_ALIKES))
def test_every_spelling_has_the_kind_of_the_name_and_passes_the_gate(
        parts: list[str], sep: str, camel: bool, spelling: str) -> None:
    """The cheap gate (TRIGGER_WORDS, on folded text) must never skip a secret name, however
    it is spelt, and a look-alike spelling never changes what a name is."""
    name = sep.join(p.capitalize() if camel and i else p for i, p in enumerate(parts))
    variant = SPELLINGS[spelling](name)
    assert secret_kind(variant) == secret_kind(name)
    if secret_kind(variant) is not None:
        assert Redactor().hits(f"{variant}=v") & WORDS


@pytest.mark.parametrize("name", ["ticket", "refresh", "pass", "bearer"])
def test_everyday_word_names_hold_secrets_as_values_not_as_objects(name: str) -> None:
    """``"ticket": "ST-…"`` is a credential; ``"ticket": {"subject": …}`` is a support
    ticket, and a whole object under an everyday word keeps its strings."""
    body = {"login": {name: CANARY}, "support": {name: {"subject": "SMS not delivered",
                                                        "status": "open", "id": 4521}}}
    out = json.loads(Redactor().redact_bytes(json.dumps(body).encode(), "application/json"))
    assert out["login"][name] == f"[REDACTED:{secret_kind(name)}]"
    assert out["support"] == body["support"]

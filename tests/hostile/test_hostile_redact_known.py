"""Issue 17.4, known values: a secret the redactor knows (the profile's secrets, every access
token the session was issued) is removed in any encoding a server, a log or a user may give
it: hex (lower and upper), upper or lower case, wrapped over lines (64 and 76 columns, CRLF,
JSON-escaped ``\\n``), HTML entities, ``\\uXXXX`` escapes, NFD or NFC, pasted with whitespace
around it; in free text, bodies, the HAR and the bundle's safety scan.
"""

from __future__ import annotations

import asyncio
import base64
import json
import string
import textwrap
import unicodedata

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.bundle import BundleContent, plan_bundle
from desktop.core.client.spec import RequestSpec
from desktop.core.har import to_har
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.redact import Redactor
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from tests.factories import make_exchange, make_request, make_response

SECRET = "Zq9-s3cr3t_Value+/=K7mPw2Xv"
ACCENTED = "Pässwörd-Ünïcode-Zq9"


def wrap(text: str, width: int, newline: str = "\n") -> str:
    return newline.join(textwrap.wrap(text, width, break_on_hyphens=False))


def entities_hex(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" for c in text)


def entities_mixed(text: str) -> str:
    """Every other character an entity (decimal, hex without ';', named where one exists)."""
    named = {"&": "&amp;", "/": "&sol;", "+": "&plus;", "=": "&equals;", "_": "&lowbar;"}
    return "".join(named.get(c, f"&#{ord(c)};") if i % 2 else c for i, c in enumerate(text))


def u_escapes(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


ENCODINGS = {
    "hex lower": lambda s: s.encode().hex(),
    "hex upper": lambda s: s.encode().hex().upper(),
    "upper case": str.upper,
    "lower case": str.lower,
    "split at 8": lambda s: s[:8] + "\n" + s[8:],
    "hex wrapped at 16 with CRLF": lambda s: wrap(s.encode().hex(), 16, "\r\n"),
    "base64 wrapped at 16": lambda s: wrap(base64.b64encode(s.encode()).decode(), 16),
    "hex in a dump wrapped at 64": lambda s: wrap(("x" * 20 + s).encode().hex(), 64),
    "base64 of id:secret wrapped at 76 (MIME)": lambda s: wrap(
        base64.b64encode(f"client-id-{'0' * 40}:{s}".encode()).decode(), 76, "\r\n"),
    "JSON-escaped newline": lambda s: s[:10] + "\\n" + s[10:],
    "indented continuation": lambda s: s[:12] + "\n        " + s[12:],
    "HTML hex entities": entities_hex,
    "HTML mixed entities": entities_mixed,
    "\\u escapes": u_escapes,
}


def forms_left(secret: str, out: str) -> list[str]:
    """Which recognisable forms of ``secret`` are still in ``out``."""
    candidates = {secret, secret.upper(), secret.lower(), secret.encode().hex(),
                  secret.encode().hex().upper(), base64.b64encode(secret.encode()).decode()}
    flat = out.replace("\r", "").replace("\n", "").replace("\\n", "").replace(" ", "")
    return [form for form in candidates if form in out or form in flat]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_known_secret_is_removed_in_every_encoding(encoding: str) -> None:
    encoded = ENCODINGS[encoding](SECRET)
    r = Redactor({"client_secret": SECRET})
    text = f"server said: {encoded} (retrying)"
    exchange = make_exchange(
        request=make_request("POST", "https://api.example.test/v1/x",
                             (("Content-Type", "text/plain"),), text.encode()),
        response=make_response(500, "Server Error", (("Content-Type", "text/html"),),
                               f"<p>{encoded}</p>".encode()))
    outputs = {
        "text": r.redact_text(text),
        "text body": r.redact_bytes(text.encode(), "text/plain").decode(),
        "html body": r.redact_bytes(f"<p>{encoded}</p>".encode(), "text/html").decode(),
        "har": json.dumps(to_har([exchange], redactor=r, creator_version="t")),
    }
    for place, out in outputs.items():
        assert encoded not in out, place
        assert not forms_left(SECRET, out), place
        assert "REDACTED:client_secret" in out, place
    assert "server said: " in outputs["text"]
    assert "(retrying)" in outputs["text"]


@pytest.mark.parametrize("configured", ["NFC", "NFD"])
def test_known_secret_is_found_in_either_unicode_normalisation(configured: str) -> None:
    """Configured in one form, echoed by a server in the other (macOS file names, some
    JSON libraries): both go."""
    r = Redactor({"client_secret": unicodedata.normalize(configured, ACCENTED)})
    for form in ("NFC", "NFD"):
        sent = unicodedata.normalize(form, ACCENTED)
        for out in (r.redact_text(f"echo {sent}!"),
                    r.redact_bytes(json.dumps({"e": sent}).encode(),
                                   "application/json").decode(),
                    r.redact_bytes(json.dumps({"e": sent}, ensure_ascii=False).encode(),
                                   "application/json").decode()):
            assert "REDACTED:client_secret" in out, form
            for variant in ("NFC", "NFD"):
                assert unicodedata.normalize(variant, ACCENTED) not in out, form
                assert json.dumps(unicodedata.normalize(variant, ACCENTED))[1:-1] not in out


@pytest.mark.parametrize("pasted", [f"  {SECRET}", f"{SECRET}\n", f"\t{SECRET} \r\n"])
def test_a_secret_pasted_with_whitespace_is_matched_without_it(pasted: str) -> None:
    r = Redactor({"client_secret": pasted})
    for out in (r.redact_text(f"got {SECRET}."), r.redact_url(f"https://h.test/{SECRET}/x"),
                r.redact_bytes(base64.b64encode(f"id:{SECRET}".encode()), "text/plain").decode()):
        assert SECRET not in out
        assert not forms_left(SECRET, out)


def test_the_bundle_safety_scan_knows_the_encodings_too() -> None:
    """The last line of defence looks for the same forms the redactor removes."""
    r = Redactor({"client_secret": SECRET})
    for encoding, encode in ENCODINGS.items():
        assert r.find_known_secret(f"x {encode(SECRET)} y".encode()) == "client_secret", encoding
    plan = plan_bundle(BundleContent(summary_md=f"# Summary\n\n{entities_hex(SECRET)}\n"), r)
    assert b"&#x" not in plan.file("summary.md").data


_AROUND = st.text(string.ascii_letters + string.digits + " .,:;!?()[]{}<>'\"-_/#@=",
                  max_size=30)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(string.ascii_letters + string.digits + "-_.~+/=!$*@:%", min_size=10,
               max_size=40).map(lambda core: f"Q{core}z"),
       st.sampled_from(list(ENCODINGS)), _AROUND, _AROUND, st.sampled_from(
           ["text", "text/plain", "application/json", "text/html", "application/xml"]))
def test_no_known_secret_survives_in_any_encoding_in_any_text(
        secret: str, encoding: str, before: str, after: str, where: str) -> None:
    encoded = ENCODINGS[encoding](secret)
    text = f"{before} {encoded} {after}"
    r = Redactor({"access_token": secret})
    if where == "text":
        out = r.redact_text(text)
    elif where == "application/json":
        out = r.redact_bytes(json.dumps({"detail": text}).encode(), where).decode()
        out = json.loads(out)["detail"]
    else:
        out = r.redact_bytes(text.encode(), where).decode()
    assert encoded not in out
    assert not forms_left(secret, out)
    assert r.find_known_secret(out.encode()) is None


# -- every access token the session was issued -------------------------------------------------

REDCLOUD = load_registry().require("redcloud")
TOKENS = ["first-token-Zq9aaaaaaaaaaaa", "refreshed-token-Zq9bbbbbbbbbb",
          "third-token-Zq9cccccccccccc"]


def _issuing_server() -> httpx.MockTransport:
    """Issues the next token on each token request; a token is accepted once, then answered
    401 with the token quoted back (as some gateways do), which makes the client refresh."""
    issued = iter(TOKENS)
    seen: set[str] = set()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": next(issued),
                                             "token_type": "bearer", "expires_in": 3600})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in seen:
            return httpx.Response(401, json={"error": "invalid_token",
                                             "detail": f"token {token} was revoked"})
        seen.add(token)
        return httpx.Response(200, json={"echo": f"you sent {token}", "clientId": "cid"})

    return httpx.MockTransport(handle)


def test_every_access_token_issued_in_the_session_is_a_known_secret() -> None:
    profile = Profile(name="Staging", provider="redcloud", environment="staging",
                      base_url="https://api.example.test", settings={"client_id": "cid"})
    secrets = {SecretKind.CLIENT_SECRET: "client-secret-Zq9-0001"}
    recorded = []
    session = ProfileSession(profile, REDCLOUD, secrets.get, transport=_issuing_server(),
                             on_exchange=recorded.append, journal_name="t")
    learned: list[str] = []
    session.secret_learned.connect(learned.append)

    async def scenario() -> None:
        whoami = RequestSpec("GET", session.client.url_for("/api/core/whoami"))
        for _ in range(3):  # token 1 works, then 401 → refresh to token 2, and so on
            await session.client.send(whoami)
        await session.client.aclose()

    asyncio.run(scenario())
    redactor = session.redactor()
    assert learned == TOKENS[:len(learned)]
    assert len(learned) >= 2
    out = redactor.redact_text(" ".join(TOKENS[:2]))
    assert out == "[REDACTED:access_token] [REDACTED:access_token]"
    har = json.dumps(to_har(recorded, redactor=redactor, creator_version="t"))
    for token in TOKENS[:2]:
        assert token not in har
        assert base64.b64encode(token.encode()).decode()[:16] not in har


@pytest.mark.parametrize("token", TOKENS)
def test_a_token_learned_at_run_time_is_removed_in_every_encoding(token: str) -> None:
    r = Redactor()
    r.add_secret(token, "access_token")
    for encoding, encode in ENCODINGS.items():
        out = r.redact_text(f"log: {encode(token)}")
        assert out.startswith("log: "), encoding
        assert "[REDACTED:access_token]" in out, encoding
        assert encode(token) not in out, encoding
        assert not forms_left(token, out), encoding

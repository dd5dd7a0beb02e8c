"""Issue 17.4, shapes: secrets with no name in front of them, or a name the ``name=value``
rule cannot see (multipart parts, XML elements, ``password is v``, JWTs starting ``eyAi``,
well-known key prefixes, ``curl -u``, private keys, URL passwords), in free text, in a
text body, inside a JSON string and in the HAR, while request ids, message ids, UUIDs and
publishable keys stay readable and phone numbers are masked, not redacted.
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.har import to_har
from desktop.core.redact import Redactor, hits
from tests.factories import make_exchange, make_request, make_response


def jwt(header: str) -> str:
    def seg(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    claims = seg(json.dumps({"sub": "1234567890", "iat": 1516239022}))
    return f"{seg(header)}.{claims}.c2lnbmF0dXJl"


JWT_SPACED = jwt('{ "alg": "HS256", "typ": "JWT" }')
JWT_NEWLINE = jwt('{\n  "alg": "HS256"\n}')
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
SK_LIVE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + "X" * 75

SHAPES = [
    # (row, text, the secret that must go, the marker kind); whsec_ and eyJ JWTs were covered
    # before issue 17 (tests/core/test_redact_text.py)
    ("multipart name=password",
     '--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nhunter2-Zq\r\n--b--',
     "hunter2-Zq", "password"),
    ("multipart with a part Content-Type",
     '--b\r\nContent-Disposition: form-data; name="api_key"\r\nContent-Type: text/plain\r\n'
     "\r\nkq-Zq-77\r\n--b--", "kq-Zq-77", "api_key"),
    ("XML <password>", "<login><user>bob</user><password>hunter2-Zq</password></login>",
     "hunter2-Zq", "password"),
    ("XML <ApiKey>", "<Auth><ApiKey>kq-Zq-77</ApiKey></Auth>", "kq-Zq-77", "api_key"),
    ("XML namespace and CDATA", "<s:Password><![CDATA[hunter2-Zq]]></s:Password>",
     "hunter2-Zq", "password"),
    ("password: v inside a JSON string", "note: the user typed password: hunter2-Zq",
     "hunter2-Zq", "password"),
    ("password is v", "The password is hunter2-Zq, please rotate it.", "hunter2-Zq",
     "password"),
    ("PIN was v", "Your PIN was 4821 when it failed", "4821", "pin"),
    ("api key is 'v'", "the api key is 'kq Zq 77'", "kq Zq 77", "key"),
    ("JWT starting eyAi", f"token {JWT_SPACED} expired", JWT_SPACED, "jwt"),
    ("JWT starting ewog", f"token {JWT_NEWLINE} expired", JWT_NEWLINE, "jwt"),
    ("sk_live_ (99 characters)", f"key {SK_LIVE} ok", SK_LIVE[8:40], "stripe_key"),
    ("rk_live_", "rk_live_" + "a1B2" * 6, "a1B2a1B2a1B2a1B2a1B2a1B2", "stripe_key"),
    ("sk_test_", "sk_test_" + "b3C4" * 6 + "x", "b3C4b3C4b3C4b3C4b3C4b3C4x", "stripe_key"),
    ("trk_", "trk_" + "Ab12" * 8, "Ab12Ab12Ab12Ab12Ab12Ab12Ab12Ab12", "trk_api_key"),
    ("xoxb-", "slack xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp",
     "slack_token"),
    ("ghp_", "ghp_" + "Zz9" * 12, "Zz9" * 12, "github_token"),
    ("github_pat_", "github_pat_11AAAAAAA0" + "q" * 30, "q" * 30, "github_token"),
    ("AKIA", "aws AKIAIOSFODNN7EXAMPLE done", "AKIAIOSFODNN7EXAMPLE", "aws_access_key"),
    ("glpat-", "glpat-" + "x1Y2z3" * 4, "x1Y2z3" * 4, "gitlab_token"),
    ("SG.", "SG." + "a" * 22 + "." + "b" * 43, "b" * 43, "sendgrid_key"),
    ("AIza", "AIza" + "S" * 35, "S" * 35, "google_api_key"),
    ("npm_", "npm_" + "N4" * 18, "N4" * 18, "npm_token"),
    ("Slack webhook URL", "https://hooks.slack.com/services/T0001/B0002/XXXXyyyyZZZZ1234",
     "XXXXyyyyZZZZ1234", "slack_webhook"),
    ("curl -u user:pass", "curl -u ops:hunter2-Zq https://api.example.test/v1",
     "hunter2-Zq", "password"),
    ("curl --user='user:pass'", "curl --user='ops:hunter 2 Zq' https://x.test", "hunter 2 Zq",
     "password"),
    ("curl -u key:", "curl -u kq9Zq77abc: https://x.test", "kq9Zq77abc", "credential"),
    ("curl --oauth2-bearer", "curl --oauth2-bearer kq9Zq77abcdef https://x.test",
     "kq9Zq77abcdef", "bearer"),
    ("PEM private key",
     f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----",
     PEM_BODY, "private_key"),
    ("URL password in text", "retry https://ops:hunter2-Zq@api.example.test/v1 later",
     "hunter2-Zq", "password"),
]


def every_output(text: str) -> dict[str, str]:
    r = Redactor()
    exchange = make_exchange(
        request=make_request("POST", "https://api.example.test/v1/notes",
                             (("Content-Type", "text/plain; charset=utf-8"),), text.encode()),
        response=make_response(400, "Bad Request", (("Content-Type", "application/json"),),
                               json.dumps({"error": {"detail": text}}).encode()))
    return {
        "text": r.redact_text(text),
        "text body": r.redact_bytes(text.encode(), "text/plain").decode(),
        "JSON string": r.redact_bytes(json.dumps({"message": text}).encode(),
                                      "application/json").decode(),
        "har": json.dumps(to_har([exchange], redactor=r, creator_version="t")),
    }


@pytest.mark.parametrize(("row", "text", "secret", "kind"), SHAPES, ids=[s[0] for s in SHAPES])
def test_secret_shape_is_redacted_everywhere(row: str, text: str, secret: str,
                                             kind: str) -> None:
    for place, out in every_output(text).items():
        decoded = json.loads(out) if place in ("har", "JSON string") else out
        flat = json.dumps(decoded, ensure_ascii=False).replace("\\n", "\n").replace("\\r", "\r")
        assert secret not in flat, place
        assert f"[REDACTED:{kind}]" in flat, place


@pytest.mark.parametrize(("secret_text", "readable"), [
    ("the password is hunter2-Zq", "the password is incorrect"),
    ("the password is hunter2-Zq", "The password is Expired"),
    ("PIN was 4821", "PIN was wrong"),
    (f"token {JWT_SPACED}", "eyes.open.now and eyAbcdefgh.ijkl.mnop"),
    (f"key {SK_LIVE}", "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
    ("ghp_" + "Zz9" * 12, "messageId msg_01HF3Z6Q4J8K2M5N7P9R0S1T2V"),
    ("AKIAIOSFODNN7EXAMPLE", "requestId req_8f14e45fceea167a5a36dedd4bea2543"),
    ("trk_" + "Ab12" * 8, "Idempotency-Key: 6f1c1c52-6f0e-4a57-9a53-1f2f0d9d3b11"),
    ("curl -u ops:hunter2-Zq https://x.test", "curl -u ops https://x.test"),
    ("https://ops:hunter2-Zq@api.example.test", "https://api.example.test:8443/v1?page=2"),
    ("<password>hunter2-Zq</password>", "<messageId>msg_1</messageId><to>+14155550123</to>"),
])
def test_readable_neighbours_of_secret_shapes_stay_readable(secret_text: str,
                                                            readable: str) -> None:
    """Each row: a secret shape that goes, next to something support needs that stays."""
    out = Redactor(mask_phones=False).redact_text(f"{secret_text}\n{readable}")
    assert "[REDACTED:" in out.splitlines()[0]
    assert out.splitlines()[1] == readable


def test_phone_numbers_next_to_new_shapes_are_masked_not_redacted() -> None:
    out = Redactor().redact_text("<to>+14155550123</to><password>hunter2-Zq</password> "
                                 "call +1 (415) 555-0123")
    assert out == ("<to>+1******0123</to><password>[REDACTED:password]</password> "
                   "call +1 (***) ***-0123")


_PIECES = [*"abcXYZ019 +-_=:;&?/\"'\n{}[]()<>@.", "password", " is ", "pin=", "(-u ", "--user ",
           "https://", "ops:", "@host", "<ApiKey>", "</ApiKey>", "sk_live_", "a1B2" * 6, "AKIA",
           "IOSFODNN7EXAMPLE", "ghp_", "Zz9" * 12, "eyAi", "YWxnIjogIkhTMjU2In0", "-----BEGIN ",
           "RSA PRIVATE KEY-----", "X-Auth-Key: ", "ＰＡＳＳ=", "Set-Cookie: ", "form-data; ",
           'name="otp"\r\n\r\n']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.sampled_from(
    ["pin={}", "(-u ops:{})", "https://ops:{}@host/", "<ApiKey>{}</ApiKey>", "ＰＡＳＳ={}",
     "X-Auth-Key: {}", "the password is {}.", "curl --user 'ops:{}' x"]))
def test_the_gate_never_skips_a_rule_that_would_fire(pieces: list[str], shape: str) -> None:
    """Whatever the mix, redacting through the cheap gate gives what running every rule
    gives, and a secret planted in a secret name or shape on its own line never survives."""
    text = "".join(pieces) + "\n" + shape.format("hunter2-Zq") + "\n"
    r = Redactor()
    out = r.redact_text(text)
    assert out == Redactor()._scrub(text, hits.ALL)
    assert "hunter2-Zq" not in out
    assert r.redact_text(out) == out

"""A long session's secrets: hundreds of access tokens, a secret inside another, a huge one.

The checklist takes a fresh token on every run, and each one becomes a known secret. The
redactor must keep working (RE2 refused the needle set at about 400 tokens), learn each
new token at the cost of one small segment, and stay bounded.
"""

from __future__ import annotations

import secrets
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.redact import Redactor
from desktop.core.redact import known_set as known_module
from desktop.core.redact.redactor import MAX_LEARNED_TOKENS
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession
from desktop.core.webhooks import Journal

CLIENT_SECRET = "Cl13nt-S3cr3t-canary-0042"


def _token(n: int) -> str:
    return f"tok{n:05d}_" + secrets.token_urlsafe(24)


def test_hundreds_of_tokens_are_learned_without_an_error():
    redactor = Redactor({"client_secret": CLIENT_SECRET})
    tokens = [_token(n) for n in range(500)]
    for token in tokens:
        redactor.add_secret(token, "access_token")
    newest = tokens[-1]
    out = redactor.redact_text(f"echo: {newest} and {CLIENT_SECRET} in free text")
    assert newest not in out
    assert CLIENT_SECRET not in out


def test_only_the_newest_tokens_are_kept_and_configured_secrets_never_go():
    redactor = Redactor({"client_secret": CLIENT_SECRET})
    tokens = [_token(n) for n in range(MAX_LEARNED_TOKENS + 10)]
    for token in tokens:
        redactor.add_secret(token, "access_token")
    kept = set(redactor.known._secrets)
    assert CLIENT_SECRET in kept
    assert tokens[-MAX_LEARNED_TOKENS] in kept
    assert tokens[-MAX_LEARNED_TOKENS - 1] not in kept
    assert len(kept) == MAX_LEARNED_TOKENS + 1
    # An expired token that fell off the list is still removed where it is labelled.
    header = redactor.redact_headers([("Authorization", f"Bearer {tokens[0]}")])
    assert tokens[0] not in str(header)


def test_learning_one_more_token_compiles_one_small_segment():
    redactor = Redactor({"client_secret": CLIENT_SECRET})
    for n in range(40):
        redactor.add_secret(_token(n), "access_token")
    assert redactor.known  # built
    before = known_module._segment.cache_info().misses
    redactor.add_secret(_token(99), "access_token")
    assert redactor.known.find(b"nothing here") is None
    assert known_module._segment.cache_info().misses - before <= 1


def test_a_secret_that_contains_another_in_a_later_segment_is_removed_whole():
    inner = "Inner-S3cret-value"
    outer = "xx" + inner + "-and-more-of-the-outer-one"
    values = {inner: "inner"}
    for n in range(known_module.SEGMENT_MAX + 5):  # the outer one lands in another segment
        values[_token(n)] = "filler"
    values[outer] = "outer"
    assert len(known_module._segments_of(list(values.items()))) >= 2
    redactor = Redactor({kind + str(i): value for i, (value, kind) in enumerate(values.items())})
    out = redactor.redact_text(f"got {outer} back")
    assert "and-more-of-the-outer-one" not in out
    assert inner not in out


def test_a_huge_secret_does_not_break_the_redactor():
    huge = "".join(secrets.choice(string.ascii_letters) for _ in range(60_000))
    redactor = Redactor({"client_secret": huge})
    out = redactor.redact_text(f"before {huge} after")
    assert huge not in out
    assert out.startswith("before ")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(string.ascii_letters + string.digits + "-_.~+/=", min_size=8,
                        max_size=40), min_size=1, max_size=60, unique=True),
       st.data())
def test_every_known_secret_is_removed_whatever_the_segments(values: list[str], data):
    redactor = Redactor({f"secret_{i}": value for i, value in enumerate(values)})
    shown = data.draw(st.lists(st.sampled_from(values), min_size=1, max_size=5))
    out = redactor.redact_text(" | ".join(f"value={v};" for v in shown))
    for value in shown:
        assert value not in out


def test_a_session_keeps_the_newest_tokens_only():
    provider = load_registry().require("sandbox")
    profile = Profile(name="t", provider="sandbox", environment="local",
                      base_url="http://127.0.0.1:9", settings=provider.setting_defaults())
    session = ProfileSession(profile, provider, {SecretKind.CLIENT_SECRET: CLIENT_SECRET}.get,
                             journal_name="test")
    tokens = [_token(n) for n in range(MAX_LEARNED_TOKENS * 2)]
    for token in tokens:
        session._token_acquired(token)
    assert list(session._tokens) == tokens[-MAX_LEARNED_TOKENS:]
    out = session.redactor().redact_text(f"{tokens[-1]} {CLIENT_SECRET}")
    assert tokens[-1] not in out
    assert CLIENT_SECRET not in out


def test_the_journal_keeps_the_newest_tokens_and_every_configured_secret(tmp_path):
    journal = Journal(tmp_path, secrets={"webhook_secret": "whsec_canary-0042-abcdef"})
    for n in range(MAX_LEARNED_TOKENS + 20):
        journal.add_secret(_token(n), "access_token")
    kinds = list(journal._secrets.values())
    assert kinds.count("access_token") == MAX_LEARNED_TOKENS
    assert "webhook_secret" in kinds

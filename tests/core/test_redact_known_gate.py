"""The known-secret gate: one RE2 set for every segment, bounded however many tokens.

A session learns a token per checklist run (the newest MAX_LEARNED_TOKENS are kept).
Each segment used to carry its own RE2 set, and RE2 caches the DFA states each search
visits for the set's life: the soak's C heap grew by about 0.6 MiB per token as texts
were redacted. These tests hold the gate to one cache and to never letting a secret by.
"""

from __future__ import annotations

import gc
import json
import random
import secrets
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import memory
from desktop.core.redact import Redactor, known_gate
from desktop.core.redact.redactor import MAX_LEARNED_TOKENS

CLIENT_SECRET = "Cl13nt-S3cr3t-canary-0042"


def _token() -> str:
    return secrets.token_urlsafe(32)


def _traffic(rng: random.Random, tokens: list[str]) -> str:
    """A History's worth of varied JSON: numbers, escapes, wrapped lines, a token or two."""
    records = [{"id": secrets.token_hex(8), "to": f"+4479{rng.randrange(10**8):08d}",
                "body": "".join(rng.choice(string.printable) for _ in range(160)),
                "echo": rng.choice(tokens)} for _ in range(300)]
    return json.dumps(records, indent=1)


@pytest.mark.skipif(memory.c_heap() is None, reason="needs glibc's mallinfo2")
def test_a_session_of_tokens_keeps_one_bounded_state_cache():
    rng = random.Random(7)
    redactor = Redactor({"client_secret": CLIENT_SECRET})
    tokens = [_token()]
    redactor.add_secret(tokens[0], "access_token")
    texts = [_traffic(rng, tokens) for _ in range(4)]
    redactor.redact_text(texts[0])
    gc.collect()
    before = memory.c_heap()
    assert before is not None
    for n in range(MAX_LEARNED_TOKENS):
        tokens.append(_token())
        redactor.add_secret(tokens[-1], "access_token")
        out = redactor.redact_text(texts[n % len(texts)] + tokens[-1])
        assert tokens[-1] not in out
    gc.collect()
    after = memory.c_heap()
    assert after is not None
    grown = (after[0] - before[0]) / (1 << 20)
    # One set per segment grew ~38 MiB here (0.6 MiB a token); one set for all, ~5 MiB.
    assert grown < 16, f"the C heap grew {grown:.1f} MiB over {MAX_LEARNED_TOKENS} tokens"


def test_redactors_that_know_the_same_secrets_share_one_gate_until_the_last_goes():
    values = {"client_secret": CLIENT_SECRET, "access_token": _token()}
    first, second = Redactor(values), Redactor(values)
    gate = first.known._gate
    assert gate is not None
    assert gate is second.known._gate
    count = len(known_gate._gates)
    del first, second, gate
    gc.collect()
    assert len(known_gate._gates) < count


def test_a_set_re2_cannot_hold_means_every_segment_is_searched(monkeypatch):
    monkeypatch.setattr(known_gate, "GATE_MEMORY", 16 << 10)  # too small to compile
    monkeypatch.setattr(known_gate, "_gates", type(known_gate._gates)())
    token = _token()
    redactor = Redactor({"client_secret": CLIENT_SECRET, "access_token": token})
    assert redactor.known._gate is not None
    assert redactor.known._gate._match is None
    out = redactor.redact_text(f"saw {token} and {CLIENT_SECRET}")
    assert token not in out
    assert CLIENT_SECRET not in out


def test_a_set_that_matches_nothing_is_not_trusted(monkeypatch):
    """RE2 reports a DFA out of memory by matching nothing: the gate must not say 'absent'."""
    monkeypatch.setattr(known_gate, "search_set", lambda *_a, **_k: lambda _text: [])
    monkeypatch.setattr(known_gate, "_gates", type(known_gate._gates)())
    token = _token()
    redactor = Redactor({"client_secret": CLIENT_SECRET, "access_token": token})
    assert redactor.known._gate._match is None
    assert token not in redactor.redact_text(f"saw {token}")


@settings(max_examples=40, deadline=None)
@given(prefix=st.text(string.ascii_letters + string.digits, min_size=16, max_size=40),
       tails=st.lists(st.text(string.ascii_letters + string.digits, min_size=1, max_size=6),
                      min_size=2, max_size=40, unique=True),
       shown=st.data())
def test_secrets_whose_anchors_collide_are_all_removed(prefix, tails, shown):
    """Anchors are cut to 16 characters, so secrets with one long prefix share an anchor:
    the gate then names several segments, and each is searched."""
    values = [prefix + tail for tail in tails]
    redactor = Redactor({f"secret_{i}": value for i, value in enumerate(values)})
    picked = shown.draw(st.lists(st.sampled_from(values), min_size=1, max_size=4))
    text = " ".join(f"\\u0020{value}\n" if i % 2 else f'"{value}"'
                    for i, value in enumerate(picked))
    out = redactor.redact_text(text)
    for value in picked:
        assert value not in out


def test_a_learnt_token_is_compiled_only_once_a_text_could_hold_it():
    """The full (backtracking) search of a segment cost ~2.5 ms a value to compile, and the
    newest segment was compiled again at every token learnt."""
    redactor = Redactor({"client_secret": CLIENT_SECRET})
    token = _token()
    redactor.add_secret(token, "access_token")
    assert redactor.redact_text("nothing secret in here") == "nothing secret in here"
    segments = redactor.known._segments
    assert not any("_regex" in vars(segment) for segment in segments)
    assert token not in redactor.redact_text(f"echo {token}")
    assert any("_regex" in vars(segment) for segment in segments)


def test_a_hostile_text_is_gated_without_an_error_and_the_secret_still_goes():
    """Lone surrogates (a body that is not UTF-8) make RE2 refuse the text, and escapes send
    the gate to the decoded view: both at once, with the secret written as escapes."""
    token = _token()
    redactor = Redactor({"client_secret": CLIENT_SECRET, "access_token": token})
    escaped = "".join(f"\\u{ord(char):04x}" for char in token)
    text = f"raw \udcff byte, then {escaped} alone\udc80"  # no anchor in the raw text
    out = redactor.redact_text(text)
    assert escaped not in out
    assert "raw \udcff byte" in out


@pytest.mark.parametrize("secret", ["sandbox-secret", "acme corp webhook 2024", "Sandbox_Key"])
def test_a_secret_made_of_words_is_not_searched_wherever_one_of_its_words_occurs(secret):
    """A secret's anchor is sixteen of its characters, not its longest word: "sandbox" is in
    every HAR entry of a Sandbox profile, and each such text used to go through the
    backtracking search (2 MB/s: 150 ms of the window's time per bundle)."""
    redactor = Redactor({"client_secret": secret})
    words = " and ".join(secret.replace("-", " ").replace("_", " ").split())  # not the secret
    text = f'{{"_profile": "Sandbox", "note": "{words}, {words.upper()}"}}\n' * 50
    assert redactor.find_known_secret(text) is None
    assert not any("_regex" in vars(segment) for segment in redactor.known._segments)
    echoed = f'{{"error": "bad client_secret {secret.upper()}"}}'
    assert redactor.find_known_secret(echoed) == "client_secret"
    assert secret.upper() not in redactor.redact_text(echoed)

"""Judging a claim: match, clock, encoding, and why a signature does not match.

Every scheme ends here, so the constant-time comparison, the clock check,
the hex-versus-base64 diagnosis and the attempt to tell "wrong secret"
from "body altered" are written once: the UI and the CLI explain all
schemes alike, and a fix to the judging fixes every scheme.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Sequence

from desktop.core.webhooks.verification import (
    Claim,
    Reason,
    Suspect,
    Verification,
    digest,
    encode,
    equal,
    failure,
    prefix,
)

VARIANT_LIMIT = 256 * 1024
"""Bodies larger than this skip the "accidental edit" search, which re-hashes the body
several times: a flood of large bad deliveries must not hold up the event loop."""


def evaluate(
    claim: Claim,
    key: bytes,
    body: bytes,
    *,
    at: float,
    tolerance: float | None,
    original_body: bytes | None = None,
    alternates: Sequence[tuple[str, bytes]] = (),
) -> Verification:
    """Judge a claim with a key: match, then clock, then why not."""
    scheme = claim.scheme
    computed = _computed(claim, key, body)
    received = claim.candidates[0] if claim.candidates else None
    skew = None if claim.timestamp is None else round(float(at) - claim.timestamp, 3)
    shown = {
        "skew_seconds": skew,
        "computed_prefix": prefix(computed[0]),
        "received_prefix": prefix(received),
    }
    if _matches(claim, computed):
        if claim.body_check is not None and not claim.body_check(body):
            return failure(
                scheme, Reason.SIGNATURE_MISMATCH,
                "The signature matches the URL, but the body's SHA-256 differs from the "
                "bodySHA256 the sender signed.",
                hint="The body changed after signing (a proxy or framework re-wrote it): "
                "check the raw bytes as received.",
                suspect=Suspect.BODY, **shown,
            )
        clock = _check_clock(claim.timestamp, at, tolerance)
        if clock is not None:
            reason, message, hint = clock
            return failure(scheme, reason, message, hint=hint, **shown)
        age = ""
        if skew is not None:
            age = f"; timestamp {_seconds(abs(skew))} {'old' if skew >= 0 else 'ahead'}"
        return Verification(True, scheme, Reason.OK, f"Signature valid ({scheme}){age}.", **shown)
    encoding_problem = _encoding_problem(claim, key, body)
    if encoding_problem is not None:
        return failure(
            scheme, Reason.ENCODING_MISMATCH, encoding_problem,
            hint="Compare how the sender formats the digest with what this scheme expects.",
            **shown,
        )
    hint, suspect = _explain_mismatch(claim, key, body, original_body, alternates)
    message = f"Signature does not match (computed {shown['computed_prefix']}…, received " + (
        f"{shown['received_prefix']}…)." if received else "an empty value)."
    )
    if received is not None and len(received) != len(computed[0]):
        message += " " + _length_note(received, computed[0])
    return failure(scheme, Reason.SIGNATURE_MISMATCH, message, hint=hint, suspect=suspect, **shown)


def _computed(claim: Claim, key: bytes, body: bytes) -> list[str]:
    return [encode(digest(key, c, claim.algorithm), claim.encoding) for c in claim.contents(body)]


def _matches(claim: Claim, computed: Sequence[str]) -> bool:
    # Every pair is compared (no early exit) so timing says nothing about which one matched.
    hits = [equal(cand, comp) for cand in claim.candidates for comp in computed]
    return any(hits)


def _seconds(value: float) -> str:
    return f"{value:,.0f} s"


def _check_clock(
    timestamp: int | None, at: float, tolerance: float | None
) -> tuple[Reason, str, str] | None:
    if timestamp is None or tolerance is None:
        return None
    skew = at - timestamp
    looks_ms = abs(at - timestamp / 1000) <= max(tolerance, 1)
    ms_hint = " The value looks like epoch milliseconds; this scheme signs epoch seconds." \
        if looks_ms else ""
    if skew > tolerance:
        return (
            Reason.TIMESTAMP_TOO_OLD,
            f"Signature valid, but the timestamp is {_seconds(skew)} old, beyond the "
            f"{_seconds(tolerance)} tolerance.",
            "A replayed or long-delayed delivery, or the clocks disagree (this computer's "
            "ahead, or the sender's behind)." + ms_hint,
        )
    if -skew > tolerance:
        return (
            Reason.TIMESTAMP_IN_FUTURE,
            f"Signature valid, but the timestamp is {_seconds(-skew)} in the future, beyond "
            f"the {_seconds(tolerance)} tolerance.",
            "Check this computer's clock and the sender's (both should use NTP)." + ms_hint,
        )
    return None


_HEX = re.compile(r"[0-9a-fA-F]+", re.ASCII)
_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}", re.ASCII)
_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}", re.ASCII)


def _b64(value: str, pattern: re.Pattern[str], altchars: bytes | None) -> bytes | None:
    if not pattern.fullmatch(value):
        return None
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.b64decode(padded, altchars=altchars, validate=altchars is None)
    except (binascii.Error, ValueError):
        return None


def _encoding_problem(claim: Claim, key: bytes, body: bytes) -> str | None:
    """Words for a candidate that holds the right kind of digest in the wrong text form."""
    raws = [digest(key, c, claim.algorithm) for c in claim.contents(body)]
    size = len(raws[0])
    expected = "lower-case hex" if claim.encoding == "hex" else "base64"
    for cand in claim.candidates:
        found: str | None = None
        decoded: bytes | None = None
        if claim.encoding == "hex":
            if _HEX.fullmatch(cand) and cand != cand.lower() and len(cand) == 2 * size:
                found, decoded = "upper-case hex", bytes.fromhex(cand)
            elif not _HEX.fullmatch(cand):
                for pattern, alt, name in ((_B64, None, "base64"), (_B64URL, b"-_", "base64url")):
                    raw = _b64(cand, pattern, alt)
                    if raw is not None and len(raw) == size:
                        found, decoded = name, raw
                        break
        elif _HEX.fullmatch(cand) and len(cand) == 2 * size:
            found, decoded = "hex", bytes.fromhex(cand)
        elif _B64URL.fullmatch(cand) and not _B64.fullmatch(cand):
            raw = _b64(cand, _B64URL, b"-_")
            if raw is not None and len(raw) == size:
                found, decoded = "base64url", raw
        if found is not None and decoded is not None:
            same = any([hmac.compare_digest(decoded, raw) for raw in raws])
            verdict = "matches" if same else "does not match either"
            return (
                f"The signature is {found} where this scheme sends {expected}; "
                f"decoded, the digest {verdict}."
            )
    return None


_LENGTHS = {
    40: "SHA-1 in hex", 64: "SHA-256 in hex", 128: "SHA-512 in hex",
    28: "SHA-1 in base64", 44: "SHA-256 in base64", 88: "SHA-512 in base64",
}


def _length_note(received: str, computed: str) -> str:
    note = f"It has {len(received)} characters where {len(computed)} are expected"
    guess = _LENGTHS.get(len(received))
    return note + (f" (that length fits {guess}: another algorithm?)." if guess else ".")


def _explain_mismatch(
    claim: Claim,
    key: bytes,
    body: bytes,
    original_body: bytes | None,
    alternates: Sequence[tuple[str, bytes]],
) -> tuple[str, Suspect]:
    """Tell "wrong secret" from "body altered" as far as the evidence allows."""

    def signs(candidate_key: bytes, candidate_body: bytes) -> bool:
        return _matches(claim, _computed(claim, candidate_key, candidate_body))

    def secret_variant() -> str | None:
        for label, alternate in alternates:
            if signs(alternate, body):
                return f"The signature matches with {label}."
        return None

    if original_body is not None:
        if original_body == body:
            return (secret_variant() or (
                "The body is byte-for-byte what was sent, so the secret is not the one the "
                "sender signs with (or the sender uses another scheme)." + _advice(claim)
            ), Suspect.SECRET)
        difference = _difference(original_body, body)
        if signs(key, original_body):
            return (
                "The signature matches the body as originally sent: the bytes changed on "
                f"the way ({difference}). Look for a proxy or a framework that re-writes "
                "the body.", Suspect.BODY,
            )
        return (
            f"The body differs from what was sent ({difference}), and the signature matches "
            "neither body: the secret (or the scheme) is wrong as well.", Suspect.SECRET_OR_BODY,
        )
    variant = secret_variant()
    if variant is not None:
        return variant, Suspect.SECRET
    for label, candidate in _body_variants(body) if len(body) <= VARIANT_LIMIT else ():
        if signs(key, candidate):
            return f"The signature matches {label}.", Suspect.BODY
    return (
        "Either the secret is not the one the sender signs with (staging versus production, "
        "a rotated secret, stray characters), or the body was altered after signing (a "
        "proxy, or a framework that parsed and re-serialised the JSON). Comparing with the "
        "body as originally sent tells which." + _advice(claim),
        Suspect.SECRET_OR_BODY,
    )


def _advice(claim: Claim) -> str:
    return f" {claim.advice}" if claim.advice else ""


def _difference(sent: bytes, received: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(sent, received, strict=False)) if a != b),
              min(len(sent), len(received)))
    return f"{len(sent)} bytes sent, {len(received)} received, first difference at byte {at}"


def _body_variants(body: bytes) -> list[tuple[str, bytes]]:
    """Common accidental edits of a body, each with the words that explain it."""
    variants: list[tuple[str, bytes]] = []
    stripped = body.rstrip(b"\r\n")
    if stripped != body:
        variants.append((
            "the body without its trailing line break: the body checked has an extra newline "
            "(editors add one when saving a file)", stripped,
        ))
    else:
        variants.append((
            "the body with a trailing newline: the newline was lost on the way or when "
            "copying", body + b"\n",
        ))
    if b"\r\n" in body:
        variants.append((
            "the body with CRLF line endings turned into LF: something converted line "
            "endings", body.replace(b"\r\n", b"\n"),
        ))
    elif b"\n" in body:
        variants.append((
            "the body with LF line endings turned into CRLF: something converted line "
            "endings", body.replace(b"\n", b"\r\n"),
        ))
    try:
        parsed = json.loads(body)
        rewritten = [
            json.dumps(parsed, separators=(",", ":"), ensure_ascii=False),
            json.dumps(parsed),
            json.dumps(parsed, separators=(",", ":")),
        ]
    except (ValueError, RecursionError):
        return variants
    label = (
        "the same JSON serialised differently: something parsed and re-wrote the JSON after "
        "it was signed; verify over the raw bytes as received"
    )
    for dumped in dict.fromkeys(rewritten):
        candidate = dumped.encode("utf-8", "surrogatepass")
        if candidate != body:
            variants.append((label, candidate))
    return variants

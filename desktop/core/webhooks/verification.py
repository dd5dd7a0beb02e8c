"""Verification results: why a webhook signature was accepted or refused, in words.

The vocabulary every scheme shares: the closed set of reason codes, the
``Verification`` result the UI and CLI render, and the ``Claim`` a scheme
parses from its headers for ``evaluation`` to judge.
"""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

PREFIX_LEN = 8
"""How much of a digest a result may show: enough to compare by eye, never the whole value."""

DEFAULT_TOLERANCE = 300


class Reason(StrEnum):
    OK = "ok"
    NO_SIGNATURE_HEADER = "no_signature_header"
    NO_TIMESTAMP_HEADER = "no_timestamp_header"
    MALFORMED_SIGNATURE_HEADER = "malformed_signature_header"
    TIMESTAMP_TOO_OLD = "timestamp_too_old"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    SIGNATURE_MISMATCH = "signature_mismatch"
    ENCODING_MISMATCH = "encoding_mismatch"
    NO_SECRET = "no_secret"


class Suspect(StrEnum):
    """What a failed check most likely points at, when the evidence says."""

    SECRET = "secret"
    BODY = "body"
    SECRET_OR_BODY = "secret_or_body"


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict on one delivery's signature: a code for programs, words for people."""

    ok: bool
    scheme: str
    reason: Reason
    message: str
    skew_seconds: float | None = None
    """``at`` minus the signed timestamp: positive when the event is that old, negative
    when it claims to come from the future; None when the scheme signs no timestamp."""
    computed_prefix: str | None = None
    """First characters of the signature we computed (never the whole value)."""
    received_prefix: str | None = None
    """First characters of the signature the request carried."""
    hint: str = ""
    """The next thing to check when verification failed."""
    suspect: Suspect | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "scheme": self.scheme,
            "reason": self.reason.value,
            "message": self.message,
            "skew_seconds": self.skew_seconds,
            "computed_prefix": self.computed_prefix,
            "received_prefix": self.received_prefix,
            "hint": self.hint,
            "suspect": self.suspect.value if self.suspect else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Verification:
        suspect = data.get("suspect")
        skew = data.get("skew_seconds")
        return cls(
            ok=bool(data.get("ok")),
            scheme=str(data.get("scheme", "")),
            reason=Reason(str(data.get("reason", Reason.SIGNATURE_MISMATCH))),
            message=str(data.get("message", "")),
            skew_seconds=float(skew) if isinstance(skew, int | float) else None,
            computed_prefix=_opt_str(data.get("computed_prefix")),
            received_prefix=_opt_str(data.get("received_prefix")),
            hint=str(data.get("hint") or ""),
            suspect=Suspect(str(suspect)) if suspect else None,
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def failure(scheme: str, reason: Reason, message: str, **extra: object) -> Verification:
    return Verification(False, scheme, reason, message, **extra)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Claim:
    """What one request claims, as a scheme parsed it from the headers."""

    scheme: str
    algorithm: str
    """hashlib name: ``sha1``, ``sha256`` or ``sha512``."""
    encoding: str
    """``hex`` (lower-case) or ``base64``."""
    candidates: tuple[str, ...]
    """Received digests, prefixes such as ``sha256=`` or ``v1,`` already removed."""
    contents: Callable[[bytes], tuple[bytes, ...]]
    """The bytes the sender signs for a given body; any of them may match (Twilio's port forms)."""
    timestamp: int | None = None
    body_check: Callable[[bytes], bool] | None = None
    """An extra integrity check of the body (Twilio's bodySHA256), or None."""
    advice: str = ""
    """Scheme-specific words added to a mismatch hint."""


def equal(a: str | bytes, b: str | bytes) -> bool:
    """Constant-time comparison that never raises on non-ASCII input."""
    left = a.encode("utf-8", "surrogatepass") if isinstance(a, str) else a
    right = b.encode("utf-8", "surrogatepass") if isinstance(b, str) else b
    return hmac.compare_digest(left, right)


def digest(key: bytes, message: bytes, algorithm: str) -> bytes:
    return hmac.new(key, message, algorithm).digest()


def encode(raw: bytes, encoding: str) -> str:
    return raw.hex() if encoding == "hex" else base64.b64encode(raw).decode("ascii")


def prefix(value: str | None) -> str | None:
    return value[:PREFIX_LEN] if value else None


_INT = re.compile(r"-?[0-9]{1,20}", re.ASCII)


def parse_timestamp(value: str) -> int | None:
    """Epoch seconds from a header value, or None when it is not a whole number."""
    text = value.strip()
    return int(text) if _INT.fullmatch(text) else None


def clip(value: str, limit: int = 80) -> str:
    """A received value, shortened for a message."""
    return value if len(value) <= limit else value[:limit] + "…"

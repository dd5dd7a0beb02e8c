"""Webhook signature schemes: what each sender signs, how to check it, how to sign.

Each scheme reads its own headers into a ``Claim`` (the received digests
and the bytes the sender signs); ``evaluation.evaluate`` judges every
claim the same way. ``sign`` produces the headers a sender would, for
"send a test event", the sandbox and the tests.

| scheme   | headers                                        | signed bytes                    |
|----------|------------------------------------------------|---------------------------------|
| redcloud | X-RedCloud-Timestamp, X-RedCloud-Signature     | ``timestamp.body`` → lower hex  |
| standard | webhook-id, webhook-timestamp, webhook-signature | ``id.timestamp.body`` → base64 |
| stripe   | Stripe-Signature ``t=…,v1=…``                  | ``t.body`` → lower hex          |
| github   | X-Hub-Signature-256 ``sha256=…``               | ``body`` → lower hex            |
| twilio   | X-Twilio-Signature                             | URL + sorted form params → b64  |
| hmac     | configurable (``HmacOptions``)                 | configurable                    |
"""

from __future__ import annotations

import base64
import binascii
import secrets as _random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from desktop.core.webhooks import twilio
from desktop.core.webhooks.evaluation import evaluate
from desktop.core.webhooks.verification import (
    DEFAULT_TOLERANCE,
    Claim,
    Reason,
    Verification,
    clip,
    digest,
    encode,
    failure,
    parse_timestamp,
)

SCHEMES = ("redcloud", "standard", "stripe", "github", "twilio", "hmac")

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]
Secret = str | bytes
_Parsed = Claim | Verification


@dataclass(frozen=True, slots=True)
class HmacOptions:
    """A generic HMAC scheme, for senders none of the named schemes describe."""

    header: str = "X-Signature"
    algorithm: str = "sha256"
    """``sha1``, ``sha256`` or ``sha512``."""
    encoding: str = "hex"
    """``hex`` (lower-case) or ``base64``."""
    prefix: str = ""
    """Text before the digest in the header value, e.g. ``sha256=``."""
    signed: str = "body"
    """``body``, ``timestamp.body`` or ``id.timestamp.body``."""
    timestamp_header: str | None = None
    id_header: str | None = None

    def __post_init__(self) -> None:
        if self.algorithm not in ("sha1", "sha256", "sha512"):
            raise ValueError(f"algorithm must be sha1, sha256 or sha512, not {self.algorithm!r}")
        if self.encoding not in ("hex", "base64"):
            raise ValueError(f"encoding must be hex or base64, not {self.encoding!r}")
        if self.signed not in ("body", "timestamp.body", "id.timestamp.body"):
            raise ValueError(
                f"signed must be body, timestamp.body or id.timestamp.body, not {self.signed!r}"
            )
        if not self.header.strip():
            raise ValueError("header must name the signature header")
        if self.signed != "body" and not self.timestamp_header:
            raise ValueError(f"signed={self.signed} needs timestamp_header")
        if self.signed == "id.timestamp.body" and not self.id_header:
            raise ValueError("signed=id.timestamp.body needs id_header")

    @classmethod
    def from_mapping(cls, options: Mapping[str, object]) -> HmacOptions:
        """Options from a provider file's ``[webhooks.options]`` table (unknown keys refused)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown hmac option(s): {', '.join(unknown)}")
        return cls(**{k: (None if v is None else str(v)) for k, v in options.items()})  # type: ignore[arg-type]


class _Headers:
    """Case-insensitive lookup over a mapping or pairs; the first value of a name wins."""

    def __init__(self, headers: HeadersLike) -> None:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self._values: dict[str, str] = {}
        for name, value in pairs:
            self._values.setdefault(str(name).strip().lower(), str(value))

    def get(self, *names: str) -> tuple[str, str | None]:
        """The first of ``names`` present, with its value (the first name when none is)."""
        for name in names:
            value = self._values.get(name.lower())
            if value is not None:
                return name, value
        return names[0], None


def _text(secret: Secret) -> bytes:
    return secret.encode("utf-8", "surrogatepass") if isinstance(secret, str) else secret


def _body(body: bytes | str) -> bytes:
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)


class _BadSecretError(ValueError):
    pass


def _standard_key(secret: Secret) -> bytes:
    """Standard Webhooks: the text after ``whsec_`` is base64 of the real key."""
    if isinstance(secret, bytes):
        return secret
    text = secret.strip().removeprefix("whsec_")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise _BadSecretError(
            "The secret is not base64 after 'whsec_': Standard Webhooks secrets are."
        ) from None


def _key(scheme: str, secret: Secret) -> bytes:
    return _standard_key(secret) if scheme == "standard" else _text(secret)


def _alternates(scheme: str, secret: Secret) -> list[tuple[str, bytes]]:
    """Keys a sender might really be using, each with the words that explain the slip."""
    found: list[tuple[str, bytes]] = []
    if isinstance(secret, str) and secret.strip() != secret and secret.strip():
        try:
            found.append((
                "the secret's leading/trailing whitespace removed: the configured secret has "
                "stray whitespace (a copy-paste slip)", _key(scheme, secret.strip()),
            ))
        except _BadSecretError:
            pass
    if isinstance(secret, str) and secret.strip().startswith("whsec_"):
        if scheme == "standard":
            found.append((
                "the whole 'whsec_…' text used as the key, as Stripe does: this sender does "
                "not base64-decode its secret; try the 'stripe' scheme", _text(secret.strip()),
            ))
        elif scheme == "stripe":
            try:
                found.append((
                    "the text after 'whsec_' base64-decoded, as Standard Webhooks does: try the "
                    "'standard' scheme", _standard_key(secret),
                ))
            except _BadSecretError:
                pass
    return found


def _prefixed(scheme: str, header: str, value: str, expected: str) -> str | Verification:
    if not value.startswith(expected):
        return failure(
            scheme, Reason.MALFORMED_SIGNATURE_HEADER,
            f"{header} should start with '{expected}': got '{clip(value)}'.",
        )
    return value[len(expected):].strip()


def _timestamped(
    scheme: str, headers: _Headers, name: str
) -> tuple[str, int] | Verification:
    header, value = headers.get(name)
    if value is None:
        return failure(scheme, Reason.NO_TIMESTAMP_HEADER, f"No {header} header.")
    stamp = parse_timestamp(value)
    if stamp is None:
        return failure(
            scheme, Reason.MALFORMED_SIGNATURE_HEADER,
            f"{header} is not a whole number of epoch seconds: '{clip(value)}'.",
        )
    return value.strip(), stamp


def _missing(scheme: str, header: str, extra: str = "") -> Verification:
    return failure(
        scheme, Reason.NO_SIGNATURE_HEADER,
        f"No {header} header: the sender did not sign this request, or something on the "
        f"way dropped the header.{extra}",
    )


def _claim_redcloud(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    header, signature = h.get("X-RedCloud-Signature")
    if signature is None:
        return _missing("redcloud", header)
    stamped = _timestamped("redcloud", h, "X-RedCloud-Timestamp")
    if isinstance(stamped, Verification):
        return stamped
    raw, stamp = stamped
    head = f"{raw}.".encode()
    return Claim("redcloud", "sha256", "hex", (signature.strip(),), lambda b: (head + b,), stamp)


_STANDARD_HEADERS = (("webhook-id", "svix-id"), ("webhook-timestamp", "svix-timestamp"),
                     ("webhook-signature", "svix-signature"))


def _claim_standard(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    sig_header, value = h.get(*_STANDARD_HEADERS[2])
    if value is None:
        return _missing("standard", sig_header)
    id_header, msg_id = h.get(*_STANDARD_HEADERS[0])
    if msg_id is None:
        return failure("standard", Reason.MALFORMED_SIGNATURE_HEADER,
                       f"No {id_header} header: Standard Webhooks signs the message id.")
    stamped = _timestamped("standard", h, h.get(*_STANDARD_HEADERS[1])[0])
    if isinstance(stamped, Verification):
        return stamped
    raw, stamp = stamped
    candidates = tuple(
        sig for version, _, sig in (part.partition(",") for part in value.split())
        if version == "v1" and sig
    )
    if not candidates:
        return failure("standard", Reason.MALFORMED_SIGNATURE_HEADER,
                       f"{sig_header} holds no 'v1,<base64>' signature: '{clip(value)}'.")
    head = f"{msg_id.strip()}.{raw}.".encode("utf-8", "surrogatepass")
    return Claim("standard", "sha256", "base64", candidates, lambda b: (head + b,), stamp)


def _claim_stripe(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    header, value = h.get("Stripe-Signature")
    if value is None:
        return _missing("stripe", header)
    # Not parsed with http-sfv: ``v1=d95c…`` is not a valid structured-field dictionary
    # value (a token cannot start with a digit), so a plain split is the faithful reading.
    pairs = [part.strip().partition("=") for part in value.split(",")]
    stamps = [v.strip() for k, _, v in pairs if k.strip() == "t"]
    candidates = tuple(v.strip() for k, _, v in pairs if k.strip() == "v1" and v.strip())
    stamp = parse_timestamp(stamps[0]) if stamps else None
    if stamp is None or not candidates:
        missing = "a t=<epoch seconds> timestamp" if stamp is None else "a v1= signature"
        return failure("stripe", Reason.MALFORMED_SIGNATURE_HEADER,
                       f"{header} has no {missing}: '{clip(value)}'.")
    head = f"{stamps[0]}.".encode()
    return Claim("stripe", "sha256", "hex", candidates, lambda b: (head + b,), stamp)


def _claim_github(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    header, value = h.get("X-Hub-Signature-256")
    if value is None:
        legacy = h.get("X-Hub-Signature")[1]
        return _missing("github", header, " Only the legacy SHA-1 X-Hub-Signature is present."
                        if legacy is not None else "")
    signature = _prefixed("github", header, value.strip(), "sha256=")
    if isinstance(signature, Verification):
        return signature
    return Claim("github", "sha256", "hex", (signature,), lambda b: (b,))


def _claim_twilio(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    header, value = h.get("X-Twilio-Signature")
    if value is None:
        return _missing("twilio", header)
    if url is None:
        raise ValueError("the twilio scheme signs the URL: pass url=")
    return Claim("twilio", "sha1", "base64", (value.strip(),),
                 lambda b: twilio.contents(url, b), body_check=twilio.body_check(url),
                 advice="Twilio signs the exact public URL it called (scheme, host, port, path, "
                        "query): behind a tunnel or proxy, check that URL, not the local one.")


def _claim_hmac(h: _Headers, url: str | None, options: HmacOptions | None) -> _Parsed:
    opts = options or HmacOptions()
    header, value = h.get(opts.header)
    if value is None:
        return _missing("hmac", header)
    signature = _prefixed("hmac", header, value.strip(), opts.prefix) if opts.prefix \
        else value.strip()
    if isinstance(signature, Verification):
        return signature
    if opts.signed == "body":
        return Claim("hmac", opts.algorithm, opts.encoding, (signature,), lambda b: (b,))
    assert opts.timestamp_header is not None
    stamped = _timestamped("hmac", h, opts.timestamp_header)
    if isinstance(stamped, Verification):
        return stamped
    raw, stamp = stamped
    head = f"{raw}."
    if opts.signed == "id.timestamp.body":
        assert opts.id_header is not None
        id_header, msg_id = h.get(opts.id_header)
        if msg_id is None:
            return failure("hmac", Reason.MALFORMED_SIGNATURE_HEADER, f"No {id_header} header.")
        head = f"{msg_id.strip()}.{head}"
    prefix_bytes = head.encode("utf-8", "surrogatepass")
    return Claim("hmac", opts.algorithm, opts.encoding, (signature,),
                 lambda b: (prefix_bytes + b,), stamp)


_CLAIMS = {
    "redcloud": _claim_redcloud, "standard": _claim_standard, "stripe": _claim_stripe,
    "github": _claim_github, "twilio": _claim_twilio, "hmac": _claim_hmac,
}


def verify(
    scheme: str,
    secret: Secret | None,
    headers: HeadersLike,
    body: bytes | str,
    *,
    url: str | None = None,
    at: float | None = None,
    tolerance: float | None = DEFAULT_TOLERANCE,
    options: HmacOptions | None = None,
    original_body: bytes | None = None,
) -> Verification:
    """Check one delivery's signature; never raises on what the request carried.

    ``at`` is the instant to judge the timestamp against (now by default);
    ``tolerance=None`` skips the clock check. ``original_body`` (e.g. the
    sandbox's record of what it sent) lets a mismatch say whether the
    secret or the body is at fault. ``url`` is required by ``twilio``: the
    public URL the sender called. Raises ``ValueError`` only for an unknown
    scheme or a missing ``url`` (mistakes of the caller, not of the request).
    """
    if scheme not in _CLAIMS:
        raise ValueError(f"unknown webhook scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    claim = _CLAIMS[scheme](_Headers(headers), url, options)
    if isinstance(claim, Verification):
        return claim
    if secret is None or not secret:
        return failure(scheme, Reason.NO_SECRET,
                       "No webhook secret is configured, so the signature cannot be checked.",
                       hint="Set the webhook secret the sender signs with (the provider's "
                            "console shows it).")
    try:
        key = _key(scheme, secret)
    except _BadSecretError as error:
        return failure(scheme, Reason.NO_SECRET, str(error))
    return evaluate(
        claim, key, _body(body),
        at=time.time() if at is None else at,
        tolerance=tolerance,
        original_body=original_body,
        alternates=_alternates(scheme, secret),
    )


def sign(
    scheme: str,
    secret: Secret,
    body: bytes | str,
    *,
    timestamp: int | None = None,
    msg_id: str | None = None,
    url: str | None = None,
    options: HmacOptions | None = None,
) -> dict[str, str]:
    """The headers a sender of ``scheme`` would attach to ``body``.

    ``timestamp`` defaults to now, ``msg_id`` to a random ``msg_…`` id;
    ``url`` is required by ``twilio``. Raises ``ValueError`` on an empty
    secret, an unknown scheme, or a Standard Webhooks secret that is not base64.
    """
    if not secret:
        raise ValueError("signing needs a secret")
    data = _body(body)
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    ident = msg_id if msg_id is not None else "msg_" + _random.token_hex(12)
    key = _key(scheme, secret)

    def mac(message: bytes, algorithm: str = "sha256", encoding: str = "hex") -> str:
        return encode(digest(key, message, algorithm), encoding)

    if scheme == "redcloud":
        return {"X-RedCloud-Timestamp": stamp,
                "X-RedCloud-Signature": mac(f"{stamp}.".encode() + data)}
    if scheme == "standard":
        signed = f"{ident}.{stamp}.".encode("utf-8", "surrogatepass") + data
        return {"webhook-id": ident, "webhook-timestamp": stamp,
                "webhook-signature": "v1," + mac(signed, encoding="base64")}
    if scheme == "stripe":
        return {"Stripe-Signature": f"t={stamp},v1={mac(f'{stamp}.'.encode() + data)}"}
    if scheme == "github":
        return {"X-Hub-Signature-256": "sha256=" + mac(data)}
    if scheme == "twilio":
        if url is None:
            raise ValueError("the twilio scheme signs the URL: pass url=")
        return {"X-Twilio-Signature": mac(twilio.contents(url, data)[0], "sha1", "base64")}
    if scheme == "hmac":
        opts = options or HmacOptions()
        head = "" if opts.signed == "body" else f"{stamp}."
        if opts.signed == "id.timestamp.body":
            head = f"{ident}.{head}"
        headers = {opts.header: opts.prefix + mac(head.encode("utf-8", "surrogatepass") + data,
                                                  opts.algorithm, opts.encoding)}
        if opts.timestamp_header:
            headers[opts.timestamp_header] = stamp
        if opts.signed == "id.timestamp.body" and opts.id_header:
            headers[opts.id_header] = ident
        return headers
    raise ValueError(f"unknown webhook scheme {scheme!r}; known: {', '.join(SCHEMES)}")

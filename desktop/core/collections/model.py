"""Saved requests: what a collection file holds, and how it becomes a request to send.

A ``SavedRequest`` is a Composer request (``RequestSpec``) as the user would
keep it: a name, an order, ``{{variables}}`` left in place, the profile's
credentials never in it (``auth = "profile"`` asks the client to attach
them). ``resolve`` fills the variables from the active profile when it is
sent, as the Composer does for provider templates.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from desktop.core.client.spec import RequestSpec, join_url
from desktop.core.templates import PLACEHOLDER, render_text

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
"""RFC 9110 token: what a method or header name may be."""
MAX_NAME = 200
MAX_VARIABLE_PASSES = 5
"""``{{a}}`` may hold ``{{b}}``: that many rounds of filling, then what is left stays."""


class BodyType(StrEnum):
    NONE = "none"
    JSON = "json"
    FORM = "form"
    TEXT = "text"
    BASE64 = "base64"
    """Bytes that are not UTF-8 text, kept base64-encoded so the file stays text."""


_DEFAULT_TYPES = {BodyType.JSON: "application/json",
                  BodyType.FORM: "application/x-www-form-urlencoded"}


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    value: str
    enabled: bool = True
    """A disabled header is kept in the file (as Postman and Bruno do) and not sent."""


@dataclass(frozen=True, slots=True)
class Body:
    type: BodyType = BodyType.NONE
    text: str = ""

    def to_bytes(self) -> bytes:
        if self.type is BodyType.NONE:
            return b""
        if self.type is BodyType.BASE64:
            try:
                return base64.b64decode(self.text, validate=True)
            except (binascii.Error, ValueError):
                return b""
        return self.text.encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes, content_type: str = "") -> Body:
        """Bytes as the Composer holds them, typed by Content-Type (or by their look)."""
        if not data:
            return cls()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return cls(BodyType.BASE64, base64.b64encode(data).decode("ascii"))
        media = content_type.split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            return cls(BodyType.FORM, text)
        if media.endswith(("/json", "+json")) or (not media and text.lstrip()[:1] in "{["
                                                   and text.strip()):
            return cls(BodyType.JSON, text)
        return cls(BodyType.TEXT, text)


class Auth(StrEnum):
    PROFILE = "profile"
    """Attach the profile's credentials (token, API key) when sending."""
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SavedRequest:
    """One request in a collection, as its file holds it."""

    name: str
    method: str = "GET"
    url: str = ""
    headers: tuple[Header, ...] = ()
    body: Body = Body()
    auth: Auth = Auth.PROFILE
    description: str = ""
    seq: int = 0
    """Position among its siblings (1, 2, 3...); ties are broken by name."""
    extras: dict[str, str] = field(default_factory=dict, compare=False)
    """Where it came from (``source = "postman"``); kept in the file, never sent."""

    def __post_init__(self) -> None:
        # Callers (the UI, tests) may pass plain strings; the file format needs the enums.
        if not isinstance(self.auth, Auth):
            object.__setattr__(self, "auth", Auth(self.auth))
        if self.method != self.method.upper():
            object.__setattr__(self, "method", self.method.upper())

    def with_name(self, name: str) -> SavedRequest:
        return replace(self, name=name)

    @property
    def enabled_headers(self) -> tuple[tuple[str, str], ...]:
        return tuple((h.name, h.value) for h in self.headers if h.enabled)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((h.value for h in self.headers if h.enabled and h.name.lower() == lowered),
                    None)

    def variables(self) -> list[str]:
        """The ``{{names}}`` it refers to, in order of first use."""
        texts = [self.url, self.body.text, *(h.value for h in self.headers)]
        seen: dict[str, None] = {}
        for text in texts:
            for match in PLACEHOLDER.finditer(text):
                seen.setdefault(match.group(1), None)
        return list(seen)


def from_spec(spec: RequestSpec, name: str, *, base_url: str = "",
              description: str = "") -> SavedRequest:
    """A Composer request as a saved one: the profile's base URL becomes ``{{base_url}}``.

    A collection outlives the profile it was made with (staging today,
    production tomorrow), so the host the request went to is not kept.
    """
    url = spec.url
    base = base_url.rstrip("/")
    if base and (url == base or url.startswith(base + "/") or url.startswith(base + "?")):
        url = "{{base_url}}" + url[len(base):]
    body = Body.from_bytes(spec.body, spec.header("Content-Type") or "")
    return SavedRequest(name=name, method=spec.method.upper(), url=url,
                        headers=tuple(Header(k, v) for k, v in spec.headers), body=body,
                        auth=Auth.PROFILE if spec.attach_auth else Auth.NONE,
                        description=description)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A saved request made ready to send with one profile's values."""

    spec: RequestSpec
    missing: tuple[str, ...] = ()
    """``{{names}}`` nobody had a value for; they stay in the request as typed."""
    withheld_credentials: bool = False
    """The request leaves the profile's host, so its credentials are not attached."""


def variable_values(collection_variables: Mapping[str, str],
                    profile_values: Mapping[str, Any]) -> dict[str, Any]:
    """What ``{{name}}`` means when running a collection: the profile wins over the
    collection's own variables (as a Postman environment wins over collection variables)."""
    values: dict[str, Any] = {k: v for k, v in collection_variables.items() if v != ""}
    values.update({k: v for k, v in profile_values.items() if v is not None and v != ""})
    return values


def fill(text: str, values: Mapping[str, Any], missing: list[str]) -> str:
    """Fill placeholders, several rounds (a variable may hold another); unknown ones stay."""
    for _ in range(MAX_VARIABLE_PASSES):
        if not PLACEHOLDER.search(text):
            break
        filled = render_text(text, {**{n: "{{" + n + "}}" for n in _names(text)}, **values},
                             [])
        if filled == text:
            break
        text = filled
    for name in _names(text):
        if name not in missing and name not in values:
            missing.append(name)
    return text


def _names(text: str) -> list[str]:
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]


def resolve(saved: SavedRequest, values: Mapping[str, Any], base_url: str) -> Resolved:
    """The request to send: variables filled, a relative URL joined to the base URL.

    Credentials go only to the profile's own host: a request whose URL points
    elsewhere (an absolute URL in an imported collection) is sent without them.
    """
    missing: list[str] = []
    url = fill(saved.url, values, missing).strip()
    if url and "://" not in url:
        # A path goes to the profile's host; a bare host gets http://, as Postman does.
        url = join_url(base_url, url) if url.startswith("/") else "http://" + url
    headers = tuple((fill(h.name, values, missing), fill(h.value, values, missing))
                    for h in saved.headers if h.enabled)
    body_text = fill(saved.body.text, values, missing) if saved.body.type not in (
        BodyType.NONE, BodyType.BASE64) else saved.body.text
    body = replace(saved.body, text=body_text).to_bytes()
    default_type = _DEFAULT_TYPES.get(saved.body.type)
    if body and default_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers = (*headers, ("Content-Type", default_type))
    attach = saved.auth is Auth.PROFILE
    withheld = attach and not same_host(url, base_url)
    spec = RequestSpec(method=saved.method, url=url, headers=headers, body=body,
                       attach_auth=attach and not withheld)
    return Resolved(spec, tuple(missing), withheld)


def same_host(url: str, base_url: str) -> bool:
    """Whether ``url`` goes to the base URL's scheme, host and port."""
    try:
        a, b = urlsplit(url), urlsplit(base_url)
        return (a.scheme.lower(), a.hostname, a.port) == (b.scheme.lower(), b.hostname, b.port) \
            and bool(a.hostname)
    except ValueError:
        return False


def problem_with(saved: SavedRequest) -> str | None:
    """Why a saved request cannot be stored or sent as it is, or None."""
    if not saved.name.strip():
        return "it has no name"
    if len(saved.name) > MAX_NAME:
        return f"its name is longer than {MAX_NAME} characters"
    if not _TOKEN.match(saved.method):
        return f"{saved.method!r} is not an HTTP method"
    for header in saved.headers:
        if not _TOKEN.match(header.name) and not PLACEHOLDER.fullmatch(header.name):
            return f"header name {header.name!r} is not valid"
        if any(c in header.value for c in "\r\n\0"):
            return f"header {header.name} has a line break in its value"
    return None

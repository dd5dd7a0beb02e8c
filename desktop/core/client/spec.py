"""RequestSpec: a request as the user (or a checklist template) wrote it, before sending.

Lint reads it, curl import produces it, the client sends it. It holds no
credentials: the profile's auth is attached by the client on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from desktop.core.client.jsonload import loads_bounded


@dataclass(frozen=True, slots=True)
class RequestSpec:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    attach_auth: bool = True
    extras: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def with_header(self, name: str, value: str) -> RequestSpec:
        """A copy with this header set (replacing any with the same name)."""
        lowered = name.lower()
        kept = tuple((k, v) for k, v in self.headers if k.lower() != lowered)
        return replace(self, headers=(*kept, (name, value)))

    def without_header(self, name: str) -> RequestSpec:
        lowered = name.lower()
        return replace(self, headers=tuple((k, v) for k, v in self.headers
                                           if k.lower() != lowered))

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> object | None:
        """The body as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return loads_bounded(self.body)  # a 100,000-deep body is not JSON we read
        except (ValueError, UnicodeDecodeError):
            return None


def join_url(base_url: str, path: str) -> str:
    """``https://h/api`` + ``/v1/x`` → ``https://h/api/v1/x`` (one slash, base path kept)."""
    if path.startswith(("http://", "https://")):
        return path
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")

"""Run a collection: each request in order through the profile's one client, each answer
explained.

The client already attaches the provider's findings to every Exchange; the
runner resolves ``{{variables}}``, sends, and yields one ``RequestOutcome``
per request as it finishes (the window shows them as they come; the CLI
prints a line each). A request that cannot be sent (no token, not an
http(s) URL) is an outcome with a finding, never an exception that stops
the run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop.core.client.spec import RequestSpec
from desktop.core.collections.model import SavedRequest, resolve, same_host, variable_values
from desktop.core.collections.tree import CollectionTree
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding, Severity, worst

if TYPE_CHECKING:
    from desktop.core.client.client import ProfileClient

CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(slots=True)
class RequestOutcome:
    folder: tuple[str, ...]
    path: str
    request: SavedRequest
    spec: RequestSpec | None = None
    exchange: Exchange | None = None
    skipped: str | None = None
    """Why it was not sent (``--same-host``, not an http(s) URL), or None."""
    missing: tuple[str, ...] = ()
    withheld_credentials: bool = False
    findings: list[Finding] = field(default_factory=list)
    """The exchange's findings, or the reason it could not be sent."""

    @property
    def top_finding(self) -> Finding | None:
        return worst(self.findings)

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def status(self) -> int | None:
        return self.exchange.status if self.exchange is not None else None

    @property
    def duration_ms(self) -> float | None:
        return self.exchange.duration_ms if self.exchange is not None else None

    @property
    def request_id(self) -> str | None:
        return self.exchange.request_id if self.exchange is not None else None


@dataclass(slots=True)
class CollectionRun:
    name: str
    outcomes: list[RequestOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(o.failed for o in self.outcomes)

    @property
    def sent(self) -> int:
        return sum(1 for o in self.outcomes if o.exchange is not None)


def run_values(collection_variables: Mapping[str, str], profile: Any, provider: Any,
               overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Collection variables, under the profile's values (settings, built-ins, base URL),
    under explicit overrides (``--set``)."""
    from desktop.core.compose import template_values

    values = variable_values(collection_variables, template_values(profile, provider))
    values.update(overrides or {})
    return values


def changing_requests(tree: CollectionTree) -> list[SavedRequest]:
    """Requests that may change something on the server (for the production question)."""
    return [node.request for _, node in tree.requests()
            if node.request.method.upper() in CHANGING_METHODS]


async def run_collection(
    tree: CollectionTree,
    client: ProfileClient,
    values: Mapping[str, Any],
    *,
    same_host_only: bool = False,
    include: Callable[[tuple[str, ...], SavedRequest], bool] | None = None,
    last_exchange: Callable[[], Exchange | None] | None = None,
) -> AsyncIterator[RequestOutcome]:
    """Send every request of ``tree`` in order; yield each outcome as it completes.

    ``last_exchange`` gives the latest recorded Exchange (the history's last row): when
    the profile could not get a token, its findings say why.
    """
    from desktop.core.client.auth import TokenError

    base_url = client.profile.base_url
    for trail, node in tree.requests():
        if include is not None and not include(trail, node.request):
            continue
        resolved = resolve(node.request, values, base_url)
        outcome = RequestOutcome(trail, node.path, node.request, resolved.spec,
                                 missing=resolved.missing,
                                 withheld_credentials=resolved.withheld_credentials)
        url = resolved.spec.url
        parts = _split(url)
        if parts is None:
            outcome.skipped = f"{url[:120]!r} is not an http(s) URL"
            outcome.findings.append(_finding("collection.bad_url", outcome.skipped,
                                             "Fix the request's URL (or the variable in it)."))
        elif same_host_only and not same_host(url, base_url):
            outcome.skipped = f"{parts} is not the profile's host"
        else:
            try:
                outcome.exchange = await client.send(resolved.spec)
                outcome.findings = list(outcome.exchange.findings)
            except TokenError as exc:
                token = last_exchange() if last_exchange is not None else None
                outcome.findings = list(token.findings) if token is not None and \
                    token.findings else [_finding("collection.token", str(exc),
                                                  "Run `switchboard check` to see why the "
                                                  "token request failed.")]
            except Exception as exc:  # one request must not stop the run
                outcome.findings.append(_finding("collection.send_failed",
                                                 f"The request could not be sent: {exc}",
                                                 "Check the request's URL and headers."))
        yield outcome


def _split(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _finding(code: str, title: str, next_action: str) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, title=title, next_action=next_action,
                   source="collection")

"""Findings the client itself makes: what happened on the wire that no status code says.

Credentials kept from another origin, a token endpoint that redirects, an
answer that never finished, a token that could not be renewed, a body too
deeply nested to read. Each says what was seen and what to do, like the
catalog's findings, so every view (checklist, Composer, `check`) shows it.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from desktop.core.finding import Finding, Severity


def _where(url: str) -> str:
    """``host:port`` of a URL (the port only when it is not the scheme's default)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url[:200]
    host = parts.hostname or url[:200]
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{port}" if port is not None and port != default else host


def credentials_withheld(names: list[str], host: str) -> Finding:
    return Finding(
        code="client.credentials_withheld",
        severity=Severity.INFO,
        title=f"Credentials were not sent to {host}: it is not the profile's API origin.",
        causes=("A redirect, or a URL edited to point at another host.",),
        next_action="If that host is really the API, update the profile's base URL.",
        source="client",
        evidence=", ".join(names),
    )


def token_redirect(token_url: str, location: str | None, status: int | None = None
                   ) -> Finding:
    """A token endpoint answered with a redirect: it is reported, never followed.

    Following would re-send the client secret (307/308 keep the body) to
    wherever the redirect points; even a same-origin hop is not followed, so
    the one place credentials go is the token URL the profile names.
    """
    target = location or "(no Location header)"
    try:
        same = bool(location) and _origin(token_url) == _origin(_absolute(token_url, target))
    except ValueError:
        same = False
    if same:
        title = (f"The token endpoint redirects to {_absolute(token_url, target)[:200]}; "
                 "credentials are not re-sent to a redirect.")
        causes = ("The provider moved its token path (an old path, a missing or extra "
                  "trailing slash, a version prefix).",
                  "The base URL has the wrong path prefix.")
        action = ("Set the base URL (or the provider's token path) to where the token endpoint "
                  "really is, so no redirect is needed.")
    else:
        where = _where(_absolute(token_url, target)) if location else target
        title = f"The token endpoint redirects to {where}; refusing to send credentials there."
        causes = ("The base URL points at an old host, or uses http:// where https:// is "
                  "expected.",
                  "A proxy, captive portal or single-sign-on page answers in the API's place.",
                  "Something is trying to collect the client secret.")
        action = ("Do not send the secret there. Check the base URL against the provider's "
                  "documented hosts; if the new host is genuine, make it the base URL.")
    return Finding(code="client.token_redirect", severity=Severity.ERROR, title=title,
                   causes=causes, next_action=action, source="client",
                   evidence=(f"HTTP {status}, Location: " if status else "redirected to ")
                   + target[:300])


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _absolute(base: str, location: str) -> str:
    return urljoin(base, location)


def deadline_exceeded(url: str, seconds: float, *, phase: str) -> Finding:
    """The server kept the connection but the answer did not finish within the deadline."""
    return Finding(
        code="client.deadline",
        severity=Severity.ERROR,
        title=f"{_where(url)} kept the connection open but did not finish its answer within "
              f"{seconds:g} s.",
        causes=("The server or a proxy is stuck, or sends its answer a few bytes at a time "
                "(every byte restarts an ordinary read timeout, so only an overall deadline "
                "ends it).",
                "The API is degraded or overloaded.",
                "An endless or very large response."),
        next_action="Retry later and check the provider's status page; if it persists, escalate "
                    "with the time of the attempt. For a send, retry with the same idempotency "
                    "key.",
        source="client",
        evidence=phase,
    )


def token_refresh_failed(reason: str) -> Finding:
    """A 401 asked for a fresh token and the token endpoint did not give one."""
    return Finding(
        code="client.token_refresh_failed",
        severity=Severity.ERROR,
        title="The server refused the token (401) and a fresh one could not be acquired, so "
              "the request was not retried.",
        causes=("The token endpoint is failing (its answer is quoted above, and recorded "
                "next to this request).",
                "The client credentials were revoked or rotated since the first token.",
                "The token was revoked early, and the provider is degraded."),
        next_action="Run the checklist's token step to see the token endpoint's answer; retry "
                    "later if it is a server error.",
        source="client",
        evidence=reason,
    )


def token_not_acquired(reason: str) -> Finding:
    """No token: the request itself was never sent."""
    return Finding(
        code="client.token_failed",
        severity=Severity.ERROR,
        title=f"No token, so the request was not sent: {reason}",
        causes=("The token endpoint refused the credentials, failed, or is unreachable.",),
        next_action="Run the checklist's token step: it explains the token endpoint's answer.",
        source="client",
        evidence=reason,
    )


def json_too_deep(limit: int) -> Finding:
    return Finding(
        code="client.json_too_deep",
        severity=Severity.WARN,
        title=f"The response body is JSON nested more than {limit} levels deep; it is shown as "
              "text and not read field by field.",
        causes=("A broken or hostile server (no real API nests that deep).",),
        next_action="Look at the raw body; report the endpoint to the provider if it is theirs.",
        source="client",
    )


def diagnosis_failed(error: BaseException) -> Finding:
    """A rule failed on this answer: the answer is kept; the failure is said, not raised."""
    return Finding(
        code="client.diagnosis_failed",
        severity=Severity.INFO,
        title="This answer could not be explained automatically; it is recorded as received.",
        next_action="Read the status, headers and body directly.",
        source="client",
        evidence=type(error).__name__,
    )


def token_failure_findings(error: Exception) -> list[Finding]:
    """A request that was not sent for want of a token: that first, then what the token
    request's own Exchange showed (``TokenError.exchange``), when it reached the wire."""
    exchange = getattr(error, "exchange", None)
    return [token_not_acquired(str(error)), *(exchange.findings if exchange is not None else ())]

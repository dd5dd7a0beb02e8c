"""Rules that hold for any HTTP API: what a status or a transport failure usually means.

They speak when the provider's catalog has nothing more specific to say,
and always for transport failures, where the network is the story.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from desktop.core.diagnosis.context import DiagnosisContext, body_excerpt
from desktop.core.finding import Finding, Severity

_VERSION_PREFIX = re.compile(r"/v\d+(/|$)")


def _finding(code: str, title: str, causes: list[str], action: str, *,
             severity: Severity = Severity.ERROR, evidence: str = "",
             source: str = "http") -> Finding:
    return Finding(code=f"{source}.{code}", severity=severity, title=title, causes=tuple(causes),
                   next_action=action, source=source, evidence=evidence)


def _host_hint(ctx: DiagnosisContext) -> str:
    return ctx.facts.get("host") or "the API host"


def transport_finding(ctx: DiagnosisContext) -> Finding | None:
    kind = ctx.transport
    detail = ctx.message or ""
    host = _host_hint(ctx)
    table: dict[str, tuple[str, list[str], str]] = {
        "dns": (
            f"The name {host} could not be resolved.",
            ["A typo in the base URL's host.", "The wrong region or environment host.",
             "No DNS on this network (offline, VPN or split-horizon DNS)."],
            "Compare the base URL with the provider's table of environments and regions.",
        ),
        "connect_refused": (
            f"{host} refused the connection.",
            ["Nothing listens on that port: a wrong port, or http:// where https:// is expected.",
             "A firewall rejects outbound HTTPS (port 443) from this network.",
             "A typo in the base URL."],
            "Check the base URL and port, then ask whether outbound HTTPS on port 443 is allowed.",
        ),
        "connect": (
            f"Could not connect to {host}.",
            ["A firewall or proxy blocks outbound HTTPS (port 443).", "A typo in the base URL.",
             "The network is down."],
            "Check the base URL, then whether this network allows outbound HTTPS on port 443.",
        ),
        "connect_timeout": (
            f"Connecting to {host} timed out: the request never reached the API.",
            ["A firewall silently drops outbound HTTPS (port 443): agency and corporate "
             "firewalls often do by default.",
             "A proxy is required on this network.", "The host is wrong or unreachable."],
            "Ask your network team to allow outbound HTTPS to the API host on port 443.",
        ),
        "tls": (
            f"The TLS handshake with {host} failed.",
            ["A proxy on this network intercepts TLS with its own certificate.",
             "The host name does not match the certificate (wrong base URL).",
             "The server's certificate is expired or not trusted."],
            "Check the base URL's host; on a corporate network, ask for the proxy's CA "
            "certificate. Do not disable verification for production.",
        ),
        "read_timeout": (
            "The server did not answer in time.",
            ["The API is slow or degraded.", "A proxy holds the response."],
            "Retry later and check the provider's status page; for a send, reuse the same "
            "idempotency key when retrying.",
        ),
        "write_timeout": (
            "Sending the request timed out.",
            ["A very large body on a slow or filtered connection."],
            "Retry, and check whether a proxy limits upload size.",
        ),
        "pool_timeout": (
            "Too many requests were waiting for a connection.",
            ["Many concurrent requests on this profile."],
            "Wait for the running requests to finish, or lower the concurrency.",
        ),
        "reset": (
            "The connection was closed before the response was complete.",
            ["The server or a proxy dropped the connection.",
             "The request was too large for a proxy."],
            "Retry; if it persists, capture the time and escalate. For a send, retry with the "
            "same idempotency key.",
        ),
        "protocol": (
            "The server's answer was not valid HTTP.",
            ["http:// used against an HTTPS port (or the reverse).",
             "Something other than the API listens there."],
            "Check the scheme and port of the base URL.",
        ),
        "invalid_request": (
            "The request could not be sent as written.",
            ["An invalid URL, or a header with a line break or non-ASCII characters."],
            "Correct the URL or header shown in the message.",
        ),
        "cancelled": (
            "The request was cancelled before it finished.",
            [],
            "Send it again when ready.",
        ),
    }
    if kind is None:
        return None
    title, causes, action = table.get(kind, ("The request failed before a response arrived.",
                                             [], "Check the message and the base URL."))
    severity = Severity.INFO if kind == "cancelled" else Severity.ERROR
    return _finding(kind, title, causes, action, severity=severity, evidence=detail,
                    source="transport")


def _field_errors(document: Any) -> list[str]:
    """Field names a 400 body points at, in the common shapes APIs use."""
    if not isinstance(document, dict):
        return []
    names: list[str] = []
    for key in ("validationErrors", "errors", "details", "fieldErrors", "invalid_params"):
        value = document.get(key)
        if isinstance(value, dict):
            names.extend(f"{k}: {v}" if isinstance(v, str) else str(k) for k, v in value.items())
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    name = item.get("field") or item.get("name") or item.get("to")
                    reason = item.get("message") or item.get("reason") or item.get("error")
                    if name:
                        names.append(f"{name}: {reason}" if reason else str(name))
    error = document.get("error")
    if isinstance(error, dict):
        names.extend(_field_errors(error))
    return names


def _wait_text(ctx: DiagnosisContext) -> str:
    wait = ctx.facts.get("retry_after")
    minimum = ctx.facts.get("min_wait_after_429") or 0
    if isinstance(wait, int | float):
        seconds = max(float(wait), float(minimum))
        return f"Wait {seconds:g} s (the server's Retry-After), then retry with backoff."
    if minimum:
        return f"Wait at least {minimum:g} s, then retry with exponential backoff."
    return "Wait before retrying and back off exponentially; watch the rate-limit headers."


def _status_400(ctx: DiagnosisContext) -> Finding:
    fields = _field_errors(ctx.json)
    causes = [f"The server named {', '.join(fields)}."] if fields else []
    causes += ["A required field is missing or has the wrong type.",
               "The body is not valid JSON, or Content-Type does not match it.",
               "A timestamp or phone number is not in the expected format."]
    return _finding("400", "The server rejected the request as invalid (400).", causes,
                    "Correct the fields named in the response; do not retry an unchanged request.",
                    evidence=body_excerpt(ctx))


def _status_401(ctx: DiagnosisContext) -> Finding:
    facts = ctx.facts
    causes: list[str] = []
    if facts.get("secret_whitespace"):
        causes.append("The secret has leading or trailing whitespace (a pasted line break).")
    if facts.get("environment_mismatch"):
        causes.append("The base URL is not the environment the credentials were issued for "
                      "(staging and production credentials are not interchangeable).")
    if facts.get("auth_header_sent") is False:
        causes.append("No credentials were sent with the request.")
    causes += ["The token expired or was revoked.",
               "The credentials belong to another environment or region.",
               "A user login token was used instead of an API client token.",
               "The key or token was copied with extra characters."]
    return _finding("401", "The server did not accept the credentials (401).", causes,
                    "Acquire a fresh token (or check the key) and retry once.",
                    evidence=body_excerpt(ctx))


def _status_404(ctx: DiagnosisContext) -> Finding:
    causes = []
    if not _VERSION_PREFIX.search(ctx.path) and ctx.facts.get("expects_version_prefix"):
        causes.append("The path has no API version prefix (e.g. /v1/).")
    causes += ["A typo in the path routes nowhere.",
               "The resource id is wrong, deleted, or belongs to another account or agency.",
               "The base URL points at the wrong environment or region."]
    return _finding("404", "Not found (404).", causes,
                    "Check the path (including its version prefix) and that the resource belongs "
                    "to the authenticated account.", evidence=body_excerpt(ctx))


def status_finding(ctx: DiagnosisContext) -> Finding | None:
    status = ctx.status
    if status is None or status < 300:
        return None
    specific: dict[int, Callable[[DiagnosisContext], Finding]] = {
        400: _status_400, 401: _status_401, 404: _status_404, 422: _status_400,
    }
    if status in specific:
        return specific[status](ctx)
    evidence = body_excerpt(ctx)
    if 300 <= status < 400:
        location = ctx.facts.get("location") or "another URL"
        return _finding(str(status), f"The server redirected to {location}.",
                        ["The base URL uses http:// where https:// is expected, or an old host."],
                        "Update the profile's base URL to the final address.",
                        severity=Severity.WARN, evidence=evidence)
    simple: dict[int, tuple[str, list[str], str]] = {
        403: ("Authenticated, but not allowed (403).",
              ["The account, agency or API client is inactive.",
               "A user token was used instead of an API client token.",
               "The API client lacks the permission for this endpoint.",
               "The resource belongs to another client."],
              "Check the client's status and permissions in the provider's console."),
        405: ("This method is not allowed on this path (405).",
              ["GET where POST is expected, or the reverse."], "Check the method."),
        409: ("Conflict (409): the request clashes with an earlier one.",
              ["A duplicate of a recent request (deduplication window).",
               "An idempotency key reused with a different body."],
              "Change what makes it a duplicate, or reuse the key only for the identical request."),
        413: ("The request is too large (413).",
              ["A bulk array over the provider's item limit.", "A body over the size limit."],
              "Split the items into smaller batches and send them one after the other."),
        415: ("Unsupported media type (415).",
              ["Content-Type does not match the body (e.g. JSON sent as form)."],
              "Set Content-Type to what the endpoint expects."),
        429: ("Too many requests (429).",
              ["The rate limit or the pending-message capacity was exceeded."], _wait_text(ctx)),
    }
    if status in simple:
        title, causes, action = simple[status]
        return _finding(str(status), title, causes, action, evidence=evidence)
    if status >= 500:
        return _finding(str(status), f"The server failed ({status}).",
                        ["A fault or outage at the provider, or in a downstream carrier."],
                        "Retry with exponential backoff; check the provider's status page; "
                        "escalate with the request id and time if it persists.", evidence=evidence)
    return _finding(str(status), f"The server answered {status}.", [],
                    "Read the response body for details.", severity=Severity.WARN,
                    evidence=evidence)

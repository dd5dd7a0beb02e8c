"""Redacting whole Exchanges: one gate for all parts, then each part by its own rules.

The HAR writer and ``Redactor.redact_exchange`` both start from
``redact_parts``, so a bundle and a redacted copy are redacted identically.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from desktop.core.exchange import Exchange, RequestRecord, TransportError, header_value
from desktop.core.finding import Finding
from desktop.core.redact.names import is_credential_header
from desktop.core.redact.structure import RedactedBody, decode

if TYPE_CHECKING:
    from desktop.core.redact.redactor import Redactor


@dataclasses.dataclass(frozen=True, slots=True)
class ExchangeParts:
    """The redacted parts of an Exchange, for copies and for the HAR writer."""

    url: str
    request_headers: list[tuple[str, str]]
    request_body: RedactedBody
    response_headers: list[tuple[str, str]]
    response_body: RedactedBody | None
    reason: str
    incomplete: str | None
    request_id: str | None
    error: TransportError | None


def redact_parts(redactor: Redactor, exchange: Exchange) -> ExchangeParts:
    """Gate the rules once over every text of the Exchange, then redact each part."""
    request = exchange.request
    response = exchange.response
    error = exchange.error
    request_decoded = decode(request.body, header_value(request.headers, "content-type"))
    texts = [request.url, request_decoded[1] or "", exchange.request_id or ""]
    texts += [value for name, value in request.headers if not is_credential_header(name)]
    if error is not None:
        texts.append(error.message)
    response_decoded = None
    if response is not None:
        response_decoded = decode(response.body, response.header("content-type"))
        texts += [response_decoded[1] or "", response.reason]
        texts += [value for name, value in response.headers if not is_credential_header(name)]
    hits = redactor.hits("\n".join(texts))
    scrub = redactor._scrub
    return ExchangeParts(
        url=redactor.redact_url(request.url, hits),
        request_headers=redactor.redact_headers(request.headers, hits),
        request_body=redactor._body(request.body, None, hits, request_decoded),
        response_headers=(redactor.redact_headers(response.headers, hits)
                          if response is not None else []),
        response_body=(redactor._body(response.body, None, hits, response_decoded)
                       if response is not None else None),
        reason=scrub(response.reason, hits) if response is not None else "",
        incomplete=(scrub(response.incomplete)
                    if response is not None and response.incomplete else None),
        request_id=(scrub(exchange.request_id, hits)
                    if exchange.request_id is not None else None),
        error=TransportError(error.kind, scrub(error.message, hits)) if error is not None else None,
    )


def redact_exchange(redactor: Redactor, exchange: Exchange) -> Exchange:
    """A redacted copy of an Exchange (same id); the original is untouched."""
    parts = redact_parts(redactor, exchange)
    request = exchange.request
    response = exchange.response
    new_response = None
    if response is not None and parts.response_body is not None:
        new_response = dataclasses.replace(
            response,
            reason=parts.reason,
            headers=tuple(parts.response_headers),
            body=parts.response_body.data,
            incomplete=parts.incomplete,
        )
    return dataclasses.replace(
        exchange,
        request=RequestRecord(request.method, parts.url, tuple(parts.request_headers),
                              parts.request_body.data),
        response=new_response,
        error=parts.error,
        request_id=parts.request_id,
        findings=[redact_finding(redactor, finding) for finding in exchange.findings],
    )


def redact_finding(redactor: Redactor, finding: Finding) -> Finding:
    scrub = redactor._scrub
    return dataclasses.replace(
        finding,
        title=scrub(finding.title),
        causes=tuple(scrub(cause) for cause in finding.causes),
        next_action=scrub(finding.next_action),
        evidence=scrub(finding.evidence),
        fix_value=scrub(finding.fix_value) if finding.fix_value else finding.fix_value,
        extra=redactor.redact_json(finding.extra),
    )

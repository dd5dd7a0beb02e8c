"""What a response says about itself: the request id support asks for, its rate limits."""

from __future__ import annotations

from desktop.core.diagnosis.context import first_string
from desktop.core.exchange import Exchange
from desktop.core.provider.model import Provider
from desktop.core.ratelimit.parse import parse_ratelimit
from desktop.core.ratelimit.sample import RateLimitSample

GENERIC_BODY_FIELDS = ("requestId", "request_id", "error.requestId", "error.request_id",
                       "meta.requestId", "traceId")


def find_request_id(exchange: Exchange, provider: Provider | None) -> str | None:
    response = exchange.response
    if response is None:
        return None
    headers = provider.request_id_headers if provider else ("X-Request-Id", "Request-Id")
    for name in headers:
        value = response.header(name)
        if value:
            return value.strip()
    document = response.json()
    body_fields = (provider.request_id_body if provider else ()) + GENERIC_BODY_FIELDS
    return first_string(body_fields, document)


def sample_for(exchange: Exchange, provider: Provider | None) -> RateLimitSample | None:
    """The rate-limit sample of a response (None for transport errors or no such headers)."""
    response = exchange.response
    if response is None:
        return None
    config = provider.ratelimit if provider else None
    sample = parse_ratelimit(
        response.headers,
        status=response.status,
        body=response.json() if response.status >= 400 else None,
        now=exchange.started_at + exchange.timings.total_ms / 1000,
        reset_hint=config.reset if config else "auto",
        body_fields=(config.body_fields or None) if config else None,
    )
    return None if sample.is_empty else sample

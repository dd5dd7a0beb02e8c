"""What to capture before escalation, filled in from a run.

The seeds agree on the list: endpoint, HTTP status, request timestamp,
request id, the payload's shape without secrets, whether the token was
freshly acquired, whether it reproduces, the message id if one was
accepted, and the API client's name (never its secret).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from desktop.core.checklist.model import ChecklistRun, StepResult, StepStatus
from desktop.core.exchange import Exchange


def payload_shape(value: Any, depth: int = 0) -> Any:
    """The structure of a JSON payload with every value replaced by its type.

    Shape, not content: field names stay readable, no value (secret, phone
    number or message text) survives.
    """
    if depth > 12:
        return "…"
    if isinstance(value, dict):
        return {key: payload_shape(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if not value:
            return []
        shapes = [payload_shape(item, depth + 1) for item in value[:3]]
        unique = [s for i, s in enumerate(shapes) if s not in shapes[:i]]
        return unique + ([f"… {len(value)} items"] if len(value) > 3 else [])
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return f"string({len(value)})" if isinstance(value, str) else type(value).__name__


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _request_shape(exchange: Exchange) -> Any:
    body = exchange.request.body
    if not body:
        return None
    content_type = (exchange.request.header("Content-Type") or "").lower()
    try:
        if "x-www-form-urlencoded" in content_type:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            return payload_shape(dict(pairs))
        return payload_shape(json.loads(body))
    except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON, or nested too deep
        return f"{len(body)} bytes of {content_type or 'unknown content'}"


def focus_step(run: ChecklistRun) -> StepResult | None:
    """The step support should look at: the failure, else the last step that sent something."""
    failed = run.failed
    if failed is not None:
        return failed
    for result in reversed(run.results):
        if result.exchanges and result.status is not StepStatus.SKIPPED:
            return result
    return None


def escalation_facts(run: ChecklistRun) -> dict[str, Any]:
    step = focus_step(run)
    exchange = step.last_exchange if step else None
    token_step = next((r for r in run.results if r.step.kind.value == "token"), None)
    token_fresh: bool | None = None
    if exchange is not None and exchange.token_fresh is not None:
        token_fresh = exchange.token_fresh
    elif token_step is not None and token_step.status in (StepStatus.PASS, StepStatus.WARN):
        token_fresh = True
    message_id = run.values.get("message_id") or run.values.get("messageId")
    failed = run.failed
    return {
        "provider": run.provider_name,
        "environment": run.environment,
        "region": run.region,
        "base_url": run.base_url,
        "api_client": run.values.get("client_name"),
        "step": step.step.id if step else None,
        "endpoint": f"{exchange.request.method} {exchange.request.path}" if exchange else None,
        "http_status": exchange.status if exchange else None,
        "request_timestamp": _iso(exchange.started_at) if exchange else None,
        "request_id": step.request_id if step else None,
        "payload_shape": _request_shape(exchange) if exchange else None,
        "token_freshly_acquired": token_fresh,
        "token_lifetime": run.values.get("token_lifetime"),
        "reproduces": (f"failed on {run.attempt} of {run.attempt} attempts" if failed
                       and run.attempt > 1 else "run once; re-run to check" if failed
                       else "not failing"),
        "message_id": message_id,
        "error": exchange.error.message if exchange and exchange.error else None,
    }

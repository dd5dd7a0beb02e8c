"""Fill ``{{name}}`` placeholders in provider request templates and expressions.

Values come from the profile's settings (with the provider's defaults),
the run's built-ins (``uuid``, ``run_id``, ``now_utc``...) and values
extracted by earlier checklist steps. A header or query parameter whose
whole value is an empty variable is left out rather than sent empty.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from desktop.core.client.spec import RequestSpec, join_url
from desktop.core.provider.model import Provider, RequestTemplate

if TYPE_CHECKING:
    from desktop.core.profiles import Profile

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_WHOLE = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_SAFE_IN_EXPRESSION = re.compile(r"^[A-Za-z0-9 _.+:@/-]*$")


class TemplateError(ValueError):
    """A template cannot be filled: a value is missing or unsafe where it goes."""


def builtin_values(timestamp_format: str | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "run_id": f"switchboard-{os.urandom(6).hex()}",
        "now_utc": now.strftime(timestamp_format or "%Y-%m-%d %H:%M:%S"),
        "now_iso": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def profile_values(profile: Profile, provider: Provider) -> dict[str, Any]:
    """What ``{{name}}`` means for a profile: its settings over the provider's defaults,
    the built-ins, and where it points (the checklist and the composer both start here)."""
    values: dict[str, Any] = dict(provider.setting_defaults())
    values.update({k: v for k, v in profile.settings.items() if v != ""})
    values.update(builtin_values(provider.timestamp_format))
    values.update(base_url=profile.base_url, environment=profile.environment,
                  region=profile.region or "")
    return values


def _lookup(name: str, values: Mapping[str, Any], missing: list[str]) -> Any:
    if name == "uuid":
        import uuid  # here: it imports platform, and an idle window fills no template

        return str(uuid.uuid4())
    if name in values and values[name] is not None:
        return values[name]
    if name not in missing:
        missing.append(name)
    return ""


def render_text(text: str, values: Mapping[str, Any], missing: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = _lookup(match.group(1), values, missing)
        return value if isinstance(value, str) else json.dumps(value)

    return PLACEHOLDER.sub(replace, text)


def render_json(value: Any, values: Mapping[str, Any], missing: list[str]) -> Any:
    """Fill a JSON template; ``"{{x}}"`` alone keeps x's type (a list stays a list)."""
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return _lookup(whole.group(1), values, missing)
        return render_text(value, values, missing)
    if isinstance(value, list):
        return [render_json(item, values, missing) for item in value]
    if isinstance(value, dict):
        return {key: render_json(item, values, missing) for key, item in value.items()}
    return value


def _pairs(pairs: tuple[tuple[str, str], ...], values: Mapping[str, Any],
           missing: list[str]) -> list[tuple[str, str]]:
    rendered = []
    for name, template in pairs:
        whole = _WHOLE.match(template)
        if whole and not values.get(whole.group(1)) and whole.group(1) != "uuid":
            continue  # an unset optional value: leave the parameter out
        rendered.append((name, render_text(template, values, missing)))
    return rendered


def render_request(
    template: RequestTemplate, values: Mapping[str, Any], base_url: str
) -> tuple[RequestSpec, list[str]]:
    """The RequestSpec a template describes, and the names of values it lacked."""
    missing: list[str] = []
    path = render_text(template.path, values, missing)
    if PLACEHOLDER.search(path):  # a path setting may hold placeholders of its own
        path = render_text(path, values, missing)
    query = _pairs(template.query, values, missing)
    url = join_url(base_url, path)
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    headers = _pairs(template.headers, values, missing)
    body = b""
    if template.json is not None:
        body = json.dumps(render_json(template.json, values, missing)).encode()
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "application/json"))
    elif template.form is not None:
        body = urlencode(_pairs(template.form, values, missing)).encode()
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    elif template.body is not None:
        body = render_text(template.body, values, missing).encode()
    spec = RequestSpec(method=template.method, url=url, headers=tuple(headers), body=body,
                       attach_auth=template.auth)
    return spec, missing


def render_expression(expression: str, values: Mapping[str, Any]) -> str:
    """Fill placeholders inside a JMESPath expression, refusing values that could break it."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        text = "" if value is None else str(value)
        if not _SAFE_IN_EXPRESSION.match(text):
            raise TemplateError(f"the value of {name} ({text!r}) cannot be used in an "
                                "expectation: it contains quotes or special characters")
        return text

    return PLACEHOLDER.sub(replace, expression)

"""Reading profiles.json defensively: it is a file the user may edit, copy or break.

Every field is checked for its type and range here, with a one-line reason, so a bad
value is reported when the file loads rather than failing later (a receiver on port
99999) or taking the other profiles down with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A profiles file larger than this is not one (thousands of profiles take a few MB)."""


def read_entries(path: Path) -> list[Any]:
    """The ``profiles`` list of a profiles file; ValueError with a one-line reason."""
    try:
        if not path.is_file():
            raise ValueError("it is not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"it cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("it nests too deeply to be a profiles file") from None
    except ValueError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "integer string conversion" in reason:
            reason = "a number has thousands of digits"
        raise ValueError(f"it is not JSON: {reason}") from None
    entries = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError("it has no 'profiles' list")
    return entries


MAX_TEXT = 1000
"""Longest name, provider, environment or region read from a file."""
MAX_URL = 8192
"""Longest base URL, webhook URL or setting value."""
WEBHOOK_RANGES = {"port": (0, 65535), "failure_status": (200, 599)}
"""What the profile dialog allows; anything else in a file would only fail later."""


def check_text(name: str, value: object, *, url: bool = False) -> None:
    """ValueError unless ``value`` is a string of a sane length."""
    limit = MAX_URL if url else MAX_TEXT
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {json_type(value)}")
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value):,} characters long (at most {limit:,})")


def json_type(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def settings_from_json(data: object, repairs: list[str] | None) -> dict[str, str]:
    """Setting values are text; a number or true/false is read as its text."""
    if not isinstance(data, dict):
        if repairs is None:
            raise ValueError("settings must be an object")
        repairs.append(f"its settings were {json_type(data)}, not an object, and were dropped")
        return {}
    settings: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = json.dumps(value)
        if not isinstance(value, str) or len(value) > MAX_URL or len(key) > MAX_TEXT:
            problem = (f"setting {short(key)} must be a string, not {json_type(value)}"
                       if not isinstance(value, str) else f"setting {short(key)} is too long")
            if repairs is None:
                raise ValueError(problem)
            repairs.append(f"{problem}; it was dropped")
            continue
        settings[key] = value
    return settings


def webhook_values(data: object, defaults: dict[str, Any],
                   repairs: list[str] | None) -> dict[str, Any]:
    """The webhook fields of ``data`` that are usable, by name; ``defaults`` gives each
    field's default (and so its type). ValueError on the first bad one, unless ``repairs``
    collects them (the default is used instead)."""
    if not isinstance(data, dict):
        if repairs is None:
            raise ValueError("webhook must be an object")
        repairs.append(f"its webhook settings were {json_type(data)}, not an object; "
                       "the defaults are used")
        return {}
    values: dict[str, Any] = {}
    for name, default in defaults.items():
        if name not in data:
            continue
        problem = _webhook_problem(name, data[name], default)
        if problem is None:
            values[name] = data[name]
        elif repairs is None:
            raise ValueError(problem)
        else:
            repairs.append(f"{problem}; the default ({default!r}) is used")
    return values


def _webhook_problem(name: str, value: object, default: object) -> str | None:
    expected = type(default)
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"webhook {name} must be a whole number, not {json_type(value)}"
        low, high = WEBHOOK_RANGES[name]
        if not low <= value <= high:
            shown = value if abs(value) < 10**12 else "a huge number"
            return f"webhook {name} {shown} is out of range ({low}-{high})"
        return None
    if not isinstance(value, expected):
        return f"webhook {name} must be {json_type(default)}, not {json_type(value)}"
    if isinstance(value, str) and len(value) > MAX_URL:
        return f"webhook {name} is too long"
    if name == "host" and not value:
        return "webhook host is empty"
    return None


def short(text: object, limit: int = 40) -> str:
    """A name from the file, safe to put in a one-line message."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"

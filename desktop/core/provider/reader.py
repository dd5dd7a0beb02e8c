"""A typed view over parsed TOML that knows where it is in the file.

Every getter names the key path on failure, so a bad provider file is
reported as "redcloud.toml: checklist[2].expect[0].that: not a valid
JMESPath expression (...)" rather than a KeyError deep in the engine.
Unknown keys are rejected too: a typo must not silently disable a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn

import jmespath
import jmespath.exceptions

from desktop.core.userregex import compile_user_regex


class ProviderError(ValueError):
    """A provider file is malformed; the message names the file, the key and the reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file = file
        self.key = key
        self.reason = reason
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(f"{where}{reason}")


class Reader:
    """Typed, path-aware access to one TOML table."""

    def __init__(self, data: dict[str, Any], file: str, path: str = "") -> None:
        self._data = data
        self._file = file
        self._path = path
        self._seen: set[str] = set()

    @property
    def file(self) -> str:
        return self._file

    @property
    def path(self) -> str:
        return self._path

    def unread(self) -> dict[str, Any]:
        """Keys nobody has asked for yet, marked as read (rule parameters)."""
        rest = {k: v for k, v in self._data.items() if k not in self._seen}
        self._seen.update(rest)
        return rest

    def _key(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def fail(self, name: str, reason: str) -> NoReturn:
        raise ProviderError(self._file, self._key(name) if name else self._path, reason)

    def has(self, name: str) -> bool:
        return name in self._data

    def _get(self, name: str, required: bool) -> Any:
        self._seen.add(name)
        if name not in self._data:
            if required:
                self.fail(name, "is required")
            return None
        return self._data[name]

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._get(name, required)
        if value is None:
            return default if default is not None else ""
        if not isinstance(value, str):
            self.fail(name, f"must be a string, not {type(value).__name__}")
        return value

    def opt_str(self, name: str) -> str | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be a string, not {type(value).__name__}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.str(name, default)
        if value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(name, f"must be true or false, not {value!r}")
        return value

    def number(self, name: str, default: float, *, minimum: float | None = None) -> float:
        value = self._get(name, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a number, not {value!r}")
        if minimum is not None and value < minimum:
            self.fail(name, f"must be at least {minimum}; got {value}")
        return value

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.number(name, default, minimum=minimum)
        if not isinstance(value, int):
            self.fail(name, f"must be a whole number, not {value!r}")
        return value

    def str_list(self, name: str) -> tuple[str, ...]:
        value = self._get(name, False)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "must be a string or a list of strings")
        return tuple(value)

    def int_list(self, name: str) -> tuple[int, ...]:
        value = self._get(name, False)
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,)
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            self.fail(name, "must be a whole number or a list of them")
        return tuple(value)

    def str_map(self, name: str) -> tuple[tuple[str, str], ...]:
        value = self._get(name, False)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.fail(name, "must be a table of strings")
        for key, item in value.items():
            if not isinstance(item, str):
                raise ProviderError(self._file, f"{self._key(name)}.{key}", "must be a string")
        return tuple(value.items())

    def raw(self, name: str) -> Any:
        return self._get(name, False)

    def table(self, name: str, *, required: bool = False) -> Reader | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, "must be a table")
        return Reader(value, self._file, self._key(name))

    def tables(self, name: str) -> Iterator[Reader]:
        value = self._get(name, False)
        if value is None:
            return
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(name, "must be an array of tables ([[...]])")
        for index, item in enumerate(value):
            yield Reader(item, self._file, f"{self._key(name)}[{index}]")

    def regex(self, name: str) -> str | None:
        value = self.opt_str(name)
        if value is not None and checking_expressions():
            try:
                compile_user_regex(value)
            except ValueError as exc:
                self.fail(name, f"is not a usable regular expression ({exc})")
        return value

    def jmespath(self, name: str, *, required: bool = False) -> str:
        value = self.str(name, required=required)
        check_jmespath(self, name, value)
        return value

    def done(self) -> None:
        """Reject keys nobody asked for: they are typos or unsupported features."""
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            self.fail(unknown[0], "is not a known key here (typo?)")


MAX_EXPRESSION_LENGTH = 2000
"""The longest JMESPath expression accepted; the shipped ones are under 400 characters."""


_CHECK_EXPRESSIONS: ContextVar[bool] = ContextVar("check_expressions", default=True)


def checking_expressions() -> bool:
    """False while a built-in file is parsed: its regexes and JMESPath are checked by the
    test suite (tests/hostile/test_hostile_files_regex.py, tests/core/test_provider_loader.py),
    so the window's start-up neither compiles them nor loads RE2 for them."""
    return _CHECK_EXPRESSIONS.get()


@contextmanager
def trusted_expressions() -> Iterator[None]:
    token = _CHECK_EXPRESSIONS.set(False)
    try:
        yield
    finally:
        _CHECK_EXPRESSIONS.reset(token)


def check_jmespath(reader: Reader, name: str, expression: str) -> None:
    if not expression or not checking_expressions():
        return
    if len(expression) > MAX_EXPRESSION_LENGTH:
        reader.fail(name, f"is a JMESPath expression of {len(expression):,} characters (at "
                    f"most {MAX_EXPRESSION_LENGTH:,})")
    try:
        parsed = jmespath.compile(expression).parsed
        negates_then_selects = _negates_then_selects(parsed)
    except jmespath.exceptions.JMESPathError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        reader.fail(name, f"is not a valid JMESPath expression ({first_line})")
    except RecursionError:
        reader.fail(name, "is a JMESPath expression nested too deeply")
    if negates_then_selects:
        reader.fail(name, "uses '!a.b', which JMESPath reads as '(!a).b' and is always null; "
                    "write '!(a.b)'")


def _negates_then_selects(node: Any) -> bool:
    """True when the AST holds ``(!x).y``: a boolean has no fields, so it can never hold."""
    if not isinstance(node, dict):
        return False
    children = node.get("children") or []
    if node.get("type") in ("subexpression", "index_expression") and children:
        first = children[0]
        if isinstance(first, dict) and first.get("type") == "not_expression":
            return True
    return any(_negates_then_selects(child) for child in children)

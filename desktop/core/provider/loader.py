"""Load a provider definition from TOML into the typed model, or say exactly why not."""

from __future__ import annotations

import tomllib
from pathlib import Path

from desktop.core.provider import sections as sec
from desktop.core.provider.model import (
    BUILTIN_VARIABLES,
    DEFAULT_ERROR_CODE_FIELDS,
    DEFAULT_ERROR_MESSAGE_FIELDS,
    DEFAULT_REQUEST_ID_HEADERS,
    Provider,
    StepKind,
)
from desktop.core.provider.reader import ProviderError, Reader, trusted_expressions
from desktop.core.provider.tomlguard import longest_dotted_key

SCHEMA_VERSION = 1


MAX_FILE_BYTES = 1024 * 1024
"""The largest provider file read; the built-in ones are under 40 KB."""
MAX_DEPTH = 32
"""Tables and arrays nested deeper than this are refused: no provider needs more than a
handful of levels, and deeper ones would only feed recursion further down."""


def read_provider_toml(path: Path) -> dict:
    """The raw table of a provider file; raises ProviderError when it is not usable TOML.

    A user's providers folder may hold anything (a FIFO, a directory called x.toml, a
    huge or hostile file): each is refused with a reason, bounded in time and memory,
    so one broken file never stops the others from loading.
    """
    name = path.name
    text = _read_bounded(path, name)
    if longest_dotted_key(text) > MAX_DEPTH:  # tomllib takes quadratic memory on these
        raise ProviderError(name, "", f"has a dotted key of more than {MAX_DEPTH} parts")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProviderError(name, "", f"is not valid TOML ({exc})") from exc
    except RecursionError:
        raise ProviderError(name, "", f"nests arrays or tables more than {MAX_DEPTH} levels "
                            "deep") from None
    except ValueError as exc:  # an integer of thousands of digits
        what = "a number with thousands of digits" if "digits" in str(exc) else \
            "a value that cannot be read"
        raise ProviderError(name, "", f"holds {what}") from None
    deep = _too_deep(data)
    if deep is not None:
        shown = deep if len(deep) <= 60 else deep[:59] + "…"
        raise ProviderError(name, shown, f"nests arrays or tables more than {MAX_DEPTH} "
                            "levels deep")
    return data


def _read_bounded(path: Path, name: str) -> str:
    try:
        if not path.is_file():  # a FIFO, device or directory would block or fail to read
            missing = not path.exists() and not path.is_symlink()
            raise ProviderError(name, "", "does not exist" if missing else
                                "is not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ProviderError(name, "", f"cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ProviderError(name, "", f"is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProviderError(name, "", "is not UTF-8 text") from exc


def _too_deep(data: object) -> str | None:
    """The key path of the first value nested deeper than ``MAX_DEPTH``, or None."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    while stack:
        value, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            return key
        if isinstance(value, dict):
            stack.extend((item, f"{key}.{k}" if key else str(k), depth + 1)
                         for k, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{key}[{i}]", depth + 1) for i, item in enumerate(value))
    return None


def resolve_extends(data: dict, file: str, bases: dict[str, dict]) -> dict:
    """Apply ``extends = "other-id"``: the other file's tables, with this file's on top.

    The merge is by top-level key (a child's ``checklist`` replaces the base's
    whole checklist), which keeps the result predictable from reading the two files.
    """
    base_id = data.get("extends")
    if base_id is None:
        return data
    if not isinstance(base_id, str):
        raise ProviderError(file, "extends", "must be the id of another provider")
    base = bases.get(base_id)
    if base is None:
        raise ProviderError(file, "extends", f"names provider {base_id!r}, which is not loaded")
    if "extends" in base:
        raise ProviderError(file, "extends", f"{base_id!r} itself extends another provider; "
                            "only one level is supported")
    merged = {**base, **data}
    del merged["extends"]
    return merged


def load_provider_file(
    path: Path, *, builtin: bool = False, bases: dict[str, dict] | None = None
) -> Provider:
    """Parse and validate one provider file; raises ProviderError naming file and key."""
    data = resolve_extends(read_provider_toml(path), path.name, bases or {})
    return parse_provider(data, file=path.name, source=str(path), builtin=builtin)


def parse_provider(data: dict, *, file: str, source: str = "", builtin: bool = False) -> Provider:
    """The typed provider; a built-in file's expressions are trusted (tests check them)."""
    if builtin:
        with trusted_expressions():
            return _parse_provider(data, file=file, source=source, builtin=True)
    return _parse_provider(data, file=file, source=source, builtin=False)


def _parse_provider(data: dict, *, file: str, source: str, builtin: bool) -> Provider:
    top = Reader(data, file)
    schema = top.int("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        top.fail("schema", f"version {schema} is not supported "
                 f"(this Switchboard reads version {SCHEMA_VERSION})")
    provider_id = top.str("id", required=True)
    if not sec.ID_PATTERN.match(provider_id):
        top.fail("id", "must be lowercase letters, digits, '-' or '_' and start with a letter")
    docs = top.str_map("docs")
    for key, url in docs:
        sec.check_url(top, f"docs.{key}", url)
    environments = tuple(sec.environment(r) for r in top.tables("environments"))
    sec.unique(top, "environments", [e.id for e in environments])
    auth = sec.auth(top.table("auth"))
    request_id = top.table("request_id")
    errors_shape = top.table("error_fields")
    checklist = tuple(sec.step(r) for r in top.tables("checklist"))
    sec.unique(top, "checklist", [s.id for s in checklist])
    catalog = tuple(sec.catalog_entry(r) for r in top.tables("errors"))
    sec.unique(top, "errors", [e.id for e in catalog])
    lint = tuple(sec.lint_rule(r) for r in top.tables("lint"))
    sec.unique(top, "lint", [rule.id for rule in lint])
    endpoints = tuple(sec.endpoint(r) for r in top.tables("endpoints"))
    secrets = tuple(sec.secret_pattern(r) for r in top.tables("secret_patterns"))
    provider = Provider(
        id=provider_id,
        name=top.str("name", required=True),
        summary=top.str("summary"),
        source=source,
        builtin=builtin,
        docs=docs,
        environments=environments,
        auth=auth,
        settings=sec.settings(top.table("settings")),
        request_id_headers=sec.str_list_or(request_id, "headers", DEFAULT_REQUEST_ID_HEADERS),
        request_id_body=sec.jmespaths(request_id, "body"),
        error_code_fields=sec.jmespaths(errors_shape, "code") or DEFAULT_ERROR_CODE_FIELDS,
        error_message_fields=(
            sec.jmespaths(errors_shape, "message") or DEFAULT_ERROR_MESSAGE_FIELDS
        ),
        checklist=checklist,
        errors=catalog,
        lint=lint,
        ratelimit=sec.ratelimit(top.table("ratelimit")),
        webhooks=sec.webhooks(top.table("webhooks")),
        secret_patterns=secrets,
        endpoints=endpoints,
        timestamp_format=top.opt_str("timestamp_format"),
        sandbox=top.bool("sandbox"),
    )
    for reader in (request_id, errors_shape):
        if reader is not None:
            reader.done()
    if not environments:
        top.fail("environments", "at least one [[environments]] table is required")
    _check_base_urls(top, provider)
    _check_step_references(top, provider)
    _check_variables(top, provider)
    _check_doc_references(top, provider)
    top.done()
    return provider


def _check_base_urls(top: Reader, provider: Provider) -> None:
    """Each environment says where its base URL comes from (the sandbox supplies its own)."""
    if provider.sandbox:
        return
    for index, env in enumerate(provider.environments):
        if env.per_customer or env.base_url:
            continue
        if env.regions and all(region.base_url for region in env.regions):
            continue
        raise ProviderError(top.file, f"environments[{index}]",
                            "needs a base_url (on the environment or on every region), "
                            "or per_customer = true when each customer has its own host")


def _check_step_references(top: Reader, provider: Provider) -> None:
    step_ids = {s.id for s in provider.checklist}
    for index, entry in enumerate(provider.errors):
        for step_id in entry.match.step:
            if step_id not in step_ids:
                raise ProviderError(top.file, f"errors[{index}].match.step",
                                    f"names step {step_id!r}, which the checklist does not have")
    for index, step in enumerate(provider.checklist):
        if step.kind is StepKind.REQUEST and step.request is None:
            raise ProviderError(top.file, f"checklist[{index}].request",
                                "is required for a request step")


def _check_variables(top: Reader, provider: Provider) -> None:
    """``requires`` and webhook waits name settings or values an earlier step extracts."""
    known = set(BUILTIN_VARIABLES) | {setting.name for setting in provider.settings}
    for index, step in enumerate(provider.checklist):
        for name in step.requires:
            if name not in known:
                raise ProviderError(top.file, f"checklist[{index}].requires",
                                    f"names {name!r}, which is neither a setting nor a value "
                                    "an earlier step extracts")
        if step.webhook is not None and step.webhook.message_id not in known:
            raise ProviderError(top.file, f"checklist[{index}].webhook.message_id",
                                f"names {step.webhook.message_id!r}, which no earlier step "
                                "extracts")
        known.update(name for name, _ in step.extract)


def _check_doc_references(top: Reader, provider: Provider) -> None:
    """A ``doc`` is a key of ``[docs]`` or a URL; a misspelt key must not become a dead link."""
    keys = {key for key, _ in provider.docs}

    def check(key: str, ref: str | None) -> None:
        if ref is None or ref in keys:
            return
        if ref.startswith(("http://", "https://")):
            sec.check_url(top, key, ref)
            return
        known = ", ".join(sorted(keys)) or "none"
        raise ProviderError(top.file, key, f"{ref!r} is neither a [docs] key ({known}) nor a URL")

    for index, step in enumerate(provider.checklist):
        check(f"checklist[{index}].doc", step.doc)
        for number, expectation in enumerate(step.expect):
            check(f"checklist[{index}].expect[{number}].doc", expectation.doc)
    for index, entry in enumerate(provider.errors):
        check(f"errors[{index}].doc", entry.doc)

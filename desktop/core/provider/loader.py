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
from desktop.core.provider.reader import ProviderError, Reader

SCHEMA_VERSION = 1


def read_provider_toml(path: Path) -> dict:
    """The raw table of a provider file; raises ProviderError when it is not TOML."""
    name = path.name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProviderError(name, "", f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ProviderError(name, "", "is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProviderError(name, "", f"is not valid TOML ({exc})") from exc


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

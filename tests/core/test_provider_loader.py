"""Provider files: the shipped ones are valid, a broken one is named precisely, never fatal."""

from __future__ import annotations

import re
from pathlib import Path

import jmespath
import pytest

from desktop.core.provider import (
    Provider,
    ProviderError,
    StepKind,
    load_provider_file,
    load_registry,
)
from desktop.core.provider.model import BUILTIN_VARIABLES
from desktop.core.provider.registry import BUILTIN_DIR
from desktop.core.provider.sections import LINT_PARAMS, LINT_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "providers.md"
SHIPPED = sorted(BUILTIN_DIR.glob("*.toml"))
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

MINIMAL = """\
schema = 1
id = "demo"
name = "Demo"

[settings]
recipient = "Recipient"

[[environments]]
id = "production"
name = "Production"
base_url = "https://api.demo.example"
"""

STEP = """
[[checklist]]
id = "probe"
title = "Probe"
kind = "request"
[checklist.request]
path = "/v1/probe"
"""


@pytest.fixture
def shipped(tmp_path: Path) -> dict[str, Provider]:
    registry = load_registry(tmp_path / "no-user-files")
    assert registry.problems == []
    return {provider.id: provider for provider in registry}


# -- the shipped files -----------------------------------------------------------------------------


def test_the_four_seed_providers_and_the_generic_ones_are_shipped(
    shipped: dict[str, Provider],
) -> None:
    assert {"redcloud", "sandbox", "ecourtdate", "viber-campaigns", "trk-sms", "generic",
            "generic-apikey"} <= set(shipped)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_loads_and_its_id_is_its_file_name(
    path: Path, shipped: dict[str, Provider]
) -> None:
    provider = shipped[path.stem]
    assert provider.source == str(path)
    assert provider.builtin


def test_shipped_provider_ids_are_unique(shipped: dict[str, Provider]) -> None:
    assert len(shipped) == len(SHIPPED)


def test_every_doc_reference_resolves_to_a_url(shipped: dict[str, Provider]) -> None:
    for provider in shipped.values():
        refs = [step.doc for step in provider.checklist]
        refs += [e.doc for step in provider.checklist for e in step.expect]
        refs += [entry.doc for entry in provider.errors]
        for ref in filter(None, refs):
            url = provider.doc_url(ref)
            assert url is not None, (provider.id, ref)
            assert url.startswith("https://"), (provider.id, ref)


def expressions(provider: Provider) -> list[str]:
    """Every JMESPath expression in a provider."""
    found = list(provider.error_code_fields + provider.error_message_fields)
    found += provider.request_id_body
    found += [expression for _, expression in provider.ratelimit.body_fields]
    hooks = provider.webhooks
    found += [*hooks.event_type, *hooks.message_id, *hooks.sequence, *hooks.external_reference]
    for step in provider.checklist:
        found += [expression for _, expression in step.extract]
        found += [expectation.that for expectation in step.expect]
        found += [c.when for e in step.expect for c in e.causes if c.when]
        found += [step.poll.until] if step.poll else []
    for entry in provider.errors:
        found += [cause.when for cause in entry.causes if cause.when]
    for rule in provider.lint:
        for key in ("field", "fields", "type_field", "media_field", "links_field"):
            value = rule.params.get(key)
            found += [value] if isinstance(value, str) else list(value or [])
    return found


def test_every_jmespath_compiles_also_with_placeholders_filled(
    shipped: dict[str, Provider],
) -> None:
    for provider in shipped.values():
        for expression in expressions(provider):
            jmespath.compile(expression)
            jmespath.compile(PLACEHOLDER.sub("+14155550123", expression))


def test_each_environment_has_a_base_url_or_says_it_is_per_customer(
    shipped: dict[str, Provider],
) -> None:
    for provider in shipped.values():
        for env in provider.environments:
            has_url = bool(env.base_url) or (
                bool(env.regions) and all(region.base_url for region in env.regions))
            assert has_url or env.per_customer or provider.sandbox, (provider.id, env.id)
            if env.per_customer:
                assert env.note, f"{provider.id}/{env.id}: say where the base URL comes from"


def test_every_placeholder_in_shipped_requests_names_a_known_value(
    shipped: dict[str, Provider],
) -> None:
    for provider in shipped.values():
        known = set(BUILTIN_VARIABLES) | {setting.name for setting in provider.settings}
        for step in provider.checklist:
            text = repr((step.request, step.expect, step.extract))
            for name in PLACEHOLDER.findall(text):
                assert name in known | {n for n, _ in step.extract}, (provider.id, step.id, name)
            known |= {name for name, _ in step.extract}
        for endpoint in provider.endpoints:
            for name in PLACEHOLDER.findall(repr(endpoint.request)):
                assert name in known, (provider.id, endpoint.name, name)


def test_every_step_that_sends_a_message_waits_for_a_recipient(
    shipped: dict[str, Provider],
) -> None:
    for provider in shipped.values():
        for step in provider.checklist:
            if step.sends_message:
                assert "recipient" in step.requires, (provider.id, step.id)


def test_manual_steps_say_what_to_look_at(shipped: dict[str, Provider]) -> None:
    for provider in shipped.values():
        for step in provider.checklist:
            if step.kind is StepKind.MANUAL:
                assert len(step.instruction) > 40, (provider.id, step.id)


def test_lint_rule_kinds_and_their_parameter_specs_agree() -> None:
    assert set(LINT_RULES) == set(LINT_PARAMS)


def test_generic_providers_differ_only_in_auth(shipped: dict[str, Provider]) -> None:
    bearer, key = shipped["generic"], shipped["generic-apikey"]
    assert [s.id for s in bearer.checklist] == [s.id for s in key.checklist] == ["reachability"]
    assert bearer.auth.type.value == "bearer"
    assert key.auth.type.value == "api_key"
    assert bearer.environments == key.environments


# -- the documentation -----------------------------------------------------------------------------


def docs_section(heading: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_the_documented_minimal_example_loads(tmp_path: Path) -> None:
    section = docs_section("A complete minimal provider")
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    user_dir = tmp_path / "providers"
    user_dir.mkdir()
    (user_dir / "acme.toml").write_text(example, encoding="utf-8")
    registry = load_registry(user_dir)
    assert registry.problems == []
    acme = registry.require("acme")
    assert [step.id for step in acme.checklist] == ["credentials", "account", "send"]


def test_the_documented_step_table_matches_the_shipped_checklists(
    shipped: dict[str, Provider],
) -> None:
    pattern = r"^\| `([\w-]+)` \| (\d+) \| `([\w-]+)` \| (.+?) \| (\w+) \| (\w+) \|$"
    actual = [(provider.id, number, step.id, step.title, step.kind.value,
               "assumption" if step.assumes else "documented")
              for provider in sorted(shipped.values(), key=lambda p: p.id)
              for number, step in enumerate(provider.checklist, 1)]
    for text in (docs_section("Shipped providers and their checklists"),
                 (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")):
        rows = re.findall(pattern, text, re.MULTILINE)
        assert [(p, int(n), s, title, kind, relies) for p, n, s, title, kind, relies
                in rows] == actual


# -- a malformed file is named precisely -----------------------------------------------------------


def load_text(tmp_path: Path, text: str, **kwargs: object) -> Provider:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return load_provider_file(path, **kwargs)  # type: ignore[arg-type]


def expect_error(tmp_path: Path, text: str, key: str, reason: str) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        load_text(tmp_path, text)
    error = caught.value
    assert error.file == "bad.toml"
    assert error.key == key, str(error)
    assert reason in error.reason, str(error)
    assert str(error).startswith(f"bad.toml: {key}: " if key else "bad.toml: ")
    return error


def test_minimal_file_is_valid(tmp_path: Path) -> None:
    provider = load_text(tmp_path, MINIMAL + STEP)
    assert provider.id == "demo"
    assert provider.step("probe") is not None


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    expect_error(tmp_path, 'id = "demo"\nname = \n', "", "is not valid TOML")


def test_a_misspelt_top_level_key_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, 'summry = "typo"\n' + MINIMAL, "summry", "not a known key")


def test_a_misspelt_key_inside_a_step_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL + STEP.replace('kind = "request"',
                                                  'kind = "request"\nexplian = "typo"'),
                 "checklist[0].explian", "not a known key")


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[auth]\ntype = "oauth2_client_credentials"\ntoken_path = "/t"\n' \
        'lifetime = "one year"\n'
    expect_error(tmp_path, text, "auth.lifetime", "must be a number")


def test_a_missing_required_key_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL.replace('name = "Demo"\n', ""), "name", "is required")


def test_a_bad_regex_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL + "host_pattern = '(api'\n",
                 "environments[0].host_pattern", "not a usable regular expression")


def test_a_bad_jmespath_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + STEP + '[[checklist.expect]]\nthat = "status =="\nsays = "x"\n'
    expect_error(tmp_path, text, "checklist[0].expect[0].that", "not a valid JMESPath")


def test_a_negation_that_can_never_hold_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[errors]]\nid = "e"\ntitle = "t"\nnext_action = "n"\n' \
        'match = { status = [401] }\ncauses = [{ text = "c", when = "!facts.token_fresh" }]\n'
    expect_error(tmp_path, text, "errors[0].causes[0].when", "always null")


def test_a_bad_url_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL.replace("https://api.demo.example", "api.demo.example"),
                 "environments[0].base_url", "must be an http(s) URL")


def test_an_environment_without_a_base_url_source_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL.replace('base_url = "https://api.demo.example"\n', ""),
                 "environments[0]", "per_customer = true")


def test_a_per_customer_environment_with_a_base_url_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL + "per_customer = true\n", "environments[0].per_customer",
                 "has no base_url")


def test_a_duplicate_step_id_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL + STEP + STEP, "checklist[1].id", "duplicate id 'probe'")


def test_a_catalog_entry_naming_a_missing_step_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + STEP + '[[errors]]\nid = "e"\ntitle = "t"\nnext_action = "n"\n' \
        'match = { status = [401], step = ["prbe"] }\n'
    expect_error(tmp_path, text, "errors[0].match.step", "names step 'prbe'")


def test_a_step_requiring_a_value_no_earlier_step_provides_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + STEP.replace('kind = "request"', 'kind = "request"\nrequires = ["number_id"]')
    expect_error(tmp_path, text, "checklist[0].requires", "'number_id'")


def test_a_step_may_require_a_value_an_earlier_step_extracts(tmp_path: Path) -> None:
    first = STEP.replace('kind = "request"',
                         'kind = "request"\nextract = { number_id = "json.id" }')
    second = STEP.replace('id = "probe"', 'id = "send"').replace(
        'kind = "request"', 'kind = "request"\nrequires = ["number_id", "recipient"]')
    assert load_text(tmp_path, MINIMAL + first + second).step("send") is not None


def test_a_doc_that_is_neither_a_docs_key_nor_a_url_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[errors]]\nid = "e"\ntitle = "t"\nnext_action = "n"\n' \
        'match = { status = [401] }\ndoc = "troubleshootng"\n'
    expect_error(tmp_path, text, "errors[0].doc", "neither a [docs] key")


def test_an_unknown_lint_rule_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[lint]]\nid = "l"\nrule = "e146"\nfields = ["to"]\n'
    expect_error(tmp_path, text, "lint[0].rule", "must be one of")


def test_a_misspelt_lint_parameter_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[lint]]\nid = "l"\nrule = "e164"\nfeilds = ["to"]\n'
    expect_error(tmp_path, text, "lint[0].feilds", "is not a parameter of rule 'e164'")


def test_a_missing_lint_parameter_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[lint]]\nid = "l"\nrule = "max_items"\nfield = "messages"\n'
    expect_error(tmp_path, text, "lint[0].max", "is required by rule 'max_items'")


def test_a_lint_parameter_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[[lint]]\nid = "l"\nrule = "max_items"\nfield = "messages"\nmax = "1000"\n'
    expect_error(tmp_path, text, "lint[0].max", "whole number")


def test_lint_fields_given_as_one_string_become_a_list(tmp_path: Path) -> None:
    text = MINIMAL + '[[lint]]\nid = "l"\nrule = "e164"\nfields = "to"\n'
    assert load_text(tmp_path, text).lint[0].params == {"fields": ["to"]}


def test_an_unknown_rate_limit_body_field_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '[ratelimit]\nbody_fields = { retry = "retryAfterSeconds" }\n'
    expect_error(tmp_path, text, "ratelimit.body_fields.retry", "not a rate-limit value")


def test_a_setting_may_not_shadow_a_built_in_variable(tmp_path: Path) -> None:
    expect_error(tmp_path, MINIMAL.replace('recipient = "Recipient"', 'uuid = "Id"'),
                 "settings.uuid", "built-in template variable")


def test_extending_a_provider_that_is_not_loaded_is_refused(tmp_path: Path) -> None:
    expect_error(tmp_path, 'extends = "nowhere"\n' + MINIMAL, "extends", "not loaded")


# -- the registry ----------------------------------------------------------------------------------


def user_dir_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "providers"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_broken_user_file_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    folder = user_dir_with(tmp_path, {"broken.toml": MINIMAL + STEP + STEP,
                                      "good.toml": MINIMAL.replace('"demo"', '"good"')})
    registry = load_registry(folder)
    assert [(p.file, p.key) for p in registry.problems] == [("broken.toml", "checklist[1].id")]
    assert "good" in registry
    assert "redcloud" in registry
    assert "ecourtdate" in registry
    assert "demo" not in registry


def test_a_user_file_with_a_built_in_id_replaces_it(tmp_path: Path) -> None:
    mine = MINIMAL.replace('"demo"', '"ecourtdate"').replace('"Demo"', '"eCourtDate (ours)"')
    registry = load_registry(user_dir_with(tmp_path, {"ecourtdate.toml": mine}))
    replaced = registry.require("ecourtdate")
    assert replaced.name == "eCourtDate (ours)"
    assert not replaced.builtin
    assert registry.problems == []


def test_a_user_file_may_extend_a_built_in_provider(tmp_path: Path) -> None:
    text = ('schema = 1\nid = "redcloud-eu"\nextends = "redcloud"\nname = "Red Cloud EU"\n'
            '[[environments]]\nid = "eu"\nname = "EU"\nbase_url = "https://eu.redcloud.example"\n')
    registry = load_registry(user_dir_with(tmp_path, {"redcloud-eu.toml": text}))
    assert registry.problems == []
    eu = registry.require("redcloud-eu")
    assert [s.id for s in eu.checklist] == [s.id for s in registry.require("redcloud").checklist]
    assert eu.environments[0].base_url == "https://eu.redcloud.example"


def test_a_user_file_extending_a_missing_provider_is_reported(tmp_path: Path) -> None:
    text = 'extends = "nowhere"\n' + MINIMAL
    registry = load_registry(user_dir_with(tmp_path, {"child.toml": text}))
    assert [(p.file, p.key) for p in registry.problems] == [("child.toml", "extends")]


def test_two_user_files_with_one_id_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    registry = load_registry(user_dir_with(tmp_path, {"a.toml": MINIMAL, "b.toml": MINIMAL}))
    assert registry.require("demo").source.endswith("a.toml")
    assert [(p.file, p.key) for p in registry.problems] == [("b.toml", "id")]


def test_user_files_come_from_the_config_dirs_providers_folder(isolated_home: Path) -> None:
    from desktop.core.paths import user_providers_dir

    (user_providers_dir() / "demo.toml").write_text(MINIMAL, encoding="utf-8")
    registry = load_registry()
    assert "demo" in registry
    assert not registry.require("demo").builtin
    assert user_providers_dir().is_relative_to(isolated_home)


def test_every_shipped_file_passes_the_checks_a_user_file_gets() -> None:
    """Built-in files skip expression checks at start-up (they are trusted); here they get
    every check a user's file would, so that trust is earned."""
    from desktop.core.provider.loader import parse_provider, read_provider_toml, resolve_extends

    bases = load_registry().raw
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        data = resolve_extends(read_provider_toml(path), path.name, bases)
        parse_provider(data, file=path.name, source=str(path), builtin=False)


def test_a_built_in_file_loads_without_compiling_its_regexes() -> None:
    import subprocess
    import sys

    code = ("import sys; from desktop.core.provider import load_registry; load_registry(); "
            "print('re2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=DOCS.parents[1])
    assert done.stdout.strip() == "False"

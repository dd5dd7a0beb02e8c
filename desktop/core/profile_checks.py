"""Mistakes in a profile that cause failures later, caught before anything is sent.

The seeds name them as common causes of 401s: whitespace or a line break
pasted with a secret, a key that does not have the provider's format, a
staging host used with production credentials. The profile dialog shows
these in place; the checklist's credentials step and the diagnosis use
them as facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from desktop.core.diagnosis.assumed import assumed_paths
from desktop.core.finding import Finding, Severity
from desktop.core.profiles import Profile
from desktop.core.provider.model import AuthType, Provider
from desktop.core.secrets import SecretKind
from desktop.core.userregex import compile_user_regex


def has_edge_whitespace(value: str | None) -> bool:
    return bool(value) and value != value.strip()


def describe_whitespace(value: str) -> str:
    """``a trailing line break``, ``2 leading spaces``: exactly what is wrong."""

    def describe(chars: str, where: str) -> str:
        if "\n" in chars or "\r" in chars:
            return f"a {where} line break"
        if "\t" in chars:
            return f"a {where} tab"
        return f"a {where} space" if len(chars) == 1 else f"{len(chars)} {where} spaces"

    lead = value[: len(value) - len(value.lstrip())]
    trail = value[len(value.rstrip()):]
    parts = [describe(lead, "leading")] if lead else []
    if trail:
        parts.append(describe(trail, "trailing"))
    return " and ".join(parts)


def secret_kinds(provider: Provider) -> tuple[SecretKind, ...]:
    """The secrets a profile of this provider needs (the webhook secret is optional)."""
    auth = provider.auth.type
    if auth is AuthType.OAUTH2_CLIENT_CREDENTIALS:
        return (SecretKind.CLIENT_SECRET,)
    if auth is AuthType.API_KEY:
        return (SecretKind.API_KEY,)
    if auth is AuthType.BEARER:
        return (SecretKind.TOKEN,)
    return ()


def _matches(pattern: str, text: str) -> bool:
    try:
        return compile_user_regex(pattern).search(text) is not None
    except ValueError:
        return False


def key_format_ok(provider: Provider, key: str | None) -> bool | None:
    """None when the provider documents no key format (or there is no key)."""
    pattern = provider.auth.key_pattern
    if not pattern or not key:
        return None
    try:
        return compile_user_regex(pattern).fullmatch(key.strip()) is not None
    except ValueError:
        return None


def environment_mismatch(provider: Provider, profile: Profile) -> str | None:
    """Why the base URL's host does not belong to the chosen environment, or None."""
    host = urlsplit(profile.base_url).hostname or ""
    if not host:
        return None
    chosen = provider.environment(profile.environment)
    if chosen is None:
        return None
    if chosen.host_pattern and not _matches(chosen.host_pattern, host):
        owner = next((env for env in provider.environments
                      if env.host_pattern and _matches(env.host_pattern, host)), None)
        if owner is not None:
            return (f"{host} is a {owner.name} host, but the profile is set to {chosen.name}: "
                    f"{owner.name} and {chosen.name} credentials are not interchangeable.")
        return f"{host} does not look like a {chosen.name} host for {provider.name}."
    expected = chosen.base_url_for(profile.region)
    if expected and not chosen.host_pattern:
        expected_host = urlsplit(expected).hostname
        if expected_host and expected_host != host:
            return f"{provider.name} {chosen.name} lives at {expected_host}, not {host}."
    return None


def check_profile(
    profile: Profile, provider: Provider, secrets: Mapping[SecretKind, str | None]
) -> list[Finding]:
    """Everything wrong with a profile that can be known without sending a request."""
    findings: list[Finding] = []
    parts = urlsplit(profile.base_url)
    if not profile.base_url:
        findings.append(_finding("base_url_missing", Severity.ERROR,
                                 "The profile has no base URL.", "base_url",
                                 "Enter the API host your provider gave you (https://...)."))
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        findings.append(_finding("base_url_invalid", Severity.ERROR,
                                 f"“{profile.base_url}” is not an http(s) URL.", "base_url",
                                 "Write it as https://host[/base path]."))
    elif parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        findings.append(_finding("base_url_plain_http", Severity.WARN,
                                 "The base URL uses plain http://: credentials would travel "
                                 "unencrypted.", "base_url", "Use https:// for real APIs."))
    mismatch = environment_mismatch(provider, profile) if profile.base_url else None
    if mismatch:
        findings.append(_finding("environment_mismatch", Severity.WARN, mismatch, "base_url",
                                 "Pick the environment the credentials were issued for, or the "
                                 "base URL of that environment."))
    client_id = profile.settings.get("client_id", "")
    if provider.auth.type is AuthType.OAUTH2_CLIENT_CREDENTIALS:
        if not client_id.strip():
            findings.append(_finding("client_id_missing", Severity.ERROR,
                                     "The profile has no client id.", "client_id",
                                     "Copy the client id of the API client from the provider's "
                                     "console."))
        elif has_edge_whitespace(client_id):
            findings.append(_whitespace_finding("client id", "client_id", client_id))
    for kind in secret_kinds(provider):
        value = secrets.get(kind)
        if not value:
            findings.append(_finding(f"{kind.value}_missing", Severity.ERROR,
                                     f"The profile has no {kind.noun}.", kind.value,
                                     f"Enter the {kind.noun}; it is stored in the OS "
                                     "keychain."))
            continue
        if has_edge_whitespace(value):
            findings.append(_whitespace_finding(kind.noun, kind.value, value))
        if kind is SecretKind.API_KEY and key_format_ok(provider, value) is False:
            fmt = provider.auth.key_format or f"the pattern {provider.auth.key_pattern}"
            findings.append(_finding("key_format", Severity.ERROR,
                                     f"The API key does not have {provider.name}'s format "
                                     f"({fmt}).", kind.value,
                                     "Copy the whole key again from the provider's dashboard; "
                                     "check it was not truncated or confused with another "
                                     "value.", causes=("A truncated or partial copy.",
                                                       "A key from another service.")))
    webhook_secret = secrets.get(SecretKind.WEBHOOK_SECRET)
    if webhook_secret and has_edge_whitespace(webhook_secret):
        findings.append(_whitespace_finding("webhook secret", "webhook_secret", webhook_secret))
    return findings


def _whitespace_finding(label: str, location: str, value: str) -> Finding:
    return _finding(
        f"{location}_whitespace", Severity.ERROR,
        f"The {label} has {describe_whitespace(value)}.", location,
        f"Trim it: the provider compares the {label} exactly, so the padding makes it wrong "
        "(a common cause of 401s).",
        causes=("Copied with the surrounding line or a trailing newline.",),
        fix="trim", fix_value=None,
    )


def _finding(code: str, severity: Severity, title: str, location: str, action: str, *,
             causes: tuple[str, ...] = (), fix: str | None = None,
             fix_value: str | None = None) -> Finding:
    return Finding(code=f"profile.{code}", severity=severity, title=title, causes=causes,
                   next_action=action, source="profile", location=location, fix=fix,
                   fix_value=fix_value)


def diagnosis_facts(
    profile: Profile, provider: Provider, secrets: Mapping[SecretKind, str | None]
) -> dict[str, object]:
    """Facts catalog causes are ranked against (see docs/providers.md)."""
    secret = secrets.get(SecretKind.CLIENT_SECRET) or secrets.get(SecretKind.TOKEN)
    key = secrets.get(SecretKind.API_KEY)
    return {
        "secret_whitespace": has_edge_whitespace(secret) or has_edge_whitespace(key),
        "client_id_whitespace": has_edge_whitespace(profile.settings.get("client_id")),
        "key_whitespace": has_edge_whitespace(key),
        "key_format_ok": key_format_ok(provider, key),
        "environment_mismatch": environment_mismatch(provider, profile) is not None,
        "expects_version_prefix": any(rule.rule == "path_prefix" for rule in provider.lint),
        "assumed_paths": [path.as_fact() for path in assumed_paths(profile, provider)],
    }

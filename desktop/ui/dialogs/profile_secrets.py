"""A profile dialog's keychain traffic: read what exists, write only what changed.

Writing an unchanged secret again is not harmless everywhere (some keychains
ask the user to allow every write), and the sandbox's demo credentials are
the app's to supply for the session, never the keychain's to keep.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.core.secrets import SecretKind, SecretStore


def load_secrets(secrets: SecretStore, profile_id: str) -> dict[SecretKind, str]:
    """Every secret stored for the profile, of any kind (empty ones left out)."""
    values = {kind: secrets.get(profile_id, kind) for kind in SecretKind}
    return {kind: value for kind, value in values.items() if value}


def store_secrets(secrets: SecretStore, profile_id: str, values: Mapping[SecretKind, str],
                  loaded: Mapping[SecretKind, str], *, editing: bool, sandbox: bool) -> None:
    """Save ``values`` (the form's fields) for ``profile_id``.

    ``loaded`` is what the form started from: when ``editing`` the same
    profile, unchanged values are not written and kinds the form no longer
    shows (the provider changed) are deleted; a new profile (or a copy)
    writes every non-empty value.
    """
    if sandbox:
        if not editing:
            for kind, value in values.items():
                if value:
                    secrets.provide(profile_id, kind, value)
        return
    for kind, value in values.items():
        if editing and value == loaded.get(kind, ""):
            continue
        if value or editing:
            secrets.set(profile_id, kind, value)  # "" deletes
    if editing:
        for kind in loaded:
            if kind not in values:
                secrets.delete(profile_id, kind)

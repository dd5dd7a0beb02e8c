"""Tie a collection to the active profile: its redactor for writes, its auth header left out.

The window calls ``bind_to_session`` when the active profile changes, so a
save from the Composer is redacted with the profile's own secret values (in
any encoding) and never stores the header its auth adds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.core.collections.store import Collection

if TYPE_CHECKING:
    from desktop.core.sessions import ProfileSession


def bind_to_session(collection: Collection, session: ProfileSession) -> None:
    from desktop.core.compose import auth_header_name

    collection.redactor = session.redactor(mask_phones=False)
    header = auth_header_name(session.provider)
    collection.credential_headers = {header} if header else set()


def session_values(collection: Collection, session: ProfileSession,
                   learned: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``{{name}}`` means for this collection with this profile (for ``run_collection``
    and for showing a saved request resolved in the Composer)."""
    from desktop.core.collections.runner import run_values

    return run_values(collection.meta.variables, session.profile, session.provider, learned)

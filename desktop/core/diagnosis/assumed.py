"""A 404 or 405 on a path the provider file had to guess: say so, and name the setting.

Where a provider's public documentation does not give a path (the trk_ API's
list and send calls, for instance), its file offers a default and marks the
setting ``assumed``. A 404 there most likely means the guess is wrong for
this account, not that a resource is missing: sending the user to look for
a deleted list would waste their afternoon. The finding names the setting
(label and id) so the fix is one field in the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from desktop.core.diagnosis.context import DiagnosisContext
from desktop.core.finding import Finding, Severity
from desktop.core.provider.model import Provider

if TYPE_CHECKING:
    from desktop.core.profiles import Profile

WRONG_PATH_STATUSES = (404, 405)


@dataclass(frozen=True, slots=True)
class AssumedPath:
    setting: str
    label: str
    pattern: str
    """The path as the profile makes it, run-time values as ``*`` (an fnmatch pattern)."""
    why: str
    changed: bool
    """The profile overrides the provider file's default: the path is the user's own."""

    def as_fact(self) -> dict[str, Any]:
        return {"setting": self.setting, "label": self.label, "pattern": self.pattern,
                "why": self.why, "changed": self.changed}


class _RunTimeAsStar(dict[str, Any]):
    """Values for rendering a path pattern: what only a run knows becomes ``*``."""

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> Any:
        value = self.get(name)
        return "*" if value in (None, "") else value


def assumed_paths(profile: Profile, provider: Provider) -> list[AssumedPath]:
    """The paths this profile builds from settings the provider file marks ``assumed``."""
    from desktop.core.templates import profile_values, render_text

    values = _RunTimeAsStar(profile_values(profile, provider))
    found: list[AssumedPath] = []
    for setting in provider.settings:
        if not setting.assumed:
            continue
        value = str(profile.settings.get(setting.name) or setting.default)
        if not value.startswith(("/", "{{")):
            continue
        # Twice: a path setting may itself hold placeholders ({{template_id}}).
        pattern = render_text(render_text(value, values, []), values, [])
        found.append(AssumedPath(setting.name, setting.label, pattern, setting.assumed,
                                 changed=value != setting.default))
    return found


def assumed_path_finding(ctx: DiagnosisContext, provider: Provider | None) -> Finding | None:
    """The finding for a 404/405 on a guessed path, or None when the path is documented."""
    if provider is None or ctx.status not in WRONG_PATH_STATUSES or not ctx.path:
        return None
    for fact in ctx.facts.get("assumed_paths") or ():
        pattern = str(fact.get("pattern") or "")
        if not pattern or not fnmatchcase(ctx.path.rstrip("/"), "*" + pattern.rstrip("/")):
            continue
        setting = f"“{fact.get('label')}” ({fact.get('setting')})"
        if fact.get("changed"):
            title = (f"HTTP {ctx.status} on {ctx.path}: this path comes from the profile's "
                     f"setting {setting}, which the provider's public documentation does not "
                     "give.")
            first = "The path in that setting is not the one this API serves."
        else:
            title = (f"HTTP {ctx.status} on {ctx.path}: this path is a guess; set it in the "
                     f"profile's settings ({setting}).")
            first = ("Switchboard's default for this path is an assumption "
                     f"({fact.get('why')}), and this API serves the call elsewhere.")
        return Finding(
            code=f"{provider.id}.assumed_path", severity=Severity.ERROR, title=title,
            causes=(first,
                    "The base URL lacks (or repeats) a version prefix the API expects."),
            next_action=(f"Look the call up in your account's API reference and enter its "
                         f"path in the profile's settings: {setting}. Paths are appended to "
                         "the base URL."),
            source="provider", location=str(fact.get("setting") or ""),
            evidence=f"HTTP {ctx.status} {ctx.path}" + (
                f", requestId {ctx.request_id}" if ctx.request_id else ""),
        )
    return None

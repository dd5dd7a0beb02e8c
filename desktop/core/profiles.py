"""Profiles: provider × environment × region × base URL plus non-secret settings.

Stored as JSON in the config dir, written atomically (a crash mid-write
leaves the previous file intact). Secrets are not fields of a Profile at
all: they are looked up in the keychain by the profile's stable id.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.core.observable import Event
from desktop.core.paths import atomic_write_text, clean_orphans
from desktop.core.profile_fields import (
    check_text,
    read_entries,
    settings_from_json,
    short,
    webhook_values,
)

log = logging.getLogger(__name__)

FILE_VERSION = 1
SANDBOX_PROFILE_NAME = "Sandbox"


def new_profile_id() -> str:
    """32 random hex digits, the shape ``uuid.uuid4().hex`` gave (``uuid`` imports
    ``platform``: both stay unloaded when a first launch makes its Sandbox profile)."""
    return os.urandom(16).hex()


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port when the receiver starts."""
    allow_all_interfaces: bool = False
    public_url: str = ""
    """The tunnel URL the provider should call, when the user exposes the receiver."""
    failure_status: int = 401
    """What the receiver answers when a signature does not verify."""


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    provider: str
    environment: str
    region: str | None = None
    base_url: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    webhook: WebhookSettings = WebhookSettings()
    id: str = field(default_factory=new_profile_id)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["settings"] = dict(sorted(self.settings.items()))
        return data

    @classmethod
    def from_json(cls, data: Any, *, repairs: list[str] | None = None) -> Profile:
        """A profile from its JSON form; ValueError naming the field when it is not one.

        With ``repairs``, a bad webhook field or setting is replaced by its default (or
        dropped) and described there instead: one typo in a hand-edited file must not cost
        the whole profile. Name, provider and environment are never guessed.
        """
        if not isinstance(data, dict):
            raise ValueError("a profile must be a JSON object")
        missing = [k for k in ("name", "provider", "environment") if not data.get(k)]
        if missing:
            raise ValueError(f"profile is missing {', '.join(missing)}")
        for key in ("name", "provider", "environment"):
            check_text(key, data[key])
        if not data["name"].strip():
            raise ValueError("profile name is blank")
        region = data.get("region") or None
        if region is not None:
            check_text("region", region)
        base_url = data.get("base_url") or ""
        check_text("base_url", base_url, url=True)
        profile_id = data.get("id") or None
        if profile_id is not None and (not isinstance(profile_id, str) or len(profile_id) > 64):
            if repairs is None:
                raise ValueError("id must be a short string")
            profile_id = None  # the keychain entry is keyed by it: a new one is all we can do
            repairs.append("its id was not a short string and was replaced")
        return cls(
            name=data["name"].strip(),
            provider=data["provider"],
            environment=data["environment"],
            region=region,
            base_url=base_url,
            settings=settings_from_json(data.get("settings") or {}, repairs),
            webhook=_webhook_from_json(data.get("webhook") or {}, repairs),
            id=profile_id or new_profile_id(),
        )

    def setting(self, name: str, default: str = "") -> str:
        return self.settings.get(name) or default


def _webhook_from_json(data: object, repairs: list[str] | None = None) -> WebhookSettings:
    """Each known field checked for its type and range: a hand-edited file must not start a
    bad receiver (a port of 99999 would only fail when the receiver starts)."""
    return WebhookSettings(**webhook_values(data, asdict(WebhookSettings()), repairs))


class ProfileError(ValueError):
    """A profile operation the user asked for cannot be done (duplicate name, bad file)."""


class ProfileStore:
    """The user's profiles, in order, persisted on every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._profiles: list[Profile] = []
        self.changed: Event[ProfileStore] = Event()
        self.load_problem: str | None = None

    # -- persistence --------------------------------------------------------------------------

    def load(self) -> None:
        """Read the file; whatever cannot be read is kept aside once and reported once.

        A file that is not a profiles list at all is moved aside and a fresh list started;
        entries that cannot be read are dropped from the file after a copy of the original
        is kept, so the next start neither loses them nor reports them again.
        """
        self._profiles = []
        self.load_problem = None
        clean_orphans(self.path.parent)
        try:
            present = self.path.exists() or self.path.is_symlink()
        except OSError:
            present = True
        if not present:
            return
        try:
            entries = read_entries(self.path)
        except ValueError as exc:
            self._set_aside(str(exc))
            return
        problems: list[str] = []
        for index, entry in enumerate(entries):
            repairs: list[str] = []
            try:
                profile = Profile.from_json(entry, repairs=repairs)
            except ValueError as exc:
                problems.append(f"#{index + 1} skipped: {exc}")
                continue
            profile = self._deduplicated(profile, repairs)
            if repairs:
                problems.append(f"#{index + 1} {short(profile.name)}: {'; '.join(repairs)}")
            self._profiles.append(profile)
        if problems:
            self._keep_original(problems)

    def _set_aside(self, reason: str) -> None:
        """Move the unreadable file out of the way (never over an earlier one) and say so."""
        try:
            backup = self._free_backup_path()
            self.path.replace(backup)
        except OSError as exc:
            self.load_problem = (f"{self.path.name} could not be read ({reason}) nor moved "
                                 f"aside ({exc.strerror or exc}); no profiles were loaded.")
        else:
            self.load_problem = (f"{self.path.name} could not be read ({reason}); it was kept "
                                 f"as {backup.name} and a fresh list was started.")
        log.warning(self.load_problem)

    def _keep_original(self, problems: list[str]) -> None:
        """Copy the original aside, then write the readable profiles back."""
        for problem in problems:
            log.warning("%s: profile %s", self.path, problem)
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more (see the log)"
                                           if len(problems) > 3 else "")
        summary = (f"{len(problems)} profile(s) in {self.path.name} could not be read as "
                   f"they were ({shown})")
        try:
            backup = self._free_backup_path()
            shutil.copyfile(self.path, backup)
            self.save()
        except OSError as exc:
            self.load_problem = (f"{summary}; the original could not be kept aside "
                                 f"({exc.strerror or exc}), so it is left as it is.")
        else:
            self.load_problem = f"{summary}; the original file was kept as {backup.name}."
        log.warning(self.load_problem)

    def _deduplicated(self, profile: Profile, repairs: list[str]) -> Profile:
        """Names and ids are unique in the list; a hand-edited file may repeat them."""
        if self.by_id(profile.id) is not None:
            profile = replace(profile, id=new_profile_id())
            repairs.append("its id repeated an earlier profile's and was replaced")
        if self.get(profile.name) is not None:
            renamed = self.unique_name(profile.name)
            repairs.append(f"its name repeated an earlier profile's; it is now {short(renamed)}")
            profile = replace(profile, name=renamed)
        return profile

    def _free_backup_path(self) -> Path:
        """``profiles.unreadable.json``, numbered so an earlier kept file is never replaced."""
        backup = self.path.with_suffix(".unreadable.json")
        n = 2
        while backup.exists() or backup.is_symlink():
            backup = self.path.with_suffix(f".unreadable-{n}.json")
            n += 1
        return backup

    def save(self) -> None:
        payload = {"version": FILE_VERSION, "profiles": [p.to_json() for p in self._profiles]}
        atomic_write_text(self.path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")

    @property
    def exists_on_disk(self) -> bool:
        return self.path.exists()

    # -- queries --------------------------------------------------------------------------------

    def __iter__(self):
        return iter(list(self._profiles))

    def __len__(self) -> int:
        return len(self._profiles)

    def get(self, name: str) -> Profile | None:
        return next((p for p in self._profiles if p.name == name), None)

    def by_id(self, profile_id: str) -> Profile | None:
        return next((p for p in self._profiles if p.id == profile_id), None)

    def names(self) -> list[str]:
        return [p.name for p in self._profiles]

    def name_problem(self, name: str, profile_id: str | None = None) -> str | None:
        """Why ``name`` cannot be saved for the profile ``profile_id`` (None: a new one), or None.

        The profile dialog asks while the user types; ``add`` and ``update`` enforce it.
        """
        name = name.strip()
        if not name:
            return "A profile needs a name."
        clash = self.get(name)
        if clash is not None and clash.id != profile_id:
            return f"A profile named “{name}” already exists."
        return None

    def unique_name(self, base: str) -> str:
        if self.get(base) is None:
            return base
        n = 2
        while self.get(f"{base} ({n})") is not None:
            n += 1
        return f"{base} ({n})"

    # -- changes --------------------------------------------------------------------------------

    def _commit(self) -> None:
        self.save()
        self.changed.emit(self)

    def add(self, profile: Profile) -> Profile:
        problem = self.name_problem(profile.name)
        if problem:
            raise ProfileError(problem)
        profile = replace(profile, name=profile.name.strip())
        self._profiles.append(profile)
        self._commit()
        return profile

    def update(self, profile: Profile) -> Profile:
        """Replace the profile with the same id (its name may change)."""
        for index, existing in enumerate(self._profiles):
            if existing.id == profile.id:
                problem = self.name_problem(profile.name, profile.id)
                if problem:
                    raise ProfileError(problem)
                self._profiles[index] = replace(profile, name=profile.name.strip())
                self._commit()
                return self._profiles[index]
        raise ProfileError(f"No profile with id {profile.id}.")

    def duplicate(self, name: str) -> Profile:
        original = self.get(name)
        if original is None:
            raise ProfileError(f"No profile named “{name}”.")
        copy = replace(original, name=self.unique_name(f"{name} copy"), id=new_profile_id())
        return self.add(copy)

    def remove(self, profile_id: str) -> Profile | None:
        for index, existing in enumerate(self._profiles):
            if existing.id == profile_id:
                del self._profiles[index]
                self._commit()
                return existing
        return None

    # -- sharing --------------------------------------------------------------------------------

    def export(self, path: Path, names: list[str] | None = None) -> int:
        """Write profiles (never secrets: they are not in a Profile) for a teammate to import."""
        chosen = [p for p in self._profiles if names is None or p.name in names]
        entries = []
        for profile in chosen:
            data = profile.to_json()
            data.pop("id")
            entries.append(data)
        payload = {"switchboard_profiles": FILE_VERSION, "profiles": entries}
        atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return len(entries)

    def import_file(self, path: Path) -> tuple[list[Profile], list[str]]:
        """Add the profiles in an exported file; returns (added, problems). Never overwrites."""
        try:
            entries = read_entries(path)
        except ValueError as exc:
            raise ProfileError(f"{path.name} is not a profiles file ({exc}).") from None
        added: list[Profile] = []
        problems: list[str] = []
        for index, entry in enumerate(entries):
            try:
                profile = Profile.from_json({**entry, "id": None})
            except (TypeError, ValueError) as exc:
                problems.append(f"entry {index + 1}: {exc}")
                continue
            profile = replace(profile, name=self.unique_name(profile.name))
            self._profiles.append(profile)
            added.append(profile)
        if added:
            self._commit()
        return added, problems

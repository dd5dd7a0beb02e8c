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
import tempfile
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.core.observable import Event

log = logging.getLogger(__name__)

FILE_VERSION = 1
SANDBOX_PROFILE_NAME = "Sandbox"


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
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["settings"] = dict(sorted(self.settings.items()))
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        if not isinstance(data, dict):
            raise ValueError("a profile must be a JSON object")
        missing = [k for k in ("name", "provider", "environment") if not data.get(k)]
        if missing:
            raise ValueError(f"profile is missing {', '.join(missing)}")
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            raise ValueError("settings must be an object")
        region = data.get("region") or None
        return cls(
            name=str(data["name"]),
            provider=str(data["provider"]),
            environment=str(data["environment"]),
            region=str(region) if region is not None else None,
            base_url=str(data.get("base_url") or ""),
            settings={str(k): str(v) for k, v in settings.items()},
            webhook=_webhook_from_json(data.get("webhook") or {}),
            id=str(data.get("id") or uuid.uuid4().hex),
        )

    def setting(self, name: str, default: str = "") -> str:
        return self.settings.get(name) or default


def _webhook_from_json(data: object) -> WebhookSettings:
    """Each known field checked for its type: a hand-edited file must not start a bad receiver."""
    if not isinstance(data, dict):
        raise ValueError("webhook must be an object")
    values: dict[str, Any] = {}
    for name, default in asdict(WebhookSettings()).items():
        if name not in data:
            continue
        value = data[name]
        expected = type(default)
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"webhook {name} must be a whole number")
        if not isinstance(value, expected):
            raise ValueError(f"webhook {name} must be a {expected.__name__}")
        values[name] = value
    return WebhookSettings(**values)


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temp file in the same folder and rename: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        self._profiles = []
        self.load_problem = None
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data.get("profiles", []) if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ValueError("no 'profiles' list")
        except (OSError, ValueError) as exc:
            # Keep the unreadable file for the user to inspect; never overwrite it silently.
            backup = self._free_backup_path()
            self.path.replace(backup)
            self.load_problem = (f"{self.path.name} could not be read ({exc}); it was kept as "
                                 f"{backup.name} and a fresh list was started.")
            log.warning(self.load_problem)
            return
        skipped: list[str] = []
        for index, entry in enumerate(entries):
            try:
                self._profiles.append(Profile.from_json(entry))
            except (TypeError, ValueError) as exc:
                log.warning("profile #%d in %s skipped: %s", index + 1, self.path, exc)
                skipped.append(f"#{index + 1}: {exc}")
        if skipped:
            # The next save would drop them: keep the original for the user first.
            backup = self._free_backup_path()
            shutil.copyfile(self.path, backup)
            self.load_problem = (f"{len(skipped)} profile(s) in {self.path.name} could not be "
                                 f"read ({'; '.join(skipped)}); the original file was kept as "
                                 f"{backup.name}.")

    def _free_backup_path(self) -> Path:
        """``profiles.unreadable.json``, numbered so an earlier kept file is never replaced."""
        backup = self.path.with_suffix(".unreadable.json")
        n = 2
        while backup.exists():
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
        copy = replace(original, name=self.unique_name(f"{name} copy"), id=uuid.uuid4().hex)
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
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProfileError(f"{path.name} is not a profiles file ({exc}).") from exc
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
            raise ProfileError(f"{path.name} is not a Switchboard profiles file.")
        added: list[Profile] = []
        problems: list[str] = []
        for index, entry in enumerate(data["profiles"]):
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

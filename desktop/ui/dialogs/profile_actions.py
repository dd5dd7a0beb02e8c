"""The profile commands (New, Edit, Duplicate, Delete, Import, Export) as QActions.

The main window puts them in its File menu, the sidebar in its buttons and
context menu; the work is done here by calling core (``ProfileStore``,
``SecretStore``). Every dialog opens window-modal without blocking
(``open()``), so the asyncio loop keeps running and tests can drive it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.paths import config_dir
from desktop.core.profiles import Profile, ProfileError
from desktop.core.secrets import KeychainStatus
from desktop.ui.context import AppContext
from desktop.ui.dialogs.modes import DialogMode
from desktop.ui.widgets.accessible import describe_buttons
from desktop.ui.widgets.actions import make_action

if TYPE_CHECKING:  # the dialogs load when first opened, not with the window
    from desktop.ui.dialogs.choose_profiles import ChooseProfilesDialog
    from desktop.ui.dialogs.profile_dialog import ProfileDialog

FILE_FILTER = "Switchboard profiles (*.json);;All files (*)"
SHORTCUTS = {"new": ("Ctrl+N",), "edit": ("Ctrl+E", "F2"), "duplicate": ("Ctrl+Shift+D",)}
"""Window-wide; Delete is bound to the Del key in the profile list only (see the sidebar).

Ctrl+D is not used: in Qt text fields on Linux it deletes a character.
"""


class ProfileActions(QObject):
    keychain_status_changed = Signal(object)
    """The SecretStore fell back to memory (a KeychainStatus), forwarded to the UI thread."""

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.dialog: ProfileDialog | None = None
        self.message: QMessageBox | None = None
        """The last confirmation or report box shown (tests answer it)."""
        self.export_dialog: ChooseProfilesDialog | None = None

        def make(text: str, slot, key: str | None, tip: str, icon_text: str) -> QAction:
            return make_action(self, text, slot, tip, icon_text=icon_text,
                               keys=SHORTCUTS[key] if key else ())

        self.new_action = make("&New profile…", self.new_profile, "new",
                               "Create a credential profile", "New")
        self.edit_action = make("Edi&t profile…", self.edit_profile, "edit",
                                "Edit the selected profile", "Edit")
        self.duplicate_action = make("D&uplicate profile…", self.duplicate_profile, "duplicate",
                                     "Copy the selected profile, secrets included", "Duplicate")
        self.delete_action = make("&Delete profile…", self.delete_profile, None,
                                  "Delete the selected profile and its keychain entries",
                                  "Delete")
        self.import_action = make("I&mport profiles…", self.import_profiles, None,
                                  "Add profiles from an exported file (never replaces any)",
                                  "Import")
        self.export_action = make("E&xport profiles…", self.export_profiles, None,
                                  "Save profiles to a file for a teammate (no secrets)", "Export")

        secrets = ctx.workspace.secrets
        disconnect = secrets.status_changed.connect(self.keychain_status_changed.emit)
        self.destroyed.connect(lambda _obj=None: disconnect())
        ctx.active_profile_changed.connect(self._update_enabled)
        ctx.profiles_changed.connect(self._update_enabled)
        self._update_enabled()

    @property
    def selection_actions(self) -> list[QAction]:
        return [self.edit_action, self.duplicate_action, self.delete_action]

    @property
    def menu_groups(self) -> list[list[QAction]]:
        return [[self.new_action, *self.selection_actions],
                [self.import_action, self.export_action]]

    @property
    def keychain_status(self) -> KeychainStatus:
        return self.ctx.workspace.secrets.status

    def _update_enabled(self, *_args: object) -> None:
        selected = self.ctx.active_profile is not None
        for action in self.selection_actions:
            action.setEnabled(selected)
        self.export_action.setEnabled(len(self.ctx.workspace.profiles) > 0)

    # -- create / edit ----------------------------------------------------------------------------

    def new_profile(self) -> ProfileDialog:
        return self._open(DialogMode.NEW, None)

    def edit_profile(self, profile: Profile | None = None) -> ProfileDialog | None:
        profile = profile or self.ctx.active_profile
        if profile is None or not self._provider_known(profile):
            return None
        return self._open(DialogMode.EDIT, profile)

    def duplicate_profile(self, profile: Profile | None = None) -> ProfileDialog | None:
        profile = profile or self.ctx.active_profile
        if profile is None or not self._provider_known(profile):
            return None
        return self._open(DialogMode.DUPLICATE, profile)

    def _open(self, mode: DialogMode, profile: Profile | None) -> ProfileDialog:
        from desktop.ui.dialogs.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.ctx.workspace, mode, profile, self.window)
        dialog.saved.connect(lambda saved, m=mode: self._saved(saved, m))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, profile: Profile, mode: DialogMode) -> None:
        was_active = self.ctx.active_profile is not None and \
            self.ctx.active_profile.id == profile.id
        self.ctx.set_active_profile(profile)
        if was_active:
            # Same id, new content: the pages must still see the edited profile.
            self.ctx.active_profile_changed.emit(profile)
        verb = {DialogMode.NEW: "Created", DialogMode.EDIT: "Saved",
                DialogMode.DUPLICATE: "Created"}[mode]
        self.ctx.say(f"{verb} profile “{profile.name}”.")

    def _provider_known(self, profile: Profile) -> bool:
        if self.ctx.workspace.provider_for(profile) is not None:
            return True
        self._show(QMessageBox.Icon.Warning, "Unknown provider",
                   f"“{profile.name}” uses the provider “{profile.provider}”, which is not "
                   "installed.",
                   f"Add its definition file to {config_dir() / 'providers'} and restart, or "
                   "delete the profile.")
        return False

    # -- delete -----------------------------------------------------------------------------------

    def delete_profile(self, profile: Profile | None = None) -> QMessageBox | None:
        profile = profile or self.ctx.active_profile
        if profile is None:
            return None
        provider = self.ctx.workspace.provider_for(profile)
        environment = provider.environment(profile.environment) if provider else None
        production = " It is a PRODUCTION profile." if environment and environment.production \
            else ""
        box = self._show(QMessageBox.Icon.Warning, "Delete profile",
                         f"Delete the profile “{profile.name}”?{production}",
                         "Its secrets are removed from the keychain too. This cannot be undone.",
                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        delete = box.button(QMessageBox.StandardButton.Yes)
        delete.setText("Delete")
        delete.setAccessibleDescription("Delete the profile and its secrets: this cannot be "
                                        "undone")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result, p=profile: self._delete(p)
            if result == QMessageBox.StandardButton.Yes else None)
        return box

    def _delete(self, profile: Profile) -> None:
        workspace = self.ctx.workspace
        if workspace.profiles.remove(profile.id) is None:
            return
        workspace.secrets.delete_all(profile.id)
        active = self.ctx.active_profile
        if active is None or active.id == profile.id:
            self.ctx.set_active_profile(next(iter(workspace.profiles), None))
        else:
            self.ctx.set_active_profile(active)
        self.ctx.say(f"Deleted profile “{profile.name}” and its secrets.")

    # -- import / export --------------------------------------------------------------------------

    def choose_import_path(self) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(self.window, "Import profiles", "",
                                                    FILE_FILTER)
        return Path(path) if path else None

    def choose_export_path(self) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(self.window, "Export profiles",
                                                    "switchboard-profiles.json", FILE_FILTER)
        return Path(path) if path else None

    def import_profiles(self, path: Path | None = None) -> QMessageBox | None:
        path = path or self.choose_import_path()
        if path is None:
            return None
        workspace = self.ctx.workspace
        try:
            added, problems = workspace.profiles.import_file(path)
        except ProfileError as exc:
            return self._show(QMessageBox.Icon.Warning, "Import profiles", str(exc))
        for profile in added:
            if workspace.provider_for(profile) is None:
                problems.append(f"“{profile.name}” uses the provider “{profile.provider}”, "
                                "which is not installed: it was kept but cannot run yet.")
        if added:
            self.ctx.set_active_profile(added[0])
        names = ", ".join(f"“{p.name}”" for p in added) or "none"
        details = ["Existing profiles were not changed; a name already in use got a number.",
                   "Exported files carry no secrets: edit each imported profile to enter its "
                   "own."] if added else []
        if problems:
            details.append("Problems:\n" + "\n".join(f"• {p}" for p in problems))
        icon = QMessageBox.Icon.Warning if problems else QMessageBox.Icon.Information
        return self._show(icon, "Import profiles", f"Imported {len(added)} profile"
                          f"{'' if len(added) == 1 else 's'}: {names}.", "\n\n".join(details))

    def export_profiles(self) -> ChooseProfilesDialog:
        workspace = self.ctx.workspace
        choices = []
        for profile in workspace.profiles:
            provider = workspace.provider_for(profile)
            choices.append((profile, not (provider is not None and provider.sandbox)))
        from desktop.ui.dialogs.choose_profiles import ChooseProfilesDialog

        dialog = ChooseProfilesDialog(choices, self.window)
        dialog.accepted.connect(lambda: self._export(dialog.chosen()))
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _export(self, names: list[str]) -> None:
        path = self.choose_export_path()
        if path is None:
            return
        try:
            count = self.ctx.workspace.profiles.export(path, names)
        except OSError as exc:
            self._show(QMessageBox.Icon.Warning, "Export profiles",
                       f"{path} could not be written: {exc}")
            return
        self.ctx.say(f"Exported {count} profile{'' if count == 1 else 's'} to {path} "
                     "(no secrets).")

    # -- helpers ----------------------------------------------------------------------------------

    def _show(self, icon: QMessageBox.Icon, title: str, text: str, informative: str = "",
              buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok) -> QMessageBox:
        box = QMessageBox(icon, title, text, buttons, self.window)
        if informative:
            box.setInformativeText(informative)
        describe_buttons(box)
        box.finished.connect(box.deleteLater)
        self.message = box
        box.open()
        return box

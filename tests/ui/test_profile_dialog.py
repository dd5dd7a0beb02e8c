"""Profiles in the window: create, edit, duplicate, delete, import and export them.

The dialog is driven as a user drives it (typing, pasting, clicking), and
what it saved is read back the way the next start of the app reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.core.paths import config_dir
from desktop.core.profiles import Profile, ProfileError, ProfileStore
from desktop.core.secrets import SecretKind, SecretStore
from desktop.core.workspace import Workspace
from desktop.ui.dialogs.profile_dialog import DialogMode, ProfileDialog
from desktop.ui.mainwindow import MainWindow
from tests.memory_keyring import MemoryKeyring

TRK_KEY = "trk_" + "A1b2C3d4" * 4


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def open_window(qtbot, workspace: Workspace) -> MainWindow:
    from desktop.ui.context import AppContext

    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def new_dialog(qtbot, window: MainWindow) -> ProfileDialog:
    window.profile_actions.new_action.trigger()
    dialog = window.profile_actions.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def choose(combo, data: str | None) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def retype(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def feedback_text(dialog: ProfileDialog, location: str) -> str:
    places = {"name": dialog.name_feedback, "base_url": dialog.base_url_feedback,
              **dialog.fields.feedback}
    feedback = places[location]
    return feedback.titles if not feedback.isHidden() else ""


def add_profile(workspace: Workspace, **overrides) -> Profile:
    values = {"name": "Red Cloud staging", "provider": "redcloud", "environment": "staging",
              "base_url": "https://api.staging.acme.example", "settings": {"client_id": "rc-1"}}
    return workspace.profiles.add(Profile(**(values | overrides)))


# -- create, and read back after a restart --------------------------------------------------------


def test_a_profile_typed_into_the_dialog_survives_a_restart_with_its_secret_in_the_keychain(
        qtbot, memory_keyring) -> None:
    workspace = Workspace(secrets=SecretStore())
    window = open_window(qtbot, workspace)
    dialog = new_dialog(qtbot, window)
    assert dialog.keychain_banner.isHidden()
    choose(dialog.provider_combo, "redcloud")
    retype(qtbot, dialog.name_edit, "Acme staging")
    qtbot.keyClicks(dialog.base_url_edit, "https://api.staging.acme.example")
    qtbot.keyClicks(dialog.fields.setting_inputs["client_id"], "acme-client")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].edit, "s3cret-Acme-77")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.WEBHOOK_SECRET].edit, "whsec-Acme-88")
    qtbot.keyClicks(dialog.fields.setting_inputs["recipient"], "+14155550123")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.sidebar.selected_profile().name == "Acme staging"

    restarted = Workspace(secrets=SecretStore())
    profile = restarted.profiles.get("Acme staging")
    assert profile is not None
    assert (profile.provider, profile.environment) == ("redcloud", "staging")
    assert profile.base_url == "https://api.staging.acme.example"
    assert profile.settings["client_id"] == "acme-client"
    assert profile.settings["recipient"] == "+14155550123"
    assert restarted.secrets.get(profile.id, SecretKind.CLIENT_SECRET) == "s3cret-Acme-77"
    assert restarted.secrets.get(profile.id, SecretKind.WEBHOOK_SECRET) == "whsec-Acme-88"
    stored = (config_dir() / "profiles.json").read_text(encoding="utf-8")
    assert "s3cret-Acme-77" not in stored
    assert "whsec-Acme-88" not in stored
    assert "client_secret" not in stored


def test_new_profiles_start_on_staging_and_never_offer_the_sandbox(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    providers = [dialog.provider_combo.itemData(i) for i in range(dialog.provider_combo.count())]
    assert "sandbox" not in providers
    assert {"redcloud", "ecourtdate", "trk-sms"} <= set(providers)
    choose(dialog.provider_combo, "ecourtdate")
    assert dialog.environment_combo.currentData() == "staging"
    assert dialog.base_url_edit.text() == "https://staging.api.ecourtdate.com"
    assert dialog.production_tag.isHidden()


def test_production_is_tagged_and_the_region_fills_in_the_base_url(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "ecourtdate")
    choose(dialog.environment_combo, "production")
    assert not dialog.production_tag.isHidden()
    assert dialog.production_tag.text() == "PRODUCTION"
    choose(dialog.region_combo, "us-texas")
    assert dialog.base_url_edit.text() == "https://us-texas.api.ecourtdate.com"
    choose(dialog.region_combo, "us-west")
    assert dialog.base_url_edit.text() == "https://us-west.api.ecourtdate.com"


def test_a_per_customer_host_starts_empty_with_a_placeholder(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    assert dialog.base_url_edit.text() == ""
    assert "Red Cloud" in dialog.base_url_edit.placeholderText()
    assert "no base URL" in feedback_text(dialog, "base_url")
    assert dialog.ok_button.isEnabled(), "a missing host is a warning: it can be added later"


def test_settings_show_defaults_as_placeholders_choices_as_combos_and_help(qtbot,
                                                                          main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    inputs = dialog.fields.setting_inputs
    assert inputs["message_text"].placeholderText() == "Switchboard test message"
    assert inputs["message_text"].text() == ""
    assert [inputs["message_type"].itemText(i) for i in range(2)] == ["SMS", "MMS"]
    assert "E.164" in inputs["recipient"].toolTip()


# -- checks shown in place ------------------------------------------------------------------------


def test_whitespace_pasted_with_a_secret_is_shown_and_trim_removes_it(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    field = dialog.fields.secret_fields[SecretKind.CLIENT_SECRET]
    QGuiApplication.clipboard().setText("s3cret-from-console\n")
    field.edit.setFocus()
    field.edit.paste()
    feedback = dialog.fields.feedback["client_secret"]
    assert not feedback.isHidden()
    assert "trailing line break" in feedback.titles
    assert "401" in feedback.label.text()
    assert not feedback.fix_button.isHidden()
    assert dialog.ok_button.isEnabled(), "whitespace is a warning: saving stays possible"

    qtbot.mouseClick(feedback.fix_button, Qt.MouseButton.LeftButton)
    assert field.text() == "s3cret-from-console"
    assert "whitespace" not in " ".join(f.code for f in dialog.findings)
    assert feedback.isHidden()


def test_whitespace_around_the_client_id_is_offered_a_trim_too(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    qtbot.keyClicks(dialog.fields.setting_inputs["client_id"], "  acme-client")
    feedback = dialog.fields.feedback["client_id"]
    assert "2 leading spaces" in feedback.titles
    qtbot.mouseClick(feedback.fix_button, Qt.MouseButton.LeftButton)
    assert dialog.fields.setting_inputs["client_id"].text() == "acme-client"
    dialog.fields.setting_inputs["client_id"].undo()
    assert dialog.fields.setting_inputs["client_id"].text() == "  acme-client", \
        "Trim goes through the undo history"


def test_a_trk_key_of_the_wrong_format_is_flagged_before_anything_is_sent(qtbot,
                                                                         main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "trk-sms")
    key = dialog.fields.secret_fields[SecretKind.API_KEY]
    assert "trk_" in key.edit.placeholderText()
    qtbot.keyClicks(key.edit, "trk_tooShort123")
    assert "does not have" in feedback_text(dialog, "api_key")
    assert "trk_ followed by 32 letters or digits" in feedback_text(dialog, "api_key")
    assert dialog.ok_button.isEnabled()
    assert len(main_window.ctx.workspace.history) == 0

    retype(qtbot, key.edit, TRK_KEY)
    assert feedback_text(dialog, "api_key") == ""


def test_a_staging_host_on_a_production_ecourtdate_profile_is_flagged(qtbot,
                                                                     main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "ecourtdate")
    choose(dialog.environment_combo, "production")
    choose(dialog.region_combo, "us-east")
    assert feedback_text(dialog, "base_url") == ""
    retype(qtbot, dialog.base_url_edit, "https://staging.api.ecourtdate.com")
    text = feedback_text(dialog, "base_url")
    assert "staging.api.ecourtdate.com is a Staging host" in text
    assert "Production" in text
    assert dialog.ok_button.isEnabled()


def test_the_keychain_banner_says_secrets_are_kept_for_this_session_only(qtbot,
                                                                        main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    assert not dialog.keychain_banner.isHidden()
    assert "memory for this session only" in dialog.keychain_banner.text()
    assert not main_window.keychain_label.isHidden()
    assert "memory" in main_window.keychain_label.toolTip()


def test_a_keychain_error_while_saving_turns_the_status_bar_warning_on(qtbot,
                                                                      memory_keyring) -> None:
    class BrokenKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError("the keychain is locked")

    keyring.set_keyring(BrokenKeyring())
    window = open_window(qtbot, Workspace(secrets=SecretStore()))
    assert window.keychain_label.isHidden()
    dialog = new_dialog(qtbot, window)
    choose(dialog.provider_combo, "generic")
    retype(qtbot, dialog.name_edit, "Broken keychain")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.TOKEN].edit, "tok-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not window.keychain_label.isHidden()
    assert "locked" in window.keychain_label.toolTip()


# -- typed input is never lost --------------------------------------------------------------------


def test_the_dialog_keeps_everything_typed_when_saving_is_refused(qtbot, main_window) -> None:
    workspace = main_window.ctx.workspace
    add_profile(workspace)
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    retype(qtbot, dialog.name_edit, "Red Cloud staging")
    qtbot.keyClicks(dialog.base_url_edit, "htps//typo")
    qtbot.keyClicks(dialog.fields.setting_inputs["client_id"], "acme-client")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].edit, "kept-secret")
    assert "already exists" in feedback_text(dialog, "name")
    assert "not an http(s) URL" in feedback_text(dialog, "base_url")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.result() == 0

    assert dialog.name_edit.text() == "Red Cloud staging"
    assert dialog.base_url_edit.text() == "htps//typo"
    assert dialog.fields.setting_inputs["client_id"].text() == "acme-client"
    assert dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].text() == "kept-secret"

    qtbot.keyClicks(dialog.name_edit, " 2")
    retype(qtbot, dialog.base_url_edit, "https://api.staging.acme.example")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert workspace.profiles.get("Red Cloud staging 2") is not None


def test_a_refused_save_keeps_the_dialog_open_with_its_input(qtbot, main_window,
                                                             monkeypatch) -> None:
    workspace = main_window.ctx.workspace
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    retype(qtbot, dialog.name_edit, "Refused")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].edit, "kept-secret")
    add = workspace.profiles.add

    def refuse(_profile: Profile) -> Profile:
        raise ProfileError("A profile named “Refused” already exists.")

    monkeypatch.setattr(workspace.profiles, "add", refuse)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "already exists" in dialog.general_feedback.titles
    assert dialog.name_edit.text() == "Refused"
    assert dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].text() == "kept-secret"
    assert workspace.secrets.get(dialog.profile().id, SecretKind.CLIENT_SECRET) is None

    monkeypatch.setattr(workspace.profiles, "add", add)
    qtbot.keyClicks(dialog.name_edit, " again")
    assert dialog.general_feedback.isHidden(), "the message goes once the input changes"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = workspace.profiles.get("Refused again")
    assert saved is not None
    assert workspace.secrets.get(saved.id, SecretKind.CLIENT_SECRET) == "kept-secret"


def test_switching_provider_and_back_keeps_typed_values(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    qtbot.keyClicks(dialog.base_url_edit, "https://api.staging.acme.example")
    qtbot.keyClicks(dialog.fields.setting_inputs["recipient"], "+14155550123")
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].edit, "kept-secret")
    choose(dialog.provider_combo, "trk-sms")
    assert dialog.fields.setting_inputs["recipient"].text() == "+14155550123"
    choose(dialog.provider_combo, "redcloud")
    assert dialog.base_url_edit.text() == "https://api.staging.acme.example"
    assert dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].text() == "kept-secret"


def test_escape_cancels_without_saving(qtbot, main_window) -> None:
    before = main_window.ctx.workspace.profiles.names()
    dialog = new_dialog(qtbot, main_window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert main_window.ctx.workspace.profiles.names() == before


def test_every_label_has_its_own_mnemonic(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    letters = []
    for label in dialog.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(dialog) and label.text():
            text = label.text().replace("&&", "")
            assert "&" in text, label.text()
            letters.append(text[text.index("&") + 1].lower())
    assert len(letters) >= 12
    assert len(letters) == len(set(letters)), letters


def test_secrets_are_masked_until_show_is_pressed(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    choose(dialog.provider_combo, "redcloud")
    field = dialog.fields.secret_fields[SecretKind.CLIENT_SECRET]
    assert not field.revealed
    qtbot.mouseClick(field.show_button, Qt.MouseButton.LeftButton)
    assert field.revealed
    qtbot.mouseClick(field.show_button, Qt.MouseButton.LeftButton)
    assert not field.revealed


def test_exposing_the_webhook_receiver_needs_the_opt_in_and_warns(qtbot, main_window) -> None:
    dialog = new_dialog(qtbot, main_window)
    section = dialog.webhook
    assert not section.host_edit.isEnabled()
    assert section.allow_warning.isHidden()
    section.allow_check.setChecked(True)
    assert not section.allow_warning.isHidden()
    assert "Other computers" in section.allow_warning.text()
    section.port_spin.setValue(8787)
    qtbot.keyClicks(section.public_url_edit, "https://tunnel.example/hooks")
    webhook = dialog.profile().webhook
    assert (webhook.host, webhook.port, webhook.allow_all_interfaces) == ("0.0.0.0", 8787, True)
    assert webhook.public_url == "https://tunnel.example/hooks"
    section.allow_check.setChecked(False)
    assert dialog.profile().webhook.host == "127.0.0.1"


# -- edit, duplicate, delete ----------------------------------------------------------------------


def test_double_clicking_a_profile_opens_it_for_editing(qtbot, main_window) -> None:
    workspace = main_window.ctx.workspace
    profile = add_profile(workspace)
    main_window.ctx.set_active_profile(profile)
    index = main_window.sidebar.tree.currentIndex()
    main_window.sidebar.tree.doubleClicked.emit(index)
    dialog = main_window.profile_actions.dialog
    assert dialog is not None
    assert dialog.mode is DialogMode.EDIT
    assert dialog.name_edit.text() == "Red Cloud staging"
    assert dialog.base_url_edit.text() == "https://api.staging.acme.example"


def test_editing_the_active_profile_updates_the_pages(qtbot, main_window) -> None:
    workspace = main_window.ctx.workspace
    profile = add_profile(workspace)
    workspace.secrets.set(profile.id, SecretKind.CLIENT_SECRET, "old-secret")
    main_window.ctx.set_active_profile(profile)
    main_window.profile_actions.edit_action.trigger()
    dialog = main_window.profile_actions.dialog
    assert dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].text() == "old-secret"
    retype(qtbot, dialog.fields.secret_fields[SecretKind.CLIENT_SECRET].edit, "new-secret")
    retype(qtbot, dialog.base_url_edit, "https://api2.staging.acme.example")
    with qtbot.waitSignal(main_window.ctx.active_profile_changed) as signal:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].base_url == "https://api2.staging.acme.example"
    assert workspace.profiles.by_id(profile.id).base_url == "https://api2.staging.acme.example"
    assert workspace.secrets.get(profile.id, SecretKind.CLIENT_SECRET) == "new-secret"
    assert len(workspace.profiles) == 2


def test_duplicate_copies_settings_and_secrets_under_a_new_name(qtbot, main_window) -> None:
    workspace = main_window.ctx.workspace
    original = add_profile(workspace)
    workspace.secrets.set(original.id, SecretKind.CLIENT_SECRET, "copied-secret")
    main_window.ctx.set_active_profile(original)
    main_window.profile_actions.duplicate_action.trigger()
    dialog = main_window.profile_actions.dialog
    assert dialog.mode is DialogMode.DUPLICATE
    assert dialog.name_edit.text() == "Red Cloud staging copy"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    copy = workspace.profiles.get("Red Cloud staging copy")
    assert copy is not None
    assert copy.id != original.id
    assert (copy.base_url, copy.settings) == (original.base_url, original.settings)
    assert workspace.secrets.get(copy.id, SecretKind.CLIENT_SECRET) == "copied-secret"
    assert main_window.sidebar.selected_profile().id == copy.id


def test_duplicating_the_sandbox_offers_the_sandbox_provider(qtbot, main_window) -> None:
    sandbox = main_window.ctx.workspace.profiles.get("Sandbox")
    main_window.ctx.set_active_profile(sandbox)
    main_window.profile_actions.duplicate_action.trigger()
    dialog = main_window.profile_actions.dialog
    assert dialog.provider_combo.currentData() == "sandbox"
    assert dialog.base_url_edit.isReadOnly()


def test_delete_asks_naming_the_profile_and_removes_its_secrets(qtbot, main_window) -> None:
    workspace = main_window.ctx.workspace
    profile = add_profile(workspace, name="Doomed", environment="production")
    workspace.secrets.set(profile.id, SecretKind.CLIENT_SECRET, "doomed-secret")
    main_window.ctx.set_active_profile(profile)
    actions = main_window.profile_actions

    actions.delete_action.trigger()
    assert "“Doomed”" in actions.message.text()
    assert "PRODUCTION" in actions.message.text()
    actions.message.button(QMessageBox.StandardButton.Cancel).click()
    assert workspace.profiles.get("Doomed") is not None

    actions.delete_action.trigger()
    actions.message.button(QMessageBox.StandardButton.Yes).click()
    assert workspace.profiles.get("Doomed") is None
    assert workspace.secrets.get(profile.id, SecretKind.CLIENT_SECRET) is None
    assert main_window.ctx.active_profile is not None
    assert main_window.ctx.active_profile.name == "Sandbox"


def test_the_delete_key_in_the_profile_list_asks_before_deleting(qtbot, main_window) -> None:
    main_window.sidebar.tree.setFocus()
    qtbot.keyClick(main_window.sidebar.tree, Qt.Key.Key_Delete)
    box = main_window.profile_actions.message
    assert box is not None
    assert "“Sandbox”" in box.text()


def test_sidebar_buttons_and_context_menu_offer_the_profile_actions(main_window) -> None:
    sidebar = main_window.sidebar
    buttons = [a.iconText() for a in sidebar.toolbar.actions()]
    assert buttons == ["New", "Edit", "Duplicate", "Delete"]
    menu = [a.text() for a in sidebar.context_menu().actions() if not a.isSeparator()]
    assert "Edi&t profile…" in menu
    assert "&Delete profile…" in menu
    file_menu = [a.text() for a in main_window.file_menu.actions() if not a.isSeparator()]
    start = file_menu.index("&New profile…")
    assert file_menu[start:start + 4] == ["&New profile…", "Edi&t profile…",
                                          "D&uplicate profile…", "&Delete profile…"]
    start = file_menu.index("I&mport profiles…")
    assert file_menu[start:start + 2] == ["I&mport profiles…", "E&xport profiles…"]
    assert file_menu[-1] == "&Quit"
    mnemonics = [t[t.index("&") + 1].lower() for t in file_menu if "&" in t]
    assert len(mnemonics) == len(set(mnemonics)), file_menu
    shortcuts = {a.text(): a.shortcut().toString() for a in main_window.file_menu.actions()}
    assert shortcuts["&New profile…"] == "Ctrl+N"
    assert shortcuts["Edi&t profile…"] == "Ctrl+E"
    assert shortcuts["D&uplicate profile…"] == "Ctrl+Shift+D"


def test_selection_actions_are_disabled_without_profiles(qtbot, ctx) -> None:
    workspace = ctx.workspace
    for profile in list(workspace.profiles):
        workspace.profiles.remove(profile.id)
    ctx.set_active_profile(None)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    actions = window.profile_actions
    assert actions.new_action.isEnabled()
    assert not actions.edit_action.isEnabled()
    assert not actions.delete_action.isEnabled()
    assert not actions.export_action.isEnabled()


# -- import / export ------------------------------------------------------------------------------


def test_export_writes_the_chosen_profiles_without_secrets_or_ids(qtbot, main_window, tmp_path,
                                                                  monkeypatch) -> None:
    workspace = main_window.ctx.workspace
    profile = add_profile(workspace)
    workspace.secrets.set(profile.id, SecretKind.CLIENT_SECRET, "never-exported")
    target = tmp_path / "team.json"
    monkeypatch.setattr(main_window.profile_actions, "choose_export_path", lambda: target)

    main_window.profile_actions.export_action.trigger()
    chooser = main_window.profile_actions.export_dialog
    assert chooser.chosen() == ["Red Cloud staging"], "the built-in Sandbox is not ticked"
    chooser.accept()

    text = target.read_text(encoding="utf-8")
    assert "never-exported" not in text
    assert profile.id not in text
    entries = json.loads(text)["profiles"]
    assert [e["name"] for e in entries] == ["Red Cloud staging"]
    assert all("id" not in e for e in entries)


def test_import_adds_profiles_reports_problems_and_never_overwrites(qtbot, main_window, tmp_path,
                                                                   monkeypatch) -> None:
    workspace = main_window.ctx.workspace
    existing = add_profile(workspace)
    source = tmp_path / "team.json"
    source.write_text(json.dumps({"switchboard_profiles": 1, "profiles": [
        {"name": "Red Cloud staging", "provider": "redcloud", "environment": "staging",
         "base_url": "https://other.example"},
        {"name": "Unknown API", "provider": "nowhere", "environment": "prod"},
        {"provider": "redcloud"},
    ]}), encoding="utf-8")
    monkeypatch.setattr(main_window.profile_actions, "choose_import_path", lambda: source)

    main_window.profile_actions.import_action.trigger()
    report = main_window.profile_actions.message
    assert "Imported 2 profiles" in report.text()
    assert "entry 3" in report.informativeText()
    assert "nowhere" in report.informativeText()
    assert workspace.profiles.by_id(existing.id) == existing
    assert workspace.profiles.get("Red Cloud staging (2)").base_url == "https://other.example"


def test_importing_a_file_that_is_not_a_profiles_file_says_so(qtbot, main_window, tmp_path,
                                                             monkeypatch) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello", encoding="utf-8")
    before = main_window.ctx.workspace.profiles.names()
    main_window.profile_actions.import_profiles(source)
    assert "not a profiles file" in main_window.profile_actions.message.text()
    assert main_window.ctx.workspace.profiles.names() == before


def test_an_unreadable_profiles_file_is_reported_in_the_status_bar(qtbot) -> None:
    path = config_dir() / "profiles.json"
    path.write_text("{ broken", encoding="utf-8")
    store = ProfileStore(path)
    store.load()
    window = open_window(qtbot, Workspace(profiles=store, secrets=SecretStore(use_keychain=False)))
    assert "could not be read" in window.statusBar().currentMessage()
    assert Path(path.with_suffix(".unreadable.json")).exists()

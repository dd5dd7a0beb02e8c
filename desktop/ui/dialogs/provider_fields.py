"""The provider-specific part of the profile form: its credentials and its settings.

Built afresh whenever the user picks another provider; the dialog carries
typed values across, so switching back and forth loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from desktop.core.profile_checks import secret_kinds
from desktop.core.provider.model import Provider, Setting
from desktop.core.secrets import SecretKind
from desktop.ui.dialogs.form import add_row, caption
from desktop.ui.widgets.finding_feedback import FindingFeedback
from desktop.ui.widgets.mnemonics import Mnemonics
from desktop.ui.widgets.secret_field import SecretField, trim_in_place

CREDENTIAL_SETTINGS = ("client_id",)
"""Settings shown with the secrets, because the checks treat them like credentials."""


def shown_secret_kinds(provider: Provider) -> tuple[SecretKind, ...]:
    """What the provider needs, then the optional webhook signing secret."""
    needed = secret_kinds(provider)
    return (*needed, SecretKind.WEBHOOK_SECRET) if SecretKind.WEBHOOK_SECRET not in needed \
        else needed


class ProviderFields(QObject):
    changed = Signal()

    def __init__(
        self,
        provider: Provider,
        settings: Mapping[str, str],
        secrets: Mapping[SecretKind, str],
        mnemonics: Mnemonics,
        *,
        keychain_note: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.provider = provider
        self.setting_inputs: dict[str, QLineEdit | QComboBox] = {}
        self.secret_fields: dict[SecretKind, SecretField] = {}
        self.feedback: dict[str, FindingFeedback] = {}
        self._mnemonics = mnemonics

        self.credentials_box = QGroupBox("Credentials")
        self.credentials_box.setObjectName("credentialsBox")
        form = QFormLayout(self.credentials_box)
        note = ("The sandbox supplies its own public demo credentials; use its fault switches "
                "to simulate a wrong secret." if provider.sandbox else keychain_note)
        form.addRow(caption(note))
        for setting in provider.settings:
            if setting.name in CREDENTIAL_SETTINGS:
                self._add_setting(form, setting, settings.get(setting.name, ""))
        for kind in shown_secret_kinds(provider):
            self._add_secret(form, kind, secrets.get(kind) or "")

        others = [s for s in provider.settings if s.name not in CREDENTIAL_SETTINGS]
        self.settings_box: QGroupBox | None = None
        if others:
            self.settings_box = QGroupBox("Settings")
            self.settings_box.setObjectName("settingsBox")
            settings_form = QFormLayout(self.settings_box)
            for setting in others:
                self._add_setting(settings_form, setting, settings.get(setting.name, ""))

    # -- building ----------------------------------------------------------------------------

    def _add_setting(self, form: QFormLayout, setting: Setting, value: str) -> None:
        field: QLineEdit | QComboBox
        if setting.choices:
            field = QComboBox()
            field.addItems(list(setting.choices))
            if value and value not in setting.choices:
                field.addItem(value)
            field.setCurrentText(value or setting.default or setting.choices[0])
            field.currentTextChanged.connect(self.changed)
        else:
            field = QLineEdit(value)
            if setting.default:
                field.setPlaceholderText(setting.default)
            field.textChanged.connect(self.changed)
        field.setObjectName(f"setting_{setting.name}")
        _label, feedback, _caption = add_row(
            form, setting.label, field, self._mnemonics, help_text=setting.help,
            description=setting.help or f"{setting.label}, a {self.provider.name} setting")
        if isinstance(field, QLineEdit):
            feedback.fix_requested.connect(lambda _fix, edit=field: trim_in_place(edit))
        self.setting_inputs[setting.name] = field
        self.feedback[setting.name] = feedback

    def _add_secret(self, form: QFormLayout, kind: SecretKind, value: str) -> None:
        field = SecretField()
        field.setObjectName(f"secret_{kind.value}")
        field.setText(value)
        field.edit.setObjectName(f"secretEdit_{kind.value}")
        if kind is SecretKind.WEBHOOK_SECRET:
            help_text = ("Optional: the signing secret that lets the webhook receiver verify "
                         "each delivery.")
            label = "Webhook secret"
        else:
            help_text = ""
            label = kind.label
            if kind is SecretKind.API_KEY and self.provider.auth.key_format:
                field.setPlaceholderText(self.provider.auth.key_format)
        if self.provider.sandbox:
            field.setReadOnly(True)
        field.text_changed.connect(self.changed)
        _label, feedback, _caption = add_row(
            form, label, field, self._mnemonics, help_text=help_text,
            description=help_text or f"The {label.lower()}: masked, kept in the keychain, "
                                     "never in the profile file")
        feedback.fix_requested.connect(lambda _fix, f=field: trim_in_place(f.edit))
        self.secret_fields[kind] = field
        self.feedback[kind.value] = feedback

    # -- values --------------------------------------------------------------------------------

    def settings_values(self) -> dict[str, str]:
        """Every setting as typed ("" when empty, or when a choice is left at its default)."""
        values = {}
        defaults = self.provider.setting_defaults()
        for name, field in self.setting_inputs.items():
            if isinstance(field, QComboBox):
                chosen = field.currentText()
                values[name] = "" if chosen == defaults.get(name) else chosen
            else:
                values[name] = field.text()
        return values

    def secret_values(self) -> dict[SecretKind, str]:
        return {kind: field.text() for kind, field in self.secret_fields.items()}

    def boxes(self) -> list[QWidget]:
        return [b for b in (self.credentials_box, self.settings_box) if b is not None]

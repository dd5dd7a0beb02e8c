"""Create, edit or duplicate a profile, with its problems shown in place as the user types.

The checks are ``desktop.core.profile_checks.check_profile``: the dialog
only decides where each finding is shown and which few problems block
saving (a profile needs a unique name and, if it has a base URL, a valid
one). Credential problems are shown but never block: the user may know
better, and the checklist will say so again. Secrets go to the
``SecretStore`` (the OS keychain), never into the Profile.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core.finding import Finding
from desktop.core.profile_checks import check_profile
from desktop.core.profiles import Profile, ProfileError, new_profile_id
from desktop.core.provider.model import Environment, Provider
from desktop.core.secrets import SecretKind
from desktop.core.workspace import Workspace
from desktop.ui.dialogs.dialog_style import profile_dialog_style
from desktop.ui.dialogs.form import add_row, align_labels
from desktop.ui.dialogs.modes import DialogMode
from desktop.ui.dialogs.profile_secrets import load_secrets, store_secrets
from desktop.ui.dialogs.provider_fields import ProviderFields
from desktop.ui.dialogs.webhook_section import WebhookSection
from desktop.ui.sidebar import kind_icon
from desktop.ui.theme import bind, qcolor
from desktop.ui.widgets.accessible import describe_buttons
from desktop.ui.widgets.finding_feedback import FindingFeedback, show_by_location
from desktop.ui.widgets.mnemonics import Mnemonics

BLOCKING_CODES = frozenset({"profile.base_url_invalid"})
"""Findings a profile cannot be saved with; every other finding is shown, saving stays possible."""


class ProfileDialog(QDialog):
    saved = Signal(object)
    """The Profile as stored, after its secrets were saved."""

    def __init__(self, workspace: Workspace, mode: DialogMode = DialogMode.NEW,
                 profile: Profile | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if mode is not DialogMode.NEW and profile is None:
            raise ValueError(f"{mode} needs a profile")
        self.workspace = workspace
        self.mode = mode
        self.original = profile
        self.saved_profile: Profile | None = None
        self._id = profile.id if mode is DialogMode.EDIT and profile else new_profile_id()
        self._typed_settings: dict[str, str] = dict(profile.settings) if profile else {}
        self._loaded_secrets = load_secrets(workspace.secrets, profile.id) if profile else {}
        self._typed_secrets: dict[SecretKind, str] = dict(self._loaded_secrets)
        self._auto_name = ""
        self._auto_base_url = ""
        self._save_error: tuple[str, Profile | None] = ("", None)
        self._building = True
        self.fields: ProviderFields | None = None
        self.findings: list[Finding] = []
        self.blocking: list[str] = []

        self.setObjectName("profileDialog")
        bind(self, lambda colours: self.setStyleSheet(profile_dialog_style(colours)))
        self.setWindowTitle({DialogMode.NEW: "New profile",
                             DialogMode.EDIT: f"Edit profile — {profile.name if profile else ''}",
                             DialogMode.DUPLICATE: "Duplicate profile"}[mode])
        self.resize(660, 780)
        self._build()
        self._fill(profile)
        self._building = False
        self._revalidate()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.keychain_banner = QLabel()
        self.keychain_banner.setObjectName("keychainBanner")
        self.keychain_banner.setWordWrap(True)
        outer.addWidget(self.keychain_banner)

        mnemonics = Mnemonics()
        box = QGroupBox("Profile")
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Red Cloud staging (EU customer)")
        _l, self.name_feedback, _c = add_row(
            form, "Name", self.name_edit, mnemonics,
            description="How the profile is listed; unique among your profiles")
        self.provider_combo = QComboBox()
        for provider in self._providers():
            self.provider_combo.addItem(provider.name, provider.id)
        _l, _f, self.provider_caption = add_row(form, "Provider", self.provider_combo, mnemonics,
                                                help_text=" ", description="The messaging API")
        self.environment_combo = QComboBox()
        self.production_tag = QLabel("PRODUCTION")
        self.production_tag.setObjectName("productionTag")
        self.production_tag.setToolTip("Requests made with this profile reach real recipients.")
        env_row = QWidget()
        env_layout = QHBoxLayout(env_row)
        env_layout.setContentsMargins(0, 0, 0, 0)
        env_layout.addWidget(self.environment_combo, 1)
        env_layout.addWidget(self.production_tag)
        _l, _f, self.environment_caption = add_row(
            form, "Environment", self.environment_combo, mnemonics, help_text=" ",
            container=env_row, description="The provider's environment; production is real")
        self.region_combo = QComboBox()
        self.region_label, _f, _c = add_row(form, "Region", self.region_combo, mnemonics,
                                            description="The region (its API host)")
        self.base_url_edit = QLineEdit()
        _l, self.base_url_feedback, self.base_url_caption = add_row(
            form, "Base URL", self.base_url_edit, mnemonics, help_text=" ",
            description="The API host every request of this profile is built on")
        self._form = form

        self.webhook = WebhookSection(mnemonics)
        self._field_mnemonics = mnemonics

        self._content = QVBoxLayout()
        self._content.addWidget(box)
        self._content.addWidget(self.webhook)
        self._content.addStretch(1)
        inner = QWidget()
        inner.setLayout(self._content)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take the focus
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll, 1)

        self.general_feedback = FindingFeedback()
        outer.addWidget(self.general_feedback)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("dialogSummary")
        self.summary_label.setWordWrap(True)
        outer.addWidget(self.summary_label)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                           | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save")
        self.ok_button.setDefault(True)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        describe_buttons(self.button_box, Save="Save the profile; its secrets go to the keychain")
        outer.addWidget(self.button_box)

        self.name_edit.textChanged.connect(self._revalidate)
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        self.environment_combo.currentIndexChanged.connect(self._environment_changed)
        self.region_combo.currentIndexChanged.connect(self._region_changed)
        self.base_url_edit.textChanged.connect(self._revalidate)
        self.webhook.changed.connect(self._revalidate)

    def _providers(self) -> list[Provider]:
        """The Sandbox is offered only for a profile that already uses it (edit, duplicate)."""
        original = self.workspace.provider_for(self.original) if self.original else None
        with_sandbox = original is not None and original.sandbox
        chosen = [p for p in self.workspace.providers if with_sandbox or not p.sandbox]
        return sorted(chosen, key=lambda p: p.name.casefold())

    def _fill(self, profile: Profile | None) -> None:
        if profile is None:
            self._provider_changed()
            return
        self.name_edit.setText(profile.name if self.mode is DialogMode.EDIT
                               else self.workspace.profiles.unique_name(f"{profile.name} copy"))
        index = self.provider_combo.findData(profile.provider)
        if index >= 0 and index != self.provider_combo.currentIndex():
            self.provider_combo.setCurrentIndex(index)
        else:
            self._provider_changed()
        self._select(self.environment_combo, profile.environment)
        self._select(self.region_combo, profile.region)
        self.base_url_edit.setText(profile.base_url)
        self.webhook.set_value(profile.webhook)

    @staticmethod
    def _select(combo: QComboBox, value: str | None) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    # -- reacting to choices -------------------------------------------------------------------

    def provider(self) -> Provider | None:
        return self.workspace.providers.get(self.provider_combo.currentData())

    def environment(self) -> Environment | None:
        provider = self.provider()
        return provider.environment(self.environment_combo.currentData()) if provider else None

    def _provider_changed(self) -> None:
        provider = self.provider()
        if provider is None:
            return
        self.provider_caption.setText(provider.summary)
        previous = self.environment_combo.currentData()
        self.environment_combo.blockSignals(True)
        self.environment_combo.clear()
        for env in provider.environments:
            self.environment_combo.addItem(env.name, env.id)
            if env.production:
                row = self.environment_combo.count() - 1
                self.environment_combo.setItemData(row, qcolor("production"),
                                                   Qt.ItemDataRole.ForegroundRole)
                self.environment_combo.setItemIcon(row, kind_icon("production"))
        default = next((e.id for e in provider.environments if not e.production), None)
        self._select(self.environment_combo,
                     previous if provider.environment(previous) else default)
        self.environment_combo.blockSignals(False)
        self._rebuild_fields(provider)
        self._environment_changed()

    def _rebuild_fields(self, provider: Provider) -> None:
        if self.fields is not None:
            self._typed_settings.update(self.fields.settings_values())
            self._typed_secrets.update(self.fields.secret_values())
            for box in self.fields.boxes():
                box.hide()
                box.deleteLater()
            self.fields.deleteLater()
        status = self.workspace.secrets.status
        note = ("Secrets are stored in the OS keychain, never in the profile file."
                if status.available else
                "No keychain: secrets are kept in memory for this session only.")
        self.fields = ProviderFields(provider, self._typed_settings, self._typed_secrets,
                                     self._field_mnemonics.copy(), keychain_note=note,
                                     parent=self)
        for offset, box in enumerate(self.fields.boxes(), start=1):
            self._content.insertWidget(offset, box)
            box.show()  # now, not on the next event loop turn: the form is complete at once
        self.fields.changed.connect(self._revalidate)
        align_labels(self)

    def _environment_changed(self) -> None:
        provider, env = self.provider(), self.environment()
        if provider is None or env is None:
            return
        self.production_tag.setVisible(env.production)
        self.environment_caption.setText(env.note)
        self.environment_caption.setVisible(bool(env.note))
        previous = self.region_combo.currentData()
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        for region in env.regions:
            self.region_combo.addItem(region.name, region.id)
        self._select(self.region_combo, previous)
        self.region_combo.blockSignals(False)
        self._form.setRowVisible(self.region_combo.parentWidget(), bool(env.regions))
        self.base_url_edit.setReadOnly(provider.sandbox)
        if provider.sandbox:
            self.base_url_edit.setPlaceholderText("set when the sandbox starts")
            self.base_url_caption.setText("Set by the running sandbox (a random local port).")
        elif env.per_customer:
            self.base_url_edit.setPlaceholderText(
                f"https://… the {env.name.lower()} API host {provider.name} gave you")
            self.base_url_caption.setText(f"{provider.name} gives each customer its own host: "
                                          "enter yours.")
        else:
            self.base_url_edit.setPlaceholderText("https://…")
            self.base_url_caption.setText("Filled in from the provider; change it only if "
                                          "your account uses another host.")
        self._region_changed()

    def _region_changed(self) -> None:
        provider, env = self.provider(), self.environment()
        if provider is None or env is None:
            return
        if not provider.sandbox:
            default = env.base_url_for(self.region_combo.currentData()) or ""
            # Follow the environment only while the user has not typed a URL of their own.
            if self.base_url_edit.text() in ("", self._auto_base_url):
                self.base_url_edit.setText(default)
            self._auto_base_url = default
        if self.mode is DialogMode.NEW:
            region = self.region_combo.currentText() if env.regions else ""
            suggestion = self.workspace.profiles.unique_name(
                " ".join(part for part in (provider.name, env.name, region) if part))
            if self.name_edit.text() in ("", self._auto_name):
                self.name_edit.setText(suggestion)
            self._auto_name = suggestion
        self._revalidate()

    # -- what the form says ----------------------------------------------------------------------

    def profile(self) -> Profile:
        """The profile the fields describe now (not saved)."""
        provider = self.provider()
        settings: dict[str, str] = {}
        if self.original is not None and provider is not None \
                and self.original.provider == provider.id:
            declared = {s.name for s in provider.settings}
            # Settings the provider does not declare (set by hand or by the CLI) are kept.
            settings.update({k: v for k, v in self.original.settings.items()
                             if k not in declared})
        if self.fields is not None:
            settings.update({k: v for k, v in self.fields.settings_values().items() if v})
        env = self.environment()
        return Profile(
            name=self.name_edit.text(),
            provider=provider.id if provider else "",
            environment=self.environment_combo.currentData() or "",
            region=self.region_combo.currentData() if env and env.regions else None,
            base_url=self.base_url_edit.text().strip(),
            settings=settings,
            webhook=self.webhook.value(),
            id=self._id,
        )

    def secret_values(self) -> dict[SecretKind, str]:
        return self.fields.secret_values() if self.fields is not None else {}

    def _revalidate(self) -> None:
        provider = self.provider()
        if self._building or provider is None or self.fields is None:
            return
        findings = check_profile(self.profile(), provider, self.secret_values())
        if provider.sandbox:
            # The running sandbox sets these; a finding about them would ask the impossible.
            read_only = {"base_url", *(k.value for k in self.fields.secret_fields)}
            findings = [f for f in findings if f.location not in read_only]
        self.findings = findings
        unplaced = show_by_location(findings, {"base_url": self.base_url_feedback,
                                               **self.fields.feedback}, BLOCKING_CODES)
        exclude = self._id if self.mode is DialogMode.EDIT else None
        name_problem = self.workspace.profiles.name_problem(self.name_edit.text(), exclude)
        if name_problem:
            self.name_feedback.show_text(name_problem)
        else:
            self.name_feedback.show_findings([])
        self.blocking = [p for p in [name_problem] if p]
        self.blocking += [f.title for f in findings if f.code in BLOCKING_CODES]
        error, attempted = self._save_error
        if error and attempted == self.profile():  # shown until the user changes something
            self.general_feedback.show_text(error)
        else:
            self.general_feedback.show_findings(unplaced)
        self.ok_button.setEnabled(not self.blocking)
        self._show_summary()
        self._show_keychain_status()

    def _show_summary(self) -> None:
        if self.blocking:
            text = "Cannot save yet: " + " ".join(self.blocking)
        elif self.findings:
            count = len(self.findings)
            text = (f"{count} problem{'s' if count > 1 else ''} shown above. You can save "
                    "anyway; the checklist will report them again.")
        else:
            text = "No problems found."
        self.summary_label.setText(text)

    def _show_keychain_status(self) -> None:
        status = self.workspace.secrets.status
        self.keychain_banner.setText(f"⚠ {status.message}")
        self.keychain_banner.setVisible(not status.available)

    # -- saving ----------------------------------------------------------------------------------

    def accept(self) -> None:
        self._revalidate()
        if self.blocking:
            return
        store = self.workspace.profiles
        try:
            if self.mode is DialogMode.EDIT:
                saved = store.update(self.profile())
            else:
                saved = store.add(self.profile())
        except ProfileError as exc:
            # Stay open with everything typed still there.
            self._save_error = (str(exc), self.profile())
            self._revalidate()
            return
        provider = self.provider()
        store_secrets(self.workspace.secrets, saved.id, self.secret_values(), self._loaded_secrets,
                      editing=self.mode is DialogMode.EDIT,
                      sandbox=provider is not None and provider.sandbox)
        self.saved_profile = saved
        self.saved.emit(saved)
        super().accept()

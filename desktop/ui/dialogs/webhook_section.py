"""The profile's webhook receiver settings: where it listens and what it answers.

The host can only leave 127.0.0.1 once the user ticks "allow connections
from other machines", so the form cannot describe a receiver that the core
would refuse to start (``WebhookReceiver`` demands the same opt-in).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QSpinBox, QWidget

from desktop.core.profiles import WebhookSettings
from desktop.ui.dialogs.form import add_row, caption
from desktop.ui.widgets.mnemonics import Mnemonics

LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
EXPOSED_WARNING = (
    "⚠ Other computers on your network can then send requests to the receiver. Use this only on "
    "a network you trust; to let a provider reach it, prefer a tunnel to 127.0.0.1 and enter "
    "the tunnel's public URL below."
)


class WebhookSection(QGroupBox):
    changed = Signal()

    def __init__(self, mnemonics: Mnemonics, parent: QWidget | None = None) -> None:
        super().__init__("Webhook receiver", parent)
        self.setObjectName("webhookBox")
        form = QFormLayout(self)
        form.addRow(caption("The local server that receives the provider's delivery reports "
                            "while a checklist waits for them."))

        self.allow_check = QCheckBox(mnemonics.label("Allow connections from other machines"))
        self.allow_check.setToolTip("Let other computers on your network reach the receiver "
                                    "(it listens on 127.0.0.1 otherwise)")
        self.allow_check.toggled.connect(self._allow_toggled)
        self.allow_warning = caption(EXPOSED_WARNING)
        self.allow_warning.setObjectName("exposedWarning")
        self.allow_warning.hide()

        self.host_edit = QLineEdit(LOOPBACK)
        self.host_edit.setEnabled(False)
        self.host_edit.setToolTip("Tick “Allow connections from other machines” to change it.")
        self.host_edit.textChanged.connect(self.changed)
        add_row(form, "Listen on host", self.host_edit, mnemonics,
                description="The address the receiver listens on")
        form.addRow("", self.allow_check)
        form.addRow("", self.allow_warning)

        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText("any free port")
        self.port_spin.setMaximumWidth(160)
        self.port_spin.valueChanged.connect(self.changed)
        self.port_spin.setToolTip("The receiver's port; 0 picks any free port")
        add_row(form, "Port", self.port_spin, mnemonics,
                description="The receiver's port; 0 picks any free port")

        self.public_url_edit = QLineEdit()
        self.public_url_edit.setPlaceholderText("https://your-tunnel.example/webhooks (optional)")
        self.public_url_edit.textChanged.connect(self.changed)
        add_row(form, "Public URL", self.public_url_edit, mnemonics,
                help_text="The address the provider calls when a tunnel forwards to this "
                          "receiver; register it in the provider's console.")

        self.failure_spin = QSpinBox()
        self.failure_spin.setRange(200, 599)
        self.failure_spin.setValue(401)
        self.failure_spin.setMaximumWidth(160)
        self.failure_spin.valueChanged.connect(self.changed)
        add_row(form, "Answer to a bad signature", self.failure_spin, mnemonics,
                help_text="The HTTP status the receiver returns when a signature does not "
                          "verify (the provider may retry on 5xx).")

    def set_value(self, settings: WebhookSettings) -> None:
        exposed = settings.allow_all_interfaces
        self.allow_check.setChecked(exposed)
        self.host_edit.setText(settings.host if exposed else LOOPBACK)
        self.port_spin.setValue(settings.port)
        self.public_url_edit.setText(settings.public_url)
        self.failure_spin.setValue(settings.failure_status)

    def value(self) -> WebhookSettings:
        exposed = self.allow_check.isChecked()
        host = self.host_edit.text().strip() or (ALL_INTERFACES if exposed else LOOPBACK)
        return WebhookSettings(host=host, port=self.port_spin.value(),
                               allow_all_interfaces=exposed,
                               public_url=self.public_url_edit.text().strip(),
                               failure_status=self.failure_spin.value())

    def _allow_toggled(self, exposed: bool) -> None:
        self.allow_warning.setVisible(exposed)
        self.host_edit.setEnabled(exposed)
        if exposed and self.host_edit.text() == LOOPBACK:
            self.host_edit.setText(ALL_INTERFACES)
        elif not exposed:
            self.host_edit.setText(LOOPBACK)
        self.changed.emit()

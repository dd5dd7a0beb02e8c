"""Why a provider cannot reach 127.0.0.1, how to expose the receiver, and the public URL.

The receiver stays on loopback; the user brings a tunnel of their own
choosing (no product is recommended here) and enters its public URL,
which is saved on the profile: the address to give the provider, and
the URL that schemes signing the URL (Twilio's) are checked against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.profiles import Profile, ProfileError
from desktop.core.richtext import escape
from desktop.core.webhooks.outbound import url_problem
from desktop.ui.context import AppContext
from desktop.ui.theme import bind, colours, theme

if TYPE_CHECKING:
    from desktop.core.webhooks.receiver import WebhookReceiver

EXPLANATION = (
    "A provider on the internet cannot call 127.0.0.1: that address is this computer, as seen "
    "from this computer. Keep the receiver on 127.0.0.1 and expose it through a tunnel of your "
    "choice (an SSH reverse tunnel to a server you control, or any HTTPS tunnelling tool) that "
    "forwards to <code>{target}</code>. Give the provider the tunnel's public URL (with the "
    "path), and enter it here: it is saved on the profile, and schemes that sign the URL "
    "(Twilio's) are checked against it."
)


class TunnelBanner(QFrame):
    def __init__(self, ctx: AppContext, receiver: Callable[[], WebhookReceiver | None],
                 parent: QWidget | None = None) -> None:
        """``receiver`` returns the profile's running receiver, or None."""
        super().__init__(parent)
        self.ctx = ctx
        self._receiver = receiver
        self.profile_id: str | None = None
        self.setObjectName("tunnelBanner")
        bind(self, lambda c: self.setStyleSheet(
            f"QFrame#tunnelBanner {{ background: {c.info_bg}; border: 1px solid {c.border};"
            " border-radius: 4px; }"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.toggle = QToolButton()
        self.toggle.setObjectName("tunnelToggle")
        self.toggle.setText("Reaching the receiver from the internet")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip("Show or hide how to reach this receiver from the internet")
        self.toggle.toggled.connect(self.set_expanded)
        head = QHBoxLayout()
        head.addWidget(self.toggle)
        self.current = QLabel()
        self.current.setObjectName("publicUrlSummary")
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current.setWordWrap(True)
        self.current.setMinimumWidth(160)
        head.addWidget(self.current, 1)
        layout.addLayout(head)

        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setObjectName("tunnelExplanation")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(QLabel("Public URL"))
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("publicUrl")
        self.url_edit.setPlaceholderText("https://your-tunnel.example/webhooks")
        self.url_edit.setClearButtonEnabled(True)
        self.url_edit.setAccessibleName("Public URL")
        self.url_edit.setToolTip("The tunnel's public address for the receiver; Enter saves it "
                                 "on the profile")
        self.url_edit.returnPressed.connect(self.save)
        self.url_edit.textChanged.connect(lambda _t: self._say("", error=False))
        row.addWidget(self.url_edit, 1)
        self.save_button = QPushButton("Save on profile")
        self.save_button.setObjectName("savePublicUrl")
        self.save_button.setToolTip("Save the public URL on this profile")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        column.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("publicUrlStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        column.addWidget(self.status)
        layout.addWidget(self.body)
        self.set_expanded(False)
        theme().changed.connect(self._recoloured)

    def _recoloured(self, _colours: object) -> None:
        self.refresh()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.blockSignals(True)
        self.toggle.setChecked(expanded)
        self.toggle.blockSignals(False)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)

    @property
    def profile(self) -> Profile | None:
        return self.ctx.workspace.profiles.by_id(self.profile_id) if self.profile_id else None

    def bind(self, profile: Profile | None, *, local_sender: bool) -> None:
        """Follow ``profile``; open by default when the provider is not on this computer."""
        changed = profile is None or profile.id != self.profile_id
        self.profile_id = profile.id if profile is not None else None
        self.setVisible(profile is not None)
        if profile is None:
            return
        if changed:
            self.url_edit.setText(profile.webhook.public_url)
            self._say("", error=False)
            self.set_expanded(not local_sender and not profile.webhook.public_url)
        self.refresh()

    def refresh(self) -> None:
        profile = self.profile
        receiver = self._receiver()
        target = (receiver.url if receiver is not None else None) or "http://127.0.0.1:<port>/"
        self.text.setText(EXPLANATION.format(target=escape(target)))
        public = profile.webhook.public_url if profile is not None else ""
        self.current.setText(f"Public URL: <code>{escape(public)}</code>" if public else
                             f"<span style='color:{colours().muted}'>No public URL set: only "
                             "senders on this computer can reach the receiver.</span>")

    def save(self) -> None:
        profile = self.profile
        if profile is None:
            return
        text = self.url_edit.text().strip()
        problem = url_problem(text) if text else None
        if problem:
            self._say(problem, error=True)
            return
        webhook = replace(profile.webhook, public_url=text)
        receiver = self._receiver()
        port = receiver.port if receiver is not None else None
        if text and webhook.port == 0 and port:
            # A tunnel forwards to one port: keep the current one across receiver restarts.
            webhook = replace(webhook, port=port)
        try:
            self.ctx.workspace.profiles.update(replace(profile, webhook=webhook))
        except (ProfileError, OSError) as exc:
            self._say(f"Not saved: {exc}", error=True)
            return
        kept = f" The receiver keeps port {port}." if webhook.port != profile.webhook.port else ""
        self._say((f"Saved on “{profile.name}”.{kept}" if text else
                   f"Public URL removed from “{profile.name}”."), error=False)
        self.ctx.say(f"Public URL saved on {profile.name}.")
        self.refresh()

    def _say(self, text: str, *, error: bool) -> None:
        c = colours()
        self.status.setStyleSheet(f"color: {c.fail if error else c.ok};")
        self.status.setText(text)
        self.status.setVisible(bool(text))

"""Import a curl command: parse it as you type, say what is wrong in place, keep the text.

Credentials in the command (an Authorization header, ``-u``, an API-key
header) are not kept silently: the dialog names them and says the
profile's credentials will be used instead; keeping them is an explicit
choice. Parsing is core's (``parse_curl``); nothing here reads shell syntax.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.client.spec import RequestSpec
from desktop.core.compose import credential_headers, drop_headers
from desktop.core.curl import CurlParseError, CurlRequest, parse_curl
from desktop.core.palette import Colours
from desktop.core.provider.model import Provider
from desktop.core.richtext import escape
from desktop.ui.theme import bind
from desktop.ui.widgets.accessible import describe_buttons

PARSE_DELAY_MS = 200


def dialog_style(c: Colours) -> str:
    return f"""
#curlResult {{ padding: 6px 8px; border-radius: 4px; }}
#curlResult[kind="error"] {{ background: {c.fail_bg}; color: {c.text}; }}
#curlResult[kind="warn"] {{ background: {c.warn_bg}; color: {c.text}; }}
#curlResult[kind="ok"] {{ background: {c.ok_bg}; color: {c.text}; }}
"""


class CurlImportDialog(QDialog):
    def __init__(self, provider: Provider | None, text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curlImportDialog")
        self.setWindowTitle("Import curl command")
        bind(self, lambda c: self.setStyleSheet(dialog_style(c)))
        self.resize(680, 460)
        self.provider = provider
        self.parsed: CurlRequest | None = None
        self.credentials: list[str] = []
        intro = QLabel("Paste a command from “Copy as cURL” (browser developer tools, API "
                       "docs). It is read the way bash and curl would read it.")
        intro.setWordWrap(True)
        self.command = QPlainTextEdit()
        self.command.setObjectName("curlCommand")
        self.command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.command.setPlaceholderText("curl https://api.example.com/v1/things -H 'Accept: "
                                        "application/json'")
        self.command.textChanged.connect(lambda: self._timer.start())
        self.command.setAccessibleName("curl command")
        self.command.setAccessibleDescription("The command to import; it is read as bash and "
                                              "curl would read it, and checked as you type")
        self.result = QLabel()
        self.result.setObjectName("curlResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keep_credentials = QCheckBox("Keep these credentials in the request anyway "
                                          "(not recommended: they end up in History)")
        self.keep_credentials.setObjectName("keepCredentials")
        self.keep_credentials.setToolTip("Send the command's own credentials instead of the "
                                         "profile's")
        self.keep_credentials.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons, Import="Put the request in the Composer (nothing is sent)")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.command, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.keep_credentials)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PARSE_DELAY_MS)
        self._timer.timeout.connect(self.parse)
        self.command.setPlainText(text)
        self.parse()

    def parse(self) -> CurlRequest | None:
        self._timer.stop()
        text = self.command.toPlainText()
        self.parsed, self.credentials = None, []
        self.keep_credentials.hide()
        if not text.strip():
            self._show("", "")
            self.import_button.setEnabled(False)
            return None
        try:
            parsed = parse_curl(text)
        except CurlParseError as exc:
            self._show(f"<b>This command cannot be imported:</b> {escape(str(exc))}",
                       "error")
            self.import_button.setEnabled(False)
            return None
        self.parsed = parsed
        self.credentials = credential_headers(parsed.headers, self.provider)
        lines = [f"<b>{escape(parsed.method)}</b> {escape(parsed.url)}",
                 f"{len(parsed.headers)} header(s), body {len(parsed.body):,} bytes"]
        lines += [f"⚠ {escape(w)}" for w in parsed.warnings]
        if self.credentials:
            names = ", ".join(dict.fromkeys(self.credentials))
            lines.append(f"⚠ The command carries credentials ({escape(names)}). The "
                         "profile's credentials will be used instead, and these headers are "
                         "left out.")
            self.keep_credentials.show()
        self._show("<br>".join(lines), "warn" if parsed.warnings or self.credentials else "ok")
        self.import_button.setEnabled(True)
        return parsed

    def _show(self, text: str, kind: str) -> None:
        self.result.setText(text)
        self.result.setProperty("kind", kind)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)

    def spec(self) -> RequestSpec | None:
        """The request to put in the editor, credentials dropped unless kept on purpose."""
        parsed = self.parsed
        if parsed is None:
            return None
        spec = RequestSpec(method=parsed.method, url=parsed.url, headers=tuple(parsed.headers),
                           body=parsed.body)
        if self.credentials:
            if self.keep_credentials.isChecked():
                # The user's own credentials: the profile's must not overwrite them.
                return RequestSpec(spec.method, spec.url, spec.headers, spec.body,
                                   attach_auth=False)
            spec = drop_headers(spec, self.credentials)
        return spec

    def accept(self) -> None:
        if self.parse() is not None:
            super().accept()

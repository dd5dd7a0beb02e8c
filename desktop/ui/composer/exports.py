"""The composer's curl actions: import a command, copy the request as one.

"Copy as curl" passes the request through the profile's redactor (its
secrets and current token are known to it) before the clipboard sees it.
"Copy as curl (with secrets)" exists for the rare runnable copy, and asks
first. The copied request is the one last sent while the editor still
holds it (headers as they went out, auth included but redacted), else the
request as composed (the profile's credentials are then not in it at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import RequestRecord
from desktop.ui.widgets.accessible import describe_buttons
from desktop.ui.widgets.clipboard import NOT_COPIED, copy_text

if TYPE_CHECKING:
    from desktop.ui.composer.curl_dialog import CurlImportDialog
    from desktop.ui.pages.composer import ComposerPage

SECRETS_WARNING = (
    "The command will contain the profile's credentials (token, key or secret) in plain "
    "text. Anyone who sees it can call the API as you. Paste it only where you would paste "
    "a password, and never into a ticket or chat."
)


def install_curl_actions(window: QMainWindow, composer: Callable[[], ComposerPage]) -> None:
    """The File menu's curl actions. ``composer`` builds the Composer page on first use,
    so the actions exist from start-up without the page being built."""
    def act(text: str, shortcut: str | None, tip: str, run: Callable[[ComposerPage], object],
            ) -> QAction:
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda: run(composer()))
        return action

    actions = [
        act("&Import curl command…", "Ctrl+Shift+I", "Read a curl command into the composer",
            lambda page: page.curl.import_dialog("")),
        act("&Copy as curl", "Ctrl+Shift+C",
            "Copy the composer's request as a curl command, secrets redacted",
            lambda page: page.curl.copy(with_secrets=False)),
        act("Copy as curl (with &secrets)…", None,
            "A runnable copy with credentials: asks first",
            lambda page: page.curl.copy(with_secrets=True)),
    ]
    menu = getattr(window, "file_menu", None)
    if menu is None:
        window.addActions(actions)
        return
    first = menu.actions()[0] if menu.actions() else None
    for action in actions:
        menu.insertAction(first, action)
    if first is not None:
        menu.insertSeparator(first)


class CurlActions:
    def __init__(self, page: ComposerPage) -> None:
        self.page = page
        self.dialog: CurlImportDialog | None = None
        self.confirm: QMessageBox | None = None

    # -- import -------------------------------------------------------------------------------

    def import_dialog(self, text: str = "") -> CurlImportDialog:
        """Open the import dialog (pre-filled with a pasted command); the editor changes only
        when the user presses Import."""
        from desktop.ui.composer.curl_dialog import CurlImportDialog  # curl loads on first use

        page = self.page
        page.ctx.show_page.emit(page.title)
        dialog = CurlImportDialog(page.provider, text, page)
        dialog.accepted.connect(lambda: self._imported(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, dialog: CurlImportDialog) -> None:
        spec = dialog.spec()
        if spec is None:
            return
        self.page.load_spec(spec)
        if dialog.credentials and not dialog.keep_credentials.isChecked():
            self.page.ctx.say("Imported. The command's credentials were left out: the "
                              "profile's are attached when you send.", 8000)
        else:
            self.page.ctx.say("Imported the curl command.")

    # -- export -------------------------------------------------------------------------------

    def request_to_copy(self) -> RequestRecord | RequestSpec:
        page = self.page
        spec = page.editor.spec()
        exchange = page.shown_exchange
        if exchange is not None and page.shown_spec == spec:
            return exchange.request
        return spec

    def copy(self, *, with_secrets: bool, confirmed: bool = False) -> str | None:
        """Copy the request; with secrets only once the user confirmed the warning."""
        if with_secrets and not confirmed:
            self._ask_before_copying_secrets()
            return None
        from desktop.core.compose import curl_command, redactor_for
        from desktop.core.curl import CurlExportError

        page = self.page
        if not page.editor.url.text().strip() and page.shown_exchange is None:
            page.ctx.say("Nothing to copy: type a URL or pick a template first.")
            return None
        request = self.request_to_copy()
        session = page.session()
        redactor = None if with_secrets or session is None else redactor_for(session)
        if redactor is None and not with_secrets:
            from desktop.core.redact import Redactor

            redactor = Redactor()  # no profile: still remove whatever looks secret
        try:
            text = curl_command(request, redactor)
        except CurlExportError as exc:
            page.response.show_problem(f"This request cannot be written as curl: {exc}")
            return None
        if not copy_text(text):
            page.ctx.say(NOT_COPIED)
            return None
        composed = isinstance(request, RequestSpec)
        what = "the composed request" if composed else "the request as last sent"
        extra = " (the profile's credentials are not in it)" if composed and request.attach_auth \
            else ""
        page.ctx.say(f"Copied {what} as curl" + (" WITH SECRETS" if with_secrets
                                                 else ", secrets redacted") + extra + ".", 8000)
        return text

    def _ask_before_copying_secrets(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Copy with secrets?",
                          "Copy the request as curl with its secrets?",
                          QMessageBox.StandardButton.Cancel, self.page)
        box.setInformativeText(SECRETS_WARNING)
        copy_button = box.addButton("Copy with secrets", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        describe_buttons(box, **{"Copy with secrets": "Copy a runnable command with the "
                                                      "credentials in plain text"})

        def answered() -> None:
            if box.clickedButton() is copy_button:
                self.copy(with_secrets=True, confirmed=True)

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        self.confirm = box
        box.open()

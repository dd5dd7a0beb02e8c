"""The request editor: method, URL, templates, parameters, headers, body, and the auth line.

It turns the user's fields into a ``RequestSpec`` and a spec back into
fields; everything else (the query string's encoding, filling templates,
joining the base URL) is core's. The auth line describes the profile's
credentials (``Bearer (token fresh, expires in 54 min)``) and never shows them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.client.spec import RequestSpec, join_url
from desktop.core.compose import split_query, with_query
from desktop.core.provider.model import Endpoint
from desktop.core.window_text import display_url
from desktop.ui.composer.body_editor import BodyEditor
from desktop.ui.composer.pairs_table import PairsTable
from desktop.ui.composer.url_field import UrlField
from desktop.ui.widgets.accessible import describe, describe_tabs
from desktop.ui.widgets.elided_label import ElidedLabel

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class RequestEditor(QWidget):
    changed = Signal()
    template_chosen = Signal(object)
    """An ``Endpoint`` from the Templates menu."""
    curl_pasted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_url = ""
        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.method.setMinimumContentsLength(7)
        describe(self.method, "Method", "The HTTP method: pick one or type another")
        self.method.setToolTip("The HTTP method")
        self.method.currentTextChanged.connect(self._changed)
        self.url = UrlField()
        self.url.textChanged.connect(self._changed)
        self.url.editingFinished.connect(self._move_query_to_table)
        self.url.curl_pasted.connect(self.curl_pasted)
        describe(self.url, "URL", "A path on the profile's base URL, a full URL, or a pasted "
                                  "curl command; Ctrl+Enter sends")
        self.templates = QToolButton()
        self.templates.setObjectName("templatesButton")
        self.templates.setText("Templates ▾")
        self.templates.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.templates.setMenu(QMenu(self.templates))
        self.templates.setToolTip("Start from one of the provider's common requests")

        self.full_url = ElidedLabel()
        self.full_url.setObjectName("fullUrl")
        self.auth_label = ElidedLabel(mode=Qt.TextElideMode.ElideRight)
        self.auth_label.setObjectName("authLine")
        self.attach_auth = QCheckBox("Attach")
        self.attach_auth.setChecked(True)
        self.attach_auth.setToolTip("Attach the profile's credentials to this request "
                                    "(token requests carry their own)")
        self.attach_auth.toggled.connect(self._changed)

        self.params = PairsTable("Parameter")
        self.params.changed.connect(self._changed)
        self.headers = PairsTable("Header")
        self.headers.changed.connect(self._changed)
        self.body = BodyEditor()
        self.body.changed.connect(self._changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("requestTabs")
        self.tabs.addTab(self.params, "Params")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.body, "Body")
        describe_tabs(self.tabs, "Request parts", "Parameters, headers and body of the request.",
                      ("Query parameters", "Headers (the profile's credentials are added "
                       "when it sends)", "The body"))

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.method)
        top.addWidget(self.url, 1)
        top.addWidget(self.templates)
        auth = QHBoxLayout()
        auth.addWidget(QLabel("Auth:"))
        auth.addWidget(self.auth_label, 1)
        auth.addWidget(self.attach_auth)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.full_url)
        layout.addLayout(auth)
        layout.addWidget(self.tabs, 1)
        self._quiet = False
        self._update_labels()

    # -- templates ----------------------------------------------------------------------------

    def set_templates(self, endpoints: tuple[Endpoint, ...]) -> None:
        menu = self.templates.menu()
        menu.clear()
        for endpoint in endpoints:
            action = QAction(f"{endpoint.request.method}  {endpoint.name}", menu)
            action.setToolTip(endpoint.description or endpoint.request.path)
            action.triggered.connect(lambda _c=False, e=endpoint: self.template_chosen.emit(e))
            menu.addAction(action)
        self.templates.setEnabled(bool(endpoints))

    # -- the spec -------------------------------------------------------------------------------

    def spec(self) -> RequestSpec:
        method = self.method.currentText().strip().upper() or "GET"
        target, inline = split_query(self.url.text().strip())
        url = with_query(join_url(self.base_url, target), [*inline, *self.params.pairs()])
        return RequestSpec(method=method, url=url, headers=tuple(self.headers.pairs()),
                           body=self.body.body(), attach_auth=self.attach_auth.isChecked())

    def set_spec(self, spec: RequestSpec) -> None:
        """Show a spec in the fields; switched-off rows stay (a lint fix must not drop them)."""
        self._quiet = True
        try:
            self.method.setCurrentText(spec.method)
            target, pairs = split_query(spec.url)
            self.url.setText(self.relative(target))
            self.params.set_pairs(pairs)
            self.headers.set_pairs(spec.headers)
            self.body.set_body(spec.body)
            self.attach_auth.setChecked(spec.attach_auth)
        finally:
            self._quiet = False
        self._changed()

    def relative(self, url: str) -> str:
        """``https://base/api/x`` → ``/api/x`` when it is under the profile's base URL."""
        base = self.base_url.rstrip("/")
        if base and (url == base or url.startswith(base + "/")):
            return url[len(base):] or "/"
        return url

    def set_base_url(self, base_url: str) -> None:
        if base_url != self.base_url:
            self.base_url = base_url
            self._changed()

    def set_auth_description(self, text: str, state: str = "") -> None:
        """``state``: ``refused`` (the server refused them), ``off`` (not sent), or ``""``."""
        self.auth_label.setText(text)
        self.auth_label.setAccessibleDescription(f"Authentication: {text}")
        if self.auth_label.property("state") != state:
            self.auth_label.setProperty("state", state)
            self.auth_label.style().unpolish(self.auth_label)
            self.auth_label.style().polish(self.auth_label)

    # -- reactions ----------------------------------------------------------------------------

    def _move_query_to_table(self) -> None:
        target, pairs = split_query(self.url.text().strip())
        if pairs:
            self._quiet = True
            try:
                self.url.setText(target)
                for name, value in pairs:
                    self.params.add_row(name, value)
            finally:
                self._quiet = False
            self._changed()

    def _changed(self, *_args: object) -> None:
        if self._quiet:
            return
        self._update_labels()
        self.changed.emit()

    def _update_labels(self, spec: RequestSpec | None = None) -> None:
        spec = spec or self.spec()
        shown = spec.url if self.url.text().strip() else (self.base_url or "No base URL")
        self.full_url.setText(f"{spec.method} {display_url(shown)}")
        self.tabs.setTabText(0, _counted("Params", len(self.params.pairs())))
        self.tabs.setTabText(1, _counted("Headers", len(self.headers.pairs())))
        self.tabs.setTabText(2, "Body" + (" ●" if spec.body.strip() else ""))


def _counted(label: str, count: int) -> str:
    return f"{label} ({count})" if count else label

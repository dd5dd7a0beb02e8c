"""Below the request: lint findings, the "send anyway?" note, the busy bar and Send/Cancel.

Lint never blocks sending. With error findings listed, the first Send asks
in place ("Send anyway") and the second sends; the answer is remembered for
that same set of errors, so a deliberately broken request (to see what the
server says) is not questioned again. No modal dialog: the keyboard flow
stays Ctrl+Enter, Ctrl+Enter.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.finding import Finding, Severity
from desktop.ui.composer.lint_list import LintList

ErrorKey = frozenset[tuple[str, str | None]]


def error_key(findings: list[Finding]) -> ErrorKey:
    """The errors that decide whether to ask: code and location of each."""
    return frozenset((f.code, f.location) for f in findings if f.severity is Severity.ERROR)


class SendBar(QWidget):
    clicked = Signal()
    """Send (or Cancel while busy) was pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lint = LintList()
        self.note = QLabel()
        self.note.setObjectName("sendNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate: how long a server takes is unknown
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.button = QPushButton("Send")
        self.button.setObjectName("sendButton")
        self.button.setMinimumWidth(110)
        self.button.clicked.connect(self.clicked)
        row = QHBoxLayout()
        row.addWidget(self.busy, 1)
        row.addStretch(0)  # keeps Send its own size while the busy bar is hidden
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lint)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self._asking: ErrorKey | None = None
        self._agreed: ErrorKey | None = None
        self._busy = False
        self.set_busy(False)

    def may_send(self, findings: list[Finding]) -> bool:
        """True to send now; False after asking in place (the next press sends)."""
        errors = error_key(findings)
        if errors and errors != self._agreed and errors != self._asking:
            self._asking = errors
            self.note.setText(f"✖ {len(errors)} error finding(s) above: the server will "
                              "probably reject this request. Press Send again (Ctrl+Enter) "
                              "to send it anyway.")
            self.note.show()
            self._label()
            return False
        if errors:
            self._agreed = errors
        self.stop_asking()
        return True

    def findings_changed(self, findings: list[Finding]) -> None:
        """A new lint pass: a question about other errors no longer stands."""
        self.lint.set_findings(findings)
        if self._asking is not None and error_key(findings) != self._asking:
            self.stop_asking()

    def stop_asking(self) -> None:
        self._asking = None
        self.note.hide()
        self._label()

    @property
    def asking(self) -> bool:
        return self._asking is not None

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self._label()

    def _label(self) -> None:
        self.button.setText("Cancel" if self._busy else
                            "Send anyway" if self._asking is not None else "Send")
        self.button.setToolTip("Cancel the request in flight (Esc)" if self._busy else
                               "Send (Ctrl+Enter)")

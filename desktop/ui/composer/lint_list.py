"""Lint findings above the Send button: severity, what is wrong, and a one-click fix.

Lint only advises: Send stays enabled. The composer asks for a second
press when errors are listed (see ``ComposerPage.send``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.finding import Finding, Severity
from desktop.core.richtext import escape
from desktop.ui.theme import colours, theme

SEVERITY_WORDS = {Severity.ERROR: "Error", Severity.WARN: "Warning", Severity.INFO: "Note"}
SEVERITY_GLYPHS = {Severity.ERROR: "✖", Severity.WARN: "⚠", Severity.INFO: "ℹ"}
SEVERITY_ROLES = {Severity.ERROR: "fail", Severity.WARN: "warn", Severity.INFO: "info"}


def severity_glyph(severity: Severity) -> str:
    """The severity's sign, coloured (in the current scheme), as rich text."""
    colour = getattr(colours(), SEVERITY_ROLES[severity])
    return f"<span style='color:{colour}'>{SEVERITY_GLYPHS[severity]}</span>"


def fix_label(finding: Finding) -> str:
    """The fix button's words: ``Generate Idempotency-Key``, ``Use +14155550123``..."""
    location = finding.location or ""
    header = location[7:] if location.startswith("header:") else ""
    match finding.fix:
        case "generate_uuid":
            return f"Generate {header or 'Idempotency-Key'}"
        case "set_content_type_json":
            return "Set Content-Type: application/json"
        case "trim_header":
            return f"Trim {header or 'whitespace'}"
        case "remove_header":
            return f"Remove {header or 'header'}"
        case "replace_value" if finding.fix_value is not None:
            value = finding.fix_value
            return f"Use {value if len(value) <= 28 else value[:27] + '…'}"
        case _:
            return "Fix"


def finding_tooltip(finding: Finding) -> str:
    parts = [f"<b>{escape(finding.title)}</b>"]
    if finding.evidence:
        parts.append(f"Saw: {escape(finding.evidence)}")
    parts += [f"• {escape(cause)}" for cause in finding.causes]
    if finding.next_action:
        parts.append(f"Next: {escape(finding.next_action)}")
    return "<br>".join(parts)


class LintRow(QFrame):
    def __init__(self, finding: Finding, on_fix: Signal) -> None:
        super().__init__()
        self.finding = finding
        self.setObjectName("lintRow")
        self.setProperty("severity", finding.severity.value)
        self.glyph = glyph = QLabel(severity_glyph(finding.severity))
        glyph.setObjectName("lintGlyph")
        glyph.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(f"<b>{SEVERITY_WORDS[finding.severity]}:</b> "
                           f"{escape(finding.title)}")
        self.text.setWordWrap(True)
        self.text.setToolTip(finding_tooltip(finding))
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(glyph)
        layout.addWidget(self.text, 1)
        self.fix_button: QPushButton | None = None
        if finding.fix:
            self.fix_button = QPushButton(fix_label(finding))
            self.fix_button.setObjectName("fixButton")
            self.fix_button.setToolTip(f"Apply the fix: {finding.title}")
            self.fix_button.clicked.connect(lambda: on_fix.emit(finding))
            layout.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)


class LintList(QWidget):
    """The findings of the last lint pass; beyond ``MAX_ROWS`` a line says how many more."""

    fix_requested = Signal(object)
    """A Finding whose fix the user clicked."""

    MAX_ROWS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lintList")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(3)
        self.more = QLabel()
        self.more.setObjectName("lintMore")
        self.rows: list[LintRow] = []
        self.findings: list[Finding] = []
        self.set_findings([])
        theme().changed.connect(self._recolour)

    def _recolour(self, _colours: object) -> None:
        for row in self.rows:
            row.glyph.setText(severity_glyph(row.finding.severity))

    def set_findings(self, findings: list[Finding]) -> None:
        if findings == self.findings and self.rows:
            return
        self.findings = list(findings)
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self._layout.removeWidget(self.more)
        shown = findings[:self.MAX_ROWS]
        self.rows = [LintRow(finding, self.fix_requested) for finding in shown]
        for row in self.rows:
            self._layout.addWidget(row)
        hidden = findings[self.MAX_ROWS:]
        if hidden:
            self.more.setText(f"…and {len(hidden)} more: "
                              + "; ".join(f.title for f in hidden[:3])
                              + ("…" if len(hidden) > 3 else ""))
            self.more.setToolTip("<br>".join(escape(f.title) for f in hidden))
            self._layout.addWidget(self.more)
        self.more.setVisible(bool(hidden))
        self.setVisible(bool(findings))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def fix_buttons(self) -> list[QPushButton]:
        return [row.fix_button for row in self.rows if row.fix_button is not None]

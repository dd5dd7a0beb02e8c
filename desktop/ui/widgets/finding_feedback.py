"""Findings shown next to the field they concern, with the one-click fix they offer.

A form gives each field one of these; the form's owner hands it the
findings whose ``location`` is that field (see ``desktop.core.profile_checks``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.core.finding import Finding, Severity
from desktop.core.richtext import escape
from desktop.ui.theme import colours, theme

FIX_LABELS = {"trim": "Trim"}
"""Button text for the fixes a field knows how to apply."""

ROLES = {Severity.ERROR: "fail", Severity.WARN: "warn", Severity.INFO: "muted"}
"""Problems that still allow saving are warnings in the form; blocking ones are errors."""


def finding_html(finding: Finding, *, blocking: bool = False) -> str:
    c = colours()
    colour = c.fail if blocking else getattr(c, ROLES[finding.severity])
    glyph = "✖" if blocking else "ℹ" if finding.severity is Severity.INFO else "⚠"
    action = f" <span style='color:{c.muted}'>{escape(finding.next_action)}</span>" \
        if finding.next_action else ""
    return (f"<span style='color:{colour}'>{glyph} <b>{escape(finding.title)}</b></span>"
            f"{action}")


class FindingFeedback(QWidget):
    """Hidden while its field is fine; otherwise what is wrong and, if any, a fix button."""

    fix_requested = Signal(str)
    """The ``fix`` identifier of a finding, when the user clicks its button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingFeedback")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("findingText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.fix_button = QToolButton()
        self.fix_button.setObjectName("fixButton")
        self.fix_button.hide()
        self.fix_button.clicked.connect(self._fix_clicked)
        layout.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)
        self.findings: list[Finding] = []
        self._blocking = False
        self._fix: str | None = None
        self.hide()
        theme().changed.connect(self._recolour)

    def _recolour(self, _colours: object) -> None:
        if self.findings:
            self.show_findings(self.findings, blocking=self._blocking)

    def show_findings(self, findings: list[Finding], *, blocking: bool = False) -> None:
        self.findings = list(findings)
        self._blocking = blocking
        self.label.setText("<br>".join(finding_html(f, blocking=blocking) for f in findings))
        tips = ["\n".join([f.title, *(f"• {c}" for c in f.causes)]) for f in findings]
        self.label.setToolTip("\n\n".join(tips))
        self._fix = next((f.fix for f in findings if f.fix in FIX_LABELS), None)
        if self._fix is not None:
            self.fix_button.setText(FIX_LABELS[self._fix])
            self.fix_button.setToolTip("Remove the spaces and line breaks at both ends")
        self.fix_button.setVisible(self._fix is not None)
        self.setVisible(bool(findings))

    def show_text(self, text: str, severity: Severity = Severity.ERROR) -> None:
        """A problem the form found itself (a name already in use), in the same look."""
        self.show_findings([Finding(code="form", severity=severity, title=text, source="form")])

    @property
    def titles(self) -> str:
        """The findings' titles, for tests and accessibility."""
        return "\n".join(f.title for f in self.findings)

    def _fix_clicked(self) -> None:
        if self._fix is not None:
            self.fix_requested.emit(self._fix)


def show_by_location(findings: list[Finding], places: Mapping[str, FindingFeedback],
                     blocking_codes: Collection[str] = ()) -> list[Finding]:
    """Give each field's feedback the findings about it; returns those that have no field."""
    unplaced = [f for f in findings if f.location not in places]
    for location, feedback in places.items():
        shown = [f for f in findings if f.location == location]
        feedback.show_findings(shown, blocking=any(f.code in blocking_codes for f in shown))
    return unplaced

"""The Findings panel: each diagnosis as a card a newcomer can act on.

Title, what we saw, the likely causes (numbered, most likely first), the
next action and the documentation link. The text is the Finding's, as core
wrote it; the provider resolves doc references (``troubleshooting``) to URLs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from desktop.core.finding import Finding, Severity
from desktop.core.provider.model import Provider
from desktop.core.richtext import escape
from desktop.ui.composer.lint_list import SEVERITY_WORDS, severity_glyph
from desktop.ui.theme import theme


def finding_html(finding: Finding, doc_url: str | None) -> str:
    parts = []
    if finding.evidence:
        parts.append(f"<p><b>What we saw:</b> {escape(finding.evidence)}</p>")
    if finding.causes:
        items = "".join(f"<li>{escape(cause)}</li>" for cause in finding.causes)
        parts.append(f"<p><b>Likely causes:</b></p><ol style='margin-top:0'>{items}</ol>")
    if finding.next_action:
        parts.append(f"<p><b>Next:</b> {escape(finding.next_action)}</p>")
    if doc_url and doc_url.startswith(("https://", "http://")):
        safe = escape(doc_url, quote=True)
        parts.append(f"<p><a href='{safe}'>Documentation: {escape(doc_url)}</a></p>")
    elif doc_url:
        parts.append(f"<p><b>Documentation:</b> {escape(doc_url)}</p>")
    return "".join(parts)


class FindingCard(QFrame):
    def __init__(self, finding: Finding, doc_url: str | None) -> None:
        super().__init__()
        self.finding = finding
        self.doc_url = doc_url
        self.setObjectName("findingCard")
        self.setProperty("severity", finding.severity.value)
        self.title = QLabel(f"{severity_glyph(finding.severity)} "
                            f"<b>{escape(finding.title)}</b>")
        self.title.setObjectName("findingTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = QLabel(finding_html(finding, doc_url))
        self.body.setObjectName("findingBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setOpenExternalLinks(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.source = QLabel(f"{SEVERITY_WORDS[finding.severity]} · {finding.code}"
                             f" · from {finding.source}")
        self.source.setObjectName("findingSource")
        self.source.setWordWrap(True)  # a narrow pane must not widen the card past its view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        if finding.evidence or finding.causes or finding.next_action or doc_url:
            layout.addWidget(self.body)
        layout.addWidget(self.source)


class FindingsPanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsPanel")
        self.setAccessibleName("Findings")
        self.setAccessibleDescription("What the answer means: what we saw, the likely causes, "
                                      "what to do next")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards: list[FindingCard] = []
        self._placeholder = QLabel()
        self._placeholder.setObjectName("findingsEmpty")
        self._placeholder.setWordWrap(True)
        self._shown: tuple[list[Finding], Provider | None, str] = ([], None, "")
        self.set_findings([], None)
        theme().changed.connect(self._recolour)

    def _recolour(self, _colours: object) -> None:
        self.set_findings(*self._shown)

    def set_findings(self, findings: list[Finding], provider: Provider | None,
                     empty_text: str = "Nothing to explain: no finding for this response.") -> None:
        self._shown = (list(findings), provider, empty_text)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(8)
        ordered = sorted(findings, key=lambda f: -f.severity.rank)
        self.cards = [FindingCard(f, provider.doc_url(f.doc) if provider else f.doc)
                      for f in ordered]
        for card in self.cards:
            layout.addWidget(card)
        if not self.cards:
            self._placeholder = QLabel(empty_text)
            self._placeholder.setObjectName("findingsEmpty")
            self._placeholder.setWordWrap(True)
            layout.addWidget(self._placeholder)
        layout.addStretch(1)
        old = self.takeWidget()
        self.setWidget(inner)
        if old is not None:
            old.deleteLater()

    @property
    def worst(self) -> Severity | None:
        return self.cards[0].finding.severity if self.cards else None

    def text(self) -> str:
        """Everything the panel says, as plain text (tests and copy)."""
        chunks = []
        for card in self.cards:
            chunks.append(card.title.text())
            chunks.append(card.body.text())
        return "\n".join(chunks)

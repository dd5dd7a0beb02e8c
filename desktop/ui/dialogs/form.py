"""One form row: label with its mnemonic, the input, a caption and the field's findings."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.widgets.finding_feedback import FindingFeedback
from desktop.ui.widgets.mnemonics import Mnemonics


def caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("fieldCaption")
    label.setWordWrap(True)
    return label


def add_row(
    form: QFormLayout,
    text: str,
    field: QWidget,
    mnemonics: Mnemonics | None = None,
    *,
    help_text: str = "",
    container: QWidget | None = None,
    description: str = "",
) -> tuple[QLabel, FindingFeedback, QLabel | None]:
    """Add ``text: field`` with a caption and feedback under it (``container`` wraps ``field``).

    ``description`` (else ``help_text``) is what assistive technology reads after the name.
    """
    label = QLabel(mnemonics.label(text) if mnemonics is not None else text)
    target = field.focusProxy() or field
    label.setBuddy(target)
    # Qt looks for a buddy label among the field's siblings only; this one is not.
    target.setAccessibleName(text)
    if description or help_text.strip():
        target.setAccessibleDescription(description or help_text)
    block = QWidget()
    column = QVBoxLayout(block)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(container if container is not None else field)
    help_label = None
    if help_text:
        help_label = caption(help_text)
        column.addWidget(help_label)
        field.setToolTip(help_text)
    feedback = FindingFeedback()
    column.addWidget(feedback)
    form.addRow(label, block)
    return label, feedback, help_label


def align_labels(root: QWidget) -> None:
    """One label column width for every visible form section under ``root``: fields line up."""
    labels = []
    for box in root.findChildren(QGroupBox):
        form = box.layout()
        if box.isHidden() or not isinstance(form, QFormLayout):
            continue
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                labels.append(item.widget())
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)

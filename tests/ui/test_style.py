"""The look without an application stylesheet (it cost 1.4 MiB of idle memory)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop.ui.style import FAINT, MUTED, apply_style
from desktop.ui.widgets.empty_state import EmptyState


def test_apply_style_sets_fusion_and_no_application_stylesheet(qapp: QApplication) -> None:
    apply_style(qapp)
    assert qapp.style().name().lower() == "fusion"
    assert qapp.styleSheet() == ""


def test_empty_state_text_keeps_its_sizes_weights_and_colours(qtbot) -> None:
    state = EmptyState("⇅", "No requests yet", "What will appear here.")
    qtbot.addWidget(state)
    assert state.glyph.font().pixelSize() == 40
    assert state.title.font().pixelSize() == 17
    assert state.title.font().weight() == QFont.Weight.DemiBold
    role = QPalette.ColorRole.WindowText
    assert state.glyph.palette().color(role).name() == FAINT
    assert state.body.palette().color(role).name() == MUTED

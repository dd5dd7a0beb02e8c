"""The look without an application stylesheet (it cost 1.4 MiB of idle memory)."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop.ui.style import FAINT, MUTED, apply_style, fusion_arguments
from desktop.ui.widgets.empty_state import EmptyState


def test_apply_style_sets_fusion_and_no_application_stylesheet(qapp: QApplication) -> None:
    apply_style(qapp)
    assert qapp.style().name().lower() == "fusion"
    assert qapp.styleSheet() == ""


def test_a_new_application_is_asked_for_fusion_unless_the_user_chose_a_style() -> None:
    assert fusion_arguments(["switchboard", "--smoke"]) == [
        "switchboard", "-style", "Fusion", "--smoke"]
    assert fusion_arguments(["switchboard", "-style", "Windows"]) == [
        "switchboard", "-style", "Windows"]
    assert fusion_arguments(["switchboard", "-style=Windows"]) == ["switchboard", "-style=Windows"]


def test_the_style_argument_gives_fusion_without_building_qstyle_enums() -> None:
    """In a fresh process (the style is chosen once per QApplication): Fusion even when the
    environment asks for another style, and no QStyle wrapper, so no QStyle enums."""
    script = (
        "import enum, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from desktop.ui.style import fusion_arguments\n"
        "app = QApplication(fusion_arguments(['switchboard']))\n"
        "def subclasses(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from subclasses(s)\n"
        "built = [e for e in subclasses(enum.Enum) if e.__qualname__.startswith('QStyle.')]\n"
        "print(len(built))\n"
        "print(app.style().name())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_STYLE_OVERRIDE": "Windows"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    enums_built, style = result.stdout.split()
    assert (enums_built, style) == ("0", "fusion")


def test_empty_state_text_keeps_its_sizes_weights_and_colours(qtbot) -> None:
    state = EmptyState("⇅", "No requests yet", "What will appear here.")
    qtbot.addWidget(state)
    assert state.glyph.font().pixelSize() == 40
    assert state.title.font().pixelSize() == 17
    assert state.title.font().weight() == QFont.Weight.DemiBold
    role = QPalette.ColorRole.WindowText
    assert state.glyph.palette().color(role).name() == FAINT
    assert state.body.palette().color(role).name() == MUTED

"""The window follows the OS colour scheme, live: palette, chart, highlighter, finding colours.

Offscreen, ``QStyleHints.setColorScheme`` changes nothing (the platform has
no theme to ask), so the test does what the OS does: it emits
``colorSchemeChanged``. Every check is made in the dark and again after the
switch back, without reopening anything.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.core.checklist.model import StepStatus
from desktop.core.palette import AA_TEXT, DARK, LIGHT, contrast_ratio
from desktop.ui.theme import theme
from tests.ui.windowwalk import populate


def os_scheme(dark: bool) -> None:
    """What the OS does when the user switches: the style hints announce the new scheme."""
    scheme = Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light
    hints = QGuiApplication.styleHints()
    hints.setColorScheme(scheme)
    QApplication.processEvents()
    if theme().dark != dark:  # offscreen: no platform theme to change, so announce it
        hints.colorSchemeChanged.emit(scheme)
    QApplication.processEvents()


@pytest.fixture
def light_again():
    yield
    os_scheme(False)
    QGuiApplication.styleHints().unsetColorScheme()
    assert not theme().dark


def chart_state(window):
    page = window.show_page("Rate limits")
    page.ensure_built()  # the first time it would wait for "Loading the chart…" to paint
    chart = page.chart
    return (chart.plot.backgroundBrush().color().name(),
            chart.layers.remaining_curve.opts["pen"].color().name())


def json_key_colour(viewer) -> str:
    """The colour the highlighter gave the first JSON key of the response body."""
    document = viewer.text.document()
    block = document.findBlockByNumber(1)  # '  "apiClientId": ...'
    for span in block.layout().formats():
        if span.start <= 3 < span.start + span.length:
            return span.format.foreground().color().name()
    raise AssertionError("the key was not highlighted")


def test_the_window_follows_the_os_into_dark_mode_and_back_live(
        main_window, running_sandbox, qt_loop, light_again) -> None:
    populate(main_window, qt_loop)
    assert theme().following
    checklist = main_window.page("Checklist")
    composer = main_window.page("Composer")
    composer.response.tabs.setCurrentIndex(1)
    model = checklist.model
    failed = next(i for i, r in enumerate(model.results) if r.status is StepStatus.FAIL)
    fail_colour = lambda: model.data(model.index(failed, 3),  # noqa: E731
                                     Qt.ItemDataRole.ForegroundRole).name()
    assert fail_colour() == LIGHT.fail

    os_scheme(True)
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == DARK.window
    assert palette.color(QPalette.ColorRole.Base).name() == DARK.base
    assert fail_colour() == DARK.fail
    assert chart_state(main_window) == (DARK.chart_background, DARK.chart_remaining)
    assert json_key_colour(composer.response.body) == DARK.json_key
    assert DARK.fail in checklist.detail.browser.toHtml().lower()
    assert DARK.fail_bg in composer.splitter.styleSheet()
    assert DARK.production in main_window.sidebar.legend.text()
    # painted, not only set: a table under a page's style sheet is dark too
    table = checklist.table.viewport().grab().toImage()
    assert table.pixelColor(table.width() - 5, table.height() - 5).name() == DARK.base
    window = main_window.grab().toImage()
    assert window.pixelColor(3, window.height() // 2).name() == DARK.window

    os_scheme(False)
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
    table = checklist.table.viewport().grab().toImage()
    assert table.pixelColor(table.width() - 5, table.height() - 5).name() == LIGHT.base
    assert fail_colour() == LIGHT.fail
    assert chart_state(main_window) == (LIGHT.chart_background, LIGHT.chart_remaining)
    assert json_key_colour(composer.response.body) == LIGHT.json_key


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_status_and_production_colours_are_aa_text_on_the_window_they_are_painted_on(
        main_window, dark, light_again) -> None:
    os_scheme(dark)
    palette = QApplication.palette()
    base = palette.color(QPalette.ColorRole.Base).name()
    alternate = palette.color(QPalette.ColorRole.AlternateBase).name()
    model = main_window.page("Checklist").model
    from desktop.ui.checklist.model import status_colour
    from desktop.ui.models.history_model import STATUS_COLOURS

    colours = [status_colour(s).name() for s in StepStatus if status_colour(s) is not None]
    colours += [STATUS_COLOURS[key].name() for key in ("2", "3", "4", "5", "error")]
    for colour in colours:
        for surface in (base, alternate):
            assert contrast_ratio(colour, surface) >= AA_TEXT, (colour, surface)
    assert model.rowCount() > 0


def test_dark_mode_loads_no_heavy_module_before_the_first_paint(tmp_path) -> None:
    """A dark platform palette is followed before the paint without pyqtgraph or Pygments."""
    script = (
        "import sys\n"
        "from PySide6.QtGui import QColor, QPalette\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(['switchboard'])\n"
        "dark = QPalette(); dark.setColor(QPalette.ColorRole.Window, QColor('#202020'))\n"
        "app.setPalette(dark)\n"
        "from desktop.ui.style import start_theme\n"
        "start_theme()\n"
        "from desktop.ui.mainwindow import MainWindow\n"
        "window = MainWindow(); window.show(); app.processEvents()\n"
        "from desktop.ui.startup import heavy_modules_loaded\n"
        "from desktop.ui.theme import theme\n"
        "print(theme().dark, heavy_modules_loaded())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SWITCHBOARD_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    assert result.stdout.split("\n")[0] == "True []"

"""Helpers that walk the whole window like a newcomer: every page filled in, every dialog.

Used by the focus, small-screen and accessibility tests. ``populate`` gives
each page something to show (a failed checklist run, a sent request, a
received webhook); ``DIALOGS`` opens each dialog the window has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication, QTextDocument, QTextTable
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desktop.ui.mainwindow import PAGE_TITLES


def populate(window, qt_loop) -> None:
    """A failed checklist run, a request and its answer, a webhook event: every page has data."""
    sandbox = window.ctx.sandbox
    sandbox.faults.set("number_not_owned", True)
    checklist = window.show_page("Checklist")
    checklist.run()
    qt_loop.until(lambda: checklist._task is not None and checklist._task.done(),
                  message="checklist run")
    composer = window.show_page("Composer")
    composer.editor.url.setText("/api/core/whoami")
    composer.send()
    qt_loop.until(lambda: composer.shown_exchange is not None and not composer.sender.busy,
                  message="a composer answer")
    hooks = window.show_page("Webhooks")
    hooks.receiver_panel.start()
    qt_loop.until(lambda: hooks.receiver_panel.running, message="the receiver")
    from desktop.ui.webhooks.send_dialogs import TestEventDialog

    # Sent through the dialog's own code, but never shown: no window takes the focus here.
    dialog = TestEventDialog(hooks.session, hooks.receiver_panel.url, hooks)
    dialog.send()
    qt_loop.until(lambda: not dialog.busy and dialog.exchange is not None, message="test event")
    dialog.deleteLater()
    qt_loop.until(lambda: hooks.model.rowCount() > 0, message="the event in the list")
    hooks.select_row(-1)
    window.show_page("History")
    window.show_page("Rate limits")
    window.show_page("Checklist")


def settle(qt_loop, rounds: int = 3) -> None:
    for _ in range(rounds):
        QApplication.processEvents()
    qt_loop.until(lambda: True)


def visible_top_levels() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


# -- the dialogs --------------------------------------------------------------------------------


def _composer(window):
    return window.page("Composer")


def _replay(window):
    hooks = window.page("Webhooks")
    event = hooks.selected_event() or (hooks.model.events[-1] if hooks.model.events else None)
    return hooks.replay(event) if event is not None else None


def _copy_with_secrets(window):
    composer = _composer(window)
    composer.curl.copy(with_secrets=True)
    return composer.curl.confirm


def _about(window):
    from desktop.ui.about import show_about

    return show_about(window)


def _smoke_selected(window, path: str = ""):
    """The “Smoke tests” collection (made once), its ``path`` selected in the sidebar."""
    from tests.ui.collections_helpers import smoke_collection

    library = window.ctx.collections
    collection = library.get("Smoke tests") or smoke_collection(library)
    window.collections_panel.refresh(select=(str(collection.root), path))
    return window.collections_panel.actions


def _save_request(window):
    composer = _composer(window)
    composer.new_request()
    composer.editor.url.setText("/api/core/whoami")
    return composer.saving.save()


DIALOGS: dict[str, Callable] = {
    "new profile": lambda w: w.profile_actions.new_profile(),
    "edit profile": lambda w: w.profile_actions.edit_profile(),
    "delete profile": lambda w: w.profile_actions.delete_profile(),
    "export profiles": lambda w: w.profile_actions.export_profiles(),
    "about": _about,
    "keyboard shortcuts": lambda w: w.show_shortcuts(),
    "bundle preview": lambda w: w.export_bundle(),
    "import curl": lambda w: _composer(w).curl.import_dialog("curl https://example.test/v1/x"),
    "copy curl with secrets": _copy_with_secrets,
    "send a test event": lambda w: w.page("Webhooks").send_test_event(),
    "replay to URL": _replay,
    "new collection": lambda w: w.collections_panel.actions.new_collection(),
    "rename request": lambda w: _smoke_selected(w, "who-am-i.toml").rename(),
    "delete request": lambda w: _smoke_selected(w, "who-am-i.toml").delete(),
    "save request": _save_request,
    "import": lambda w: w.show_import(),
    "run collection": lambda w: _smoke_selected(w).run(),
}
IMPORT_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "imports" / "insomnia" / \
    "insomnia_v4.json"
"""Loaded into the import dialog: a preview with every option (collection, profile, secret)."""


@contextmanager
def opened(window, name: str, qt_loop) -> Iterator[QWidget]:
    """Open one dialog, yield it while it is on screen, close it."""
    dialog = DIALOGS[name](window)
    assert dialog is not None, f"{name}: nothing opened"
    settle(qt_loop)
    if name == "bundle preview":
        qt_loop.until(lambda: dialog.plan is not None, message="the bundle plan")
    if name == "import":
        dialog.load(IMPORT_SAMPLE)
        qt_loop.until(lambda: dialog.preview is not None, message="the import preview")
    if name == "run collection":
        qt_loop.until(lambda: dialog.state != "running", message="the collection run")
    try:
        yield dialog
    finally:
        dialog.close()
        settle(qt_loop)


# -- what a screen reader gets --------------------------------------------------------------------
#
# The names and descriptions are worked out by Qt's own rules (QAccessibleWidget and its
# button, tab bar and line edit subclasses) rather than by asking QAccessible for an
# interface: interfaces created without a screen reader attached stay cached, and one for a
# widget that pytest-qt deletes later crashed the test process now and then (a timer event
# for a deleted object); the app itself never creates them unless a reader asks.

_VALUE_NAMED = (QComboBox, QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit,
                QAbstractItemView)
"""Controls whose accessible name falls back to their value (or nothing): they need a name
of their own or a label that names them."""


def _labelled(widget: QWidget) -> bool:
    root = widget.window()
    return any(label.buddy() is widget for label in root.findChildren(QLabel))


def accessible_name(widget: QWidget) -> str:
    """What a screen reader reads as the control's name (Qt's rules)."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QTabBar):
        return widget.tabText(widget.currentIndex()).replace("&", "")
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "")
    parent = widget.parentWidget()
    for label in parent.findChildren(QLabel) if parent is not None else ():
        if label.buddy() is widget:
            return label.text().replace("&", "")
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def accessible_description(widget: QWidget) -> str:
    """What is read after the name: the description, else the tooltip (a line edit's
    placeholder too); a tab bar is read as its tabs, each with its tooltip."""
    if isinstance(widget, QTabBar):
        return "tabs described" if all(widget.tabToolTip(i) for i in range(widget.count())) \
            else ""
    text = widget.accessibleDescription() or widget.toolTip()
    if not text and isinstance(widget, QLineEdit):
        text = widget.placeholderText()
    return text


def accessibility_problems(root: QWidget) -> list[str]:
    """Focusable, visible controls under ``root`` a screen reader could not name or explain."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.focusProxy() is not None:
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        name = accessible_name(widget).strip()
        description = accessible_description(widget).strip()
        where = f"{type(widget).__name__} {widget.objectName() or repr(name)}"
        if isinstance(widget, _VALUE_NAMED) and not widget.accessibleName() \
                and not _labelled(widget):
            problems.append(f"{where}: no accessible name of its own (value or nothing read)")
        elif isinstance(widget, QAbstractButton) and not any(c.isalpha() for c in name):
            problems.append(f"{where}: a button named only by a glyph")
        elif not name:
            problems.append(f"{where}: no accessible name")
        if not description:
            problems.append(f"{where}: no accessible description (tooltip)")
    return problems


# -- text squeezed to a word a line --------------------------------------------------------------


def _plain(label: QLabel) -> str:
    if label.textFormat() == Qt.TextFormat.PlainText:
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def squeezed_labels(root: QWidget) -> list[str]:
    """Visible word-wrapped labels laid out at fewer than two words a line."""
    out = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.wordWrap():
            continue
        text = _plain(label)
        words = text.split()
        if len(words) < 4:
            continue
        width = label.contentsRect().width()
        metrics = label.fontMetrics()
        rect = metrics.boundingRect(QRect(0, 0, max(1, width), 1_000_000),
                                    int(Qt.TextFlag.TextWordWrap), text)
        lines = max(1, round(rect.height() / max(1, metrics.lineSpacing())))
        if len(words) / lines < 2.0:
            out.append(f"{label.objectName() or type(label.parent()).__name__}: "
                       f"{len(words)} words on {lines} lines at {width} px: {text[:50]!r}")
    return out


def squeezed_text_views(root: QWidget) -> list[str]:
    """Visible text views (a step's detail, a verdict) wrapped to fewer than 2.5 words a line."""
    out = []
    for view in root.findChildren(QTextEdit):
        document = view.document()
        words = len(document.toPlainText().split())
        if not view.isVisibleTo(root) or words < 12:
            continue
        if any(isinstance(frame, QTextTable) for frame in document.rootFrame().childFrames()):
            continue  # a table of facts is a word or two a line by design
        document.documentLayout().documentSize()  # lays the document out at the view's width
        block, lines = document.begin(), 0
        while block.isValid():
            lines += max(1, block.layout().lineCount()) if block.text().strip() else 0
            block = block.next()
        if lines and words / lines < 2.5:
            out.append(f"{view.objectName()}: {words} words on {lines} lines at "
                       f"{view.viewport().width()} px")
    return out


def pages(window) -> Iterator[tuple[str, QWidget]]:
    for title in PAGE_TITLES:
        yield title, window.show_page(title)


def screen_size() -> tuple[int, int]:
    geometry = QGuiApplication.primaryScreen().availableGeometry()
    return geometry.width(), geometry.height()

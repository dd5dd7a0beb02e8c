"""The bundle preview: exactly what will be written, redactions highlighted, nothing until Save.

The user sees the file tree, each file's content as it will be in the zip
with every redaction marked, and can leave out files or Exchanges; every
change re-plans the bundle (off the critical path, with progress) so the
preview is always the bytes that Save writes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeySequence,
    QPixmap,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import bundle as bundle_core
from desktop.core.bundle import BundleContent, BundlePlan, SecretLeakError
from desktop.core.bundle_preview import marker_texts, preview_text
from desktop.core.memory import release_free_memory
from desktop.core.redact import Redactor
from desktop.ui.theme import colours
from desktop.ui.widgets.accessible import describe_buttons

log = logging.getLogger(__name__)
PREVIEW_LIMIT = 400_000
"""Characters shown per file: the rest is written but not painted (the count says so)."""
FILE_ROLE = Qt.ItemDataRole.UserRole + 1
EXCHANGE_ROLE = Qt.ItemDataRole.UserRole + 2


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _release_after_deletion() -> None:
    """Hand the freed pages back once Qt has deleted a closed preview: its text document
    (the indented HAR, megabytes laid out) is freed then, after ``_release``, and trimming
    before that left the window ~15 MiB bigger at each export (tests/benchmarks, soak)."""
    QTimer.singleShot(0, release_free_memory)


class BundlePreview(QDialog):
    def __init__(self, content: BundleContent, redactor_factory: Callable[[bool], Redactor],
                 default_name: str, parent: QWidget | None = None, *,
                 chart: Callable[[], Awaitable[bytes | None]] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundlePreview")
        self.setWindowTitle("Export diagnostic bundle — preview")
        self.resize(1100, 720)
        self.content: BundleContent | None = content
        self._redactor_factory = redactor_factory
        self._chart = chart
        """Draws the rate-limit chart for ``content``: awaited once, before the first plan."""
        self._default_name = default_name
        self.plan: BundlePlan | None = None
        self.saved_to: Path | None = None
        self._excluded_files: set[str] = set()
        self._excluded_exchanges: set[int] = set()
        self._task: asyncio.Task | None = None
        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(250)
        self._replan_timer.timeout.connect(self.replan)
        # Each export opens a new preview: a closed one must not stay behind holding its
        # rendered bundle (megabytes) as a hidden child of the window.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finished.connect(self._release)
        self.destroyed.connect(_release_after_deletion)
        self._build()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("Nothing is written until you press Save. This is exactly what the zip "
                       "will contain; highlighted text was redacted. Untick files or requests "
                       "to leave them out.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setObjectName("bundleFiles")
        self.tree.setHeaderLabels(["File", "Size"])
        self.tree.setColumnWidth(0, 260)
        self.tree.currentItemChanged.connect(lambda *_: self._show_current())
        self.tree.itemChanged.connect(self._item_toggled)
        split.addWidget(self.tree)
        self.tree.setAccessibleName("Bundle files")
        self.tree.setAccessibleDescription("Every file the zip will hold; untick one (Space) "
                                           "to leave it out, select one to read it")
        self.stack = QStackedWidget()
        self.text = QPlainTextEdit()
        self.text.setObjectName("bundleFileText")
        self.text.setReadOnly(True)
        # Wrapped, so every highlighted redaction is on screen without scrolling sideways.
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName("File content")
        self.text.setAccessibleDescription("The selected file as it will be in the zip; "
                                           "redactions are highlighted")
        self.markdown = QTextBrowser()
        self.markdown.setObjectName("bundleMarkdown")
        self.markdown.setOpenLinks(False)
        self.markdown.setAccessibleName("Summary")
        self.markdown.setAccessibleDescription("summary.md as formatted text; redactions are "
                                               "highlighted")
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for page in (self.text, self.markdown, self.image):
            self.stack.addWidget(page)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.file_label = QLabel("Select a file on the left to see exactly what it holds.")
        self.file_label.setWordWrap(True)
        right_layout.addWidget(self.file_label)
        right_layout.addWidget(self.stack, 1)
        self.indent_json = QCheckBox("Show JSON indented")
        self.indent_json.setChecked(True)
        self.indent_json.setToolTip("The zip holds compact JSON (one HAR entry a line); "
                                    "indented, every redaction is easy to find")
        self.indent_json.toggled.connect(lambda _on: self._show_current())
        right_layout.addWidget(self.indent_json)
        split.addWidget(right)
        split.setSizes([330, 770])
        layout.addWidget(split, 1)
        self.report_label = QLabel()
        self.report_label.setObjectName("bundleReport")
        self.report_label.setWordWrap(True)
        layout.addWidget(self.report_label)
        row = QHBoxLayout()
        self.keep_phones = QCheckBox("Keep full phone numbers")
        self.keep_phones.setToolTip("By default numbers are masked to their last 4 digits")
        self.keep_phones.toggled.connect(lambda _on: self._replan_timer.start())
        row.addWidget(self.keep_phones)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        row.addWidget(self.progress, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save…")
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.choose_and_save)
        self.buttons.rejected.connect(self.reject)
        describe_buttons(self.buttons, Save="Choose where to save the zip (Ctrl+S); nothing "
                                            "is written before")
        row.addWidget(self.buttons)
        layout.addLayout(row)
        QShortcut(QKeySequence.StandardKey.Save, self, self.choose_and_save)

    def _release(self) -> None:
        """Closed (saved or cancelled): stop planning and let the rendered bundle go now."""
        self._replan_timer.stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.plan = None
        self.content = None

    # -- planning ---------------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.plan is None and self._task is None:
            QTimer.singleShot(0, self, self.replan)  # not after the dialog is gone

    def replan(self) -> None:
        from desktop.ui.crash import spawn

        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.save_button.setEnabled(False)
        self._task = spawn(self._plan(), name="bundle-plan")

    def _set_progress(self, fraction: float, label: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{label} — {fraction:.0%}")

    async def _plan(self) -> None:
        content = self.content
        if content is None:  # closed before this plan started
            return
        if self._chart is not None:
            self._set_progress(0.0, "drawing the rate-limit chart")
            content.ratelimits_png = await self._chart()
            self._chart = None  # drawn (a plan cancelled while drawing draws it again)
        redactor = self._redactor_factory(self.keep_phones.isChecked())
        try:
            plan = await bundle_core.plan_bundle_async(
                content, redactor, self._set_progress,
                exclude_exchange_ids=self._excluded_exchanges,
                exclude_files=self._excluded_files)
        except SecretLeakError as exc:
            self.report_label.setText(f"<b style='color:{colours().fail}'>Refused:</b> {exc} "
                                      "Nothing will be written; report this as a bug.")
            return
        self.plan = plan
        self._set_progress(1.0, "ready")
        self._fill_tree(plan)
        counts = plan.report.by_kind()
        redacted = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
        self.report_label.setText(
            f"{len(plan.files)} files, {human_size(plan.total_size)}; "
            f"{plan.exchange_count} requests ({plan.excluded_exchanges} left out). "
            f"Redacted: {redacted}.")
        self.save_button.setEnabled(True)

    def _fill_tree(self, plan: BundlePlan) -> None:
        current = self.tree.currentItem()
        current_name = current.data(0, FILE_ROLE) if current else None
        self.tree.blockSignals(True)
        self.tree.clear()
        names = [f.name for f in plan.files] + sorted(self._excluded_files)
        for name in names:
            planned = plan.file(name)
            item = QTreeWidgetItem([name, human_size(planned.size) if planned else "left out"])
            item.setData(0, FILE_ROLE, name)
            if name != "manifest.json":
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked if name in self._excluded_files
                                   else Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
            if name == "har.json":
                self._add_exchanges(item)
            if name == current_name:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))  # shown by currentItemChanged
        else:
            self._show_current()  # once: a large file's preview takes a few hundred ms

    def _add_exchanges(self, parent: QTreeWidgetItem) -> None:
        for exchange in (self.content.exchanges if self.content else [])[:2000]:
            child = QTreeWidgetItem([exchange.summary, ""])
            child.setData(0, EXCHANGE_ROLE, exchange.id)
            child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            child.setCheckState(0, Qt.CheckState.Unchecked if exchange.id in
                                self._excluded_exchanges else Qt.CheckState.Checked)
            parent.addChild(child)

    def _item_toggled(self, item: QTreeWidgetItem, _column: int) -> None:
        checked = item.checkState(0) == Qt.CheckState.Checked
        exchange_id = item.data(0, EXCHANGE_ROLE)
        if exchange_id is not None:
            (self._excluded_exchanges.discard if checked else self._excluded_exchanges.add)(
                exchange_id)
        else:
            name = item.data(0, FILE_ROLE)
            (self._excluded_files.discard if checked else self._excluded_files.add)(name)
        self._replan_timer.start()

    def _show_current(self) -> None:
        item = self.tree.currentItem()
        if item is None or self.plan is None:
            return
        if item.data(0, EXCHANGE_ROLE) is not None:
            item = item.parent()
        planned = self.plan.file(item.data(0, FILE_ROLE))
        if planned is None:
            self.file_label.setText(f"{item.data(0, FILE_ROLE)} is left out of the bundle.")
            self.text.setPlainText("")
            self.stack.setCurrentWidget(self.text)
            return
        self.indent_json.setVisible(planned.name.endswith(".json"))
        shown = preview_text(planned, indent_json=self.indent_json.isChecked())
        # The shown text's markers are the file's (indenting moves them, it adds none).
        count = len(shown.markers) if shown is not None else 0
        self.file_label.setText(f"<b>{planned.name}</b> · {human_size(planned.size)} · "
                                f"{count} redactions · SHA-256 {planned.sha256[:16]}…")
        if shown is None:
            pixmap = QPixmap()
            pixmap.loadFromData(planned.data)
            self.image.setPixmap(pixmap.scaled(self.image.size(),
                                               Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
            self.stack.setCurrentWidget(self.image)
            return
        if shown.note:
            self.file_label.setText(f"{self.file_label.text()}<br><i>{shown.note}</i>")
        if shown.kind == "markdown":
            self.markdown.setMarkdown(shown.text)
            self._highlight_in(self.markdown, marker_texts(planned.text or "", shown.markers))
            self.stack.setCurrentWidget(self.markdown)
            return
        text = shown.text
        visible = text[:PREVIEW_LIMIT]
        if len(text) > PREVIEW_LIMIT:
            visible += (f"\n\n… {len(text) - PREVIEW_LIMIT:,} more characters are written but "
                        "not shown here.")
        self.text.setPlainText(visible)
        self._highlight([m for m in shown.markers if m.end <= PREVIEW_LIMIT])
        self.stack.setCurrentWidget(self.text)

    def _redaction_format(self) -> QTextCharFormat:
        style = QTextCharFormat()
        style.setBackground(QColor(colours().redaction_bg))
        style.setForeground(QColor(colours().text))
        return style

    def _highlight(self, markers: list) -> None:
        style = self._redaction_format()
        selections = []
        for marker in markers[:5000]:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(marker.start)
            cursor.setPosition(marker.end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = style
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def _highlight_in(self, view: QTextBrowser, texts: list[str]) -> None:
        """Mark each redaction, in order, in a rendered (Markdown) document."""
        style = self._redaction_format()
        document = view.document()
        cursor = QTextCursor(document)
        selections = []
        for text in texts[:5000]:
            found = document.find(text, cursor)
            if found.isNull():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = found
            selection.format = style
            selections.append(selection)
            cursor = found
        view.setExtraSelections(selections)

    # -- saving ---------------------------------------------------------------------------------

    def choose_and_save(self) -> None:
        if self.plan is None or not self.save_button.isEnabled():
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save diagnostic bundle",
                                              self._default_name, "Zip archives (*.zip)")
        if path:
            self.save_to(Path(path if path.endswith(".zip") else path + ".zip"))

    def save_to(self, path: Path) -> None:
        from desktop.ui.crash import spawn

        self.save_button.setEnabled(False)
        self._task = spawn(self._save(path), name="bundle-save")

    async def _save(self, path: Path) -> None:
        assert self.plan is not None
        try:
            await bundle_core.write_bundle_async(self.plan, path, self._set_progress)
        except OSError as exc:
            self.report_label.setText(f"<b style='color:{colours().fail}'>Could not write "
                                      f"{path}:</b> {exc.strerror or exc}. Nothing was "
                                      "changed; choose another place.")
            self.save_button.setEnabled(True)
            return
        self.saved_to = path
        self.accept()

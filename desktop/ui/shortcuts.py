"""Every keyboard shortcut, in one table: Help › Keyboard shortcuts shows it, docs list it.

The keys themselves are set where the actions live (the menus, each page);
a test checks that every shortcut the window binds is in this table and that
docs/shortcuts.md lists every row, so the three never drift apart.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    # (keys, where, what)
    ("Ctrl+1 … Ctrl+5", "Window", "Show Checklist, Composer, History, Webhooks, Rate limits"),
    ("Ctrl+B", "Window", "Show or hide the profile sidebar"),
    ("Ctrl+N", "Window", "New profile"),
    ("Ctrl+E, F2", "Window", "Edit the selected profile"),
    ("Ctrl+Shift+D", "Window", "Duplicate the selected profile"),
    ("Delete", "Profile list", "Delete the selected profile (asks first)"),
    ("Ctrl+Shift+E", "Window", "Export a diagnostic bundle (previewed before saving)"),
    ("Ctrl+I", "Window", "Import a Postman, Insomnia, OpenAPI or HAR file (previewed first)"),
    ("Ctrl+Shift+I", "Window", "Import a curl command into the Composer"),
    ("Ctrl+Shift+C", "Window", "Copy the Composer's request as curl, secrets redacted"),
    ("F1", "Window", "About Switchboard (versions, where files and secrets are)"),
    ("Ctrl+/", "Window", "This list of keyboard shortcuts"),
    ("Ctrl+Q", "Window", "Quit (stops the sandbox and receivers first)"),
    ("F5", "Checklist", "Run the checklist"),
    ("Shift+F5", "Checklist", "Re-run from the failed step"),
    ("Esc", "Checklist", "Stop the run"),
    ("Ctrl+Enter", "Composer", "Send the request (a second press sends despite lint errors)"),
    ("Esc", "Composer", "Cancel the request in flight, or a retry waiting for a 429"),
    ("Ctrl+T", "Composer", "New request (clears the previous answer)"),
    ("Ctrl+S", "Composer", "Save the request into a collection (in place when it came from one)"),
    ("Ctrl+Shift+S", "Composer", "Save the request as a new one: choose collection, folder, name"),
    ("Ctrl+F", "Composer", "Find in the response body"),
    ("Enter, Shift+Enter", "Body search", "Next match, previous match"),
    ("Ctrl+F", "History", "Filter the requests"),
    ("Esc", "History filter", "Clear the filter"),
    ("Enter", "History", "Open the selected request in the Composer"),
    ("Enter", "Collections", "Open the selected request in the Composer, variables filled in"),
    ("F2", "Collections", "Rename the selected collection, folder or request"),
    ("Delete", "Collections", "Delete the selected item (asks first; it goes to the trash)"),
    ("Alt+Up, Alt+Down", "Collections", "Move the selected request or folder up or down"),
    ("Alt+1, Alt+2, Alt+3", "Rate limits", "Chart the last 5 minutes, the last hour, all"),
    ("Ctrl+S", "Bundle preview", "Save the bundle"),
    ("Tab, Shift+Tab", "Everywhere", "Move between controls; Space or Enter activates one"),
    ("Menu key, Shift+F10", "Lists", "The context menu of the selected row or profile"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        intro = QLabel("Every action is also in a menu or on a button; Tab moves between "
                       "controls and the focused one is outlined.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(SHORTCUTS), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Where", "What"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setAccessibleDescription("Keys, where they work, and what they do")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for row, values in enumerate(SHORTCUTS):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip("Close this list (Esc)")
        layout.addWidget(buttons)


def show_shortcuts(parent: QWidget) -> ShortcutsDialog:
    dialog = ShortcutsDialog(parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog

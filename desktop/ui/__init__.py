"""Switchboard's window: PySide6 widgets and item models, thin views over desktop.core."""

from desktop.ui.pyside_source_scan import scan_without_caching

scan_without_caching()  # before any other module of the window is imported: see its docstring

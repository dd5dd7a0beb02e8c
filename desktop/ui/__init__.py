"""Switchboard's window: PySide6 widgets and item models, thin views over desktop.core."""

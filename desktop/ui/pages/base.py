"""A page: an empty state until it has content, and a hook for the active profile."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedLayout, QWidget

from desktop.core.profiles import Profile
from desktop.ui.context import AppContext
from desktop.ui.widgets.empty_state import EmptyState


class Page(QWidget):
    title = "Page"
    object_name = "page"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(self.object_name)
        self._stack = QStackedLayout(self)
        self.empty = self.make_empty_state()
        self._stack.addWidget(self.empty)
        ctx.active_profile_changed.connect(self.on_profile_changed)

    def make_empty_state(self) -> EmptyState:
        raise NotImplementedError

    def set_content(self, widget: QWidget) -> None:
        self._stack.addWidget(widget)

    def show_empty(self, empty: bool) -> None:
        self._stack.setCurrentIndex(0 if empty or self._stack.count() == 1 else 1)

    @property
    def showing_empty_state(self) -> bool:
        return self._stack.currentIndex() == 0

    def on_profile_changed(self, profile: Profile | None) -> None:
        """Override to follow the selected profile."""

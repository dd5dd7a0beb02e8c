"""“Break the sandbox”: its fault switches as a menu, so a newcomer can watch a diagnosis."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

BREAK_TIP = ("Turn on one of the sandbox's faults and run the checklist again to see the "
             "symptom and its diagnosis")


class SandboxFaultsButton(QToolButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sandboxFaults")
        self.setText("Break the sandbox")
        self.setToolTip(BREAK_TIP)
        self.setAccessibleDescription(BREAK_TIP)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self._sandbox = None
        self.actions_by_name: dict[str, QAction] = {}

    def bind(self, sandbox: object | None) -> None:
        """Rebuild the menu from a running Sandbox's fault list (None: disabled)."""
        self._sandbox = sandbox
        self.menu_.clear()
        self.actions_by_name.clear()
        self.setEnabled(sandbox is not None)
        if sandbox is None:
            return
        from desktop.sandbox.faults import FAULTS

        for fault in FAULTS:
            action = QAction(fault.name.replace("_", " "), self)
            action.setCheckable(True)
            action.setChecked(sandbox.faults.is_on(fault.name))
            action.setToolTip(fault.description)
            action.setStatusTip(fault.description)
            action.toggled.connect(lambda on, name=fault.name: self._toggle(name, on))
            self.menu_.addAction(action)
            self.actions_by_name[fault.name] = action
        self.menu_.setToolTipsVisible(True)
        self.menu_.addSeparator()
        reset = QAction("Reset the sandbox", self)
        reset.triggered.connect(self._reset)
        self.menu_.addAction(reset)
        sandbox.faults.changed.connect(lambda _enabled: self._sync())
        self._update_text()

    def _toggle(self, name: str, on: bool) -> None:
        if self._sandbox is not None and self._sandbox.faults.is_on(name) != on:
            self._sandbox.faults.set(name, on)
        self._update_text()

    def _sync(self) -> None:
        if self._sandbox is None:
            return
        for name, action in self.actions_by_name.items():
            on = self._sandbox.faults.is_on(name)
            if action.isChecked() != on:
                action.blockSignals(True)
                action.setChecked(on)
                action.blockSignals(False)
        self._update_text()

    def _reset(self) -> None:
        from desktop.ui.crash import spawn

        if self._sandbox is not None:
            spawn(self._sandbox.reset(), name="sandbox-reset")

    def _update_text(self) -> None:
        if self._sandbox is None:
            return
        from desktop.core.window_text import fault_words, faults_label
        from desktop.sandbox.faults import DEFAULT_FAULTS

        broken = sorted(set(self._sandbox.faults.enabled()) - set(DEFAULT_FAULTS))
        self.setText(faults_label(broken))
        on = "\n".join(f"• {fault_words(name)}" for name in broken)
        self.setToolTip(f"Faults on:\n{on}\n\nOpen to switch them off or reset the sandbox."
                        if broken else BREAK_TIP)
        self.setAccessibleDescription(self.toolTip())

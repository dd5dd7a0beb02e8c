"""The floor for start-up and memory: a bare PySide6 QMainWindow, shown and painted once.

Prints ``first paint: X s`` (like ``switchboard --smoke``) once the first
paint event has been processed, then either exits or, with ``--hold S``,
idles S seconds first so the parent can read its resident memory.
Nothing of Switchboard is imported: this is what any PySide6 window costs.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class _FirstPaint(QObject):
    def __init__(self, app: QApplication, hold: float) -> None:
        super().__init__()
        self.app, self.hold, self.done = app, hold, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, self._painted)  # after the paint has been processed
        return False

    def _painted(self) -> None:
        print(f"first paint: {time.perf_counter():.3f}", flush=True)
        QTimer.singleShot(int(self.hold * 1000), self.app.quit)


def main() -> int:
    hold = float(sys.argv[sys.argv.index("--hold") + 1]) if "--hold" in sys.argv else 0.0
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("floor")
    window.setCentralWidget(QLabel("A bare PySide6 window"))
    window.resize(1200, 780)
    watcher = _FirstPaint(app, hold)
    window.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

"""A reference point for idle memory (not a floor): the bare window on the qasync loop.

Everything Switchboard does runs on an asyncio loop inside Qt's (qasync), and
importing asyncio imports ssl, which loads and initialises OpenSSL. This
window pays exactly that and nothing of Switchboard: with ``--hold S`` it
prints ``first paint: X s`` once painted and idles S seconds on the loop, so
the start-up figure can say how much of the idle RSS the loop itself takes.
"""

from __future__ import annotations

import asyncio
import sys
import time

import qasync
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class _FirstPaint(QObject):
    def __init__(self, painted: asyncio.Event) -> None:
        super().__init__()
        self.painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted.set()
        return False


async def _run(hold: float) -> None:
    painted = asyncio.Event()
    window = QMainWindow()
    window.setWindowTitle("floor")
    window.setCentralWidget(QLabel("A bare PySide6 window on the qasync loop"))
    window.resize(1200, 780)
    watcher = _FirstPaint(painted)
    window.installEventFilter(watcher)
    window.show()
    await painted.wait()
    await asyncio.sleep(0)  # after the paint has been processed
    print(f"first paint: {time.perf_counter():.3f}", flush=True)
    await asyncio.sleep(hold)


def main() -> int:
    hold = float(sys.argv[sys.argv.index("--hold") + 1]) if "--hold" in sys.argv else 0.0
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_run(hold))
    return 0


if __name__ == "__main__":
    sys.exit(main())

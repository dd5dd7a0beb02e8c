"""Where the time went: connect, TLS, send, wait for the server, receive, as bars.

A long "waiting" is the server thinking; a long "connect" is the network or
a firewall. Phases the transport did not report are shown as "—".
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.core.exchange import Timings
from desktop.ui.composer.units import human_ms

PHASES = (
    ("connect_ms", "Connect (incl. DNS)"),
    ("tls_ms", "TLS handshake"),
    ("send_ms", "Send request"),
    ("wait_ms", "Wait for the server"),
    ("receive_ms", "Receive body"),
)


class TimingsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        self.values: dict[str, QLabel] = {}
        self.bars: dict[str, QProgressBar] = {}
        for row, (field, label) in enumerate((*PHASES, ("total_ms", "Total"))):
            grid.addWidget(QLabel(label), row, 0)
            value = QLabel("—")
            value.setMinimumWidth(70)
            self.values[field] = value
            grid.addWidget(value, row, 1)
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(10)
            bar.setRange(0, 1000)
            self.bars[field] = bar
            grid.addWidget(bar, row, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)

    def set_timings(self, timings: Timings | None) -> None:
        total = timings.total_ms if timings is not None else 0.0
        for field, value in self.values.items():
            ms = getattr(timings, field) if timings is not None else None
            value.setText(human_ms(ms))
            share = (ms or 0.0) / total if total > 0 else 0.0
            self.bars[field].setValue(round(min(1.0, share) * 1000))

"""History's detail pane: the selected Exchange in a few lines, and the way to the Composer.

A row says little (a path, a status); the pane says when it happened (with
the date), for which profile and checklist step, how long it took, the
request id support asks for, and each finding with its next action. The
empty pane says what to select.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.core.exchange import Exchange
from desktop.core.palette import Colours
from desktop.core.richtext import escape
from desktop.core.window_text import display_url
from desktop.ui.composer.units import human_ms
from desktop.ui.theme import bind

EMPTY = ("Select a request in the list above to see its details here; Enter or a double-click "
         "opens it in the Composer.")


def exchange_html(exchange: Exchange, c: Colours) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(exchange.started_at))
    status = (f"{exchange.response.status} {escape(exchange.response.reason)}"
              if exchange.response is not None else
              f"no response: {escape(exchange.error.message if exchange.error else '?')}")
    facts = [("When", when), ("Profile", escape(exchange.profile or "—")),
             ("Step", escape(exchange.step or "—")), ("Status", status),
             ("Took", human_ms(exchange.duration_ms)),
             ("Request id", escape(exchange.request_id or "—"))]
    rows = "".join(f"<tr><td style='color:{c.muted};padding-right:12px'>{name}</td>"
                   f"<td>{value}</td></tr>" for name, value in facts)
    parts = [f"<p><b>{escape(exchange.request.method)}</b> "
             f"{escape(display_url(exchange.request.url))}</p>",
             f"<table cellspacing='1'>{rows}</table>"]
    for finding in exchange.findings[:5]:
        advice = (f"<br><b>Next:</b> {escape(finding.next_action)}"
                  if finding.next_action else "")
        parts.append(f"<p><b>{escape(finding.title)}</b>{advice}</p>")
    parts.append(f"<p><a href='exchange:{exchange.id}'>Open in the Composer</a> "
                 f"<span style='color:{c.muted}'>(Enter)</span></p>")
    return "".join(parts)


class ExchangeDetail(QTextBrowser):
    open_requested = Signal(int)
    """An Exchange id: the user followed "Open in the Composer"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDetail")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._link)
        self.setAccessibleName("Request detail")
        self.setAccessibleDescription("The selected request: when, status, timing, request id "
                                      "and findings; Tab reaches its link to the Composer")
        self.exchange: Exchange | None = None
        bind(self, lambda c: self._render(c))

    def show_exchange(self, exchange: Exchange | None) -> None:
        self.exchange = exchange
        from desktop.ui.theme import colours

        self._render(colours())

    def _render(self, c: Colours) -> None:
        if self.exchange is None:
            self.setHtml(f"<p style='color:{c.muted}'>{EMPTY}</p>")
        else:
            self.setHtml(exchange_html(self.exchange, c))

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "exchange":
            self.open_requested.emit(int(url.path()))

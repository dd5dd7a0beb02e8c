"""Figure 4: History with 100,000 Exchanges: filter keystroke to repaint, memory per Exchange.

The table is the History page's when the page has a filter box and a table
over ``HistoryModel``; until then a QTableView over ``HistoryModel``
(desktop/ui/models/history_model.py) stands in, and the figure says so.
A keystroke is: set the filter text (the page's box, or the model's
``set_filter``), wait for the model to take it if the page debounces, then
``view.viewport().repaint()``. Floor: the same repaint with no filter change.

Memory: tracemalloc's growth over building the Exchanges, adding them to
``History`` and taking them into the model, minus the bodies (bytes objects
included), divided by the count.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from tests.benchmarks.data import body_bytes, history_exchanges
from tests.benchmarks.measure import Budget, Figure, percentile

TYPED = ("w", "wh", "who", "whoa", "whoam", "whoami", "whoam", "whoa", "who", "wh", "w", "",
         "s", "se", "sen", "send", "send 4", "send 42", "send 4", "send", "",
         "4", "4x", "4xx", "", "status:429", "", "method:get", "")
"""A user typing, correcting and clearing, including a field filter and a status class."""


def _table(history):  # -> (set_text, view, model, where, widget to close)
    """The History page's filter path and table when they exist, else a stand-in."""
    from PySide6.QtWidgets import QLineEdit, QTableView

    try:
        from desktop.core.workspace import Workspace
        from desktop.ui.context import AppContext
        from desktop.ui.pages.history import HistoryPage

        workspace = Workspace()
        workspace.history = history
        page = HistoryPage(AppContext(workspace))
        edit, view = page.findChild(QLineEdit), page.findChild(QTableView)
        model = view.model() if view is not None else None
        apply = getattr(page, "apply_filter", None)
        if edit is not None and model is not None and getattr(model, "history", None) is history:
            page.resize(1200, 700)
            page.show()

            def set_text(text: str) -> None:
                edit.setText(text)  # what a keystroke does: textChanged starts the debounce
                if apply is not None:
                    apply()  # what the debounce timer then calls (its idle wait excluded)

            delay = getattr(getattr(page, "_filter_timer", None), "interval", lambda: 0)()
            where = "the History page's filter box and table" + (
                f" (its {delay} ms debounce wait not counted)" if delay else "")
            return set_text, view, model, where, page
        note = "the History page has no filter box over HistoryModel yet; "
    except Exception as exc:  # the page is still being built: measure the model instead
        note = f"History page unusable ({type(exc).__name__}: {exc}); "
    from desktop.ui.models.history_model import HistoryModel

    model = HistoryModel(history)
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    return model.set_filter, view, model, note + "a QTableView over HistoryModel", view


def measure(runs: int, quick: bool) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    from desktop.core.history import History

    count = 5_000 if quick else 100_000
    app = QApplication.instance() or QApplication([])

    # -- memory: build, add, take into the model, all under tracemalloc -----------------------
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    history = History()
    exchanges = list(history_exchanges(count))
    history.extend(exchanges)
    try:
        from desktop.ui.models.history_model import HistoryModel

        probe = HistoryModel(history)
        probe.take_new_rows()
        model_note = "History + HistoryModel"
    except ImportError:
        probe = None
        model_note = "core History only (desktop/ui/models/history_model.py not there yet)"
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    bodies = sum(body_bytes(e) for e in exchanges)
    per_exchange = (after - before - bodies) / count
    if probe is not None:
        probe.close()
    del exchanges, probe

    # -- time: insertion (info), then keystrokes --------------------------------------------
    again = list(history)
    began = time.perf_counter()
    History().extend(again)
    insert_seconds = time.perf_counter() - began
    del again

    set_text, view, model, where, keep = _table(history)
    app.processEvents()
    keystrokes: list[float] = []
    repaints: list[float] = []
    slowest: dict[str, float] = {}

    def repaint() -> float:
        started = time.perf_counter()
        view.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    def keystroke(text: str) -> float:
        started = time.perf_counter()
        set_text(text)
        deadline = started + 2.0
        while getattr(model, "filter_text", text) != text and time.perf_counter() < deadline:
            app.processEvents()  # a debounced page applies the filter on its timer
        view.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    keystroke("")
    for _ in range(runs):
        for text in TYPED:
            repaints.append(repaint())
            ms = keystroke(text)
            keystrokes.append(ms)
            slowest[text or "(cleared)"] = max(ms, slowest.get(text or "(cleared)", 0.0))
    keep.close()

    worst = sorted(slowest.items(), key=lambda item: -item[1])[:4]
    return [
        Figure("history.filter_repaint", "History filter keystroke to repaint", "ms",
               Budget("max", 50.0), values=keystrokes, floor=repaints,
               floor_title="the same repaint without a filter change",
               notes=[f"{count:,} Exchanges in {where}",
                      f"p95 {percentile(keystrokes, 95):.1f} ms, max {max(keystrokes):.1f} ms; "
                      "slowest: " + ", ".join(f"{t!r} {ms:.0f} ms" for t, ms in worst)],
               details={"typed": list(TYPED), "slowest": dict(worst)}),
        Figure("history.memory_per_exchange", "History memory per Exchange beyond bodies", "B",
               Budget("max", 2048.0), values=[per_exchange],
               notes=[f"tracemalloc over {count:,} Exchanges: {model_note}; bodies "
                      f"{bodies / count:.0f} B each subtracted"],
               details={"traced_bytes": after - before, "body_bytes": bodies}),
        Figure("history.insert", f"History.extend of {count:,} Exchanges", "s", Budget("info"),
               values=[insert_seconds]),
    ]

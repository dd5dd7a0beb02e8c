"""The History page: live rows, a filter that stays fast at 100,000 entries, reopening.

Correctness is asserted; the time from filter keystroke to repaint is only
measured and printed (``pytest -s``): timings are not assertions here.
"""

from __future__ import annotations

import time

import pytest

from desktop.core.exchange import Exchange, RequestRecord, ResponseRecord, Timings
from desktop.core.finding import Finding, Severity
from desktop.core.history import History
from tests.factories import make_error_exchange, make_exchange

BASE = "https://api.example.test"
PATHS = ("/api/core/whoami", "/api/core/numbers", "/api/core/messages/send", "/api/auth/token")
STATUSES = (200, 202, 400, 401, 404, 429, 500)
NOT_FOUND = Finding(code="x.not_found", severity=Severity.ERROR,
                    title="404 NOT_FOUND: the path does not exist.")


def synthetic(count: int) -> list[Exchange]:
    """``count`` Exchanges cycling through methods, paths and statuses (shared records)."""
    requests = [RequestRecord("POST" if "send" in p or "token" in p else "GET", BASE + p)
                for p in PATHS]
    responses = {s: ResponseRecord(status=s) for s in STATUSES}
    exchanges = []
    for n in range(count):
        status = STATUSES[n % len(STATUSES)]
        exchanges.append(Exchange(
            request=requests[n % len(PATHS)], started_at=1_700_000_000.0 + n,
            response=responses[status], timings=Timings(total_ms=float(n % 300)),
            profile="Sandbox" if n % 2 else "Staging EU", request_id=f"req_{n:06d}",
            findings=[NOT_FOUND] if status == 404 else []))
    return exchanges


@pytest.fixture
def model(qapp):
    from desktop.ui.models.history_model import HistoryModel

    history = History()
    model = HistoryModel(history)
    yield model
    model.close()


def test_100000_exchanges_filter_correctly_and_the_model_answers_for_the_filtered_set(
        qtbot, ctx) -> None:
    from desktop.ui.models.history_model import PATH, STATUS
    from desktop.ui.pages.history import HistoryPage

    exchanges = synthetic(100_000)
    ctx.workspace.history.extend(exchanges)
    page = HistoryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 100_000)
    assert page.count.text() == "100,000 requests"

    expected_4xx = [n for n, e in enumerate(exchanges) if 400 <= e.status < 500]
    timings = {}
    queries = ("status:4xx", "whoami", "method:POST 5xx", "profile:staging status:404",
               "nothing-at-all")
    for text in queries:
        started = time.perf_counter()
        page.filter.setText(text)
        page.apply_filter()  # the debounce, skipped: measure the work itself
        page.table.viewport().repaint()
        timings[text] = (time.perf_counter() - started) * 1000
        if text == "status:4xx":
            assert model.rowCount() == len(expected_4xx)
            assert page.count.text() == f"{len(expected_4xx):,} of 100,000"
            last = model.rowCount() - 1
            assert model.exchange_at(last) is exchanges[expected_4xx[-1]]
            assert model.data(model.index(last, STATUS)) == str(exchanges[expected_4xx[-1]].status)

        elif text == "whoami":
            assert model.rowCount() == 25_000
            assert {model.data(model.index(r, PATH)) for r in (0, 1, 24_999)} == \
                {"/api/core/whoami"}
        elif text == "method:POST 5xx":
            rows = [model.exchange_at(r) for r in range(model.rowCount())]
            assert rows
            assert all(e.request.method == "POST" and e.status == 500 for e in rows)
        elif text == "profile:staging status:404":
            rows = [model.exchange_at(r) for r in range(model.rowCount())]
            assert all(e.profile == "Staging EU" and e.status == 404 for e in rows)
            assert model.data(model.index(0, 6)) == NOT_FOUND.title
        else:
            assert model.rowCount() == 0
            assert model.exchange_at(0) is None
    page.filter.clear()
    page.apply_filter()
    assert model.rowCount() == 100_000
    print("\nfilter keystroke → repaint, 100,000 entries: "
          + ", ".join(f"{text!r} {ms:.0f} ms" for text, ms in timings.items()))


def test_a_burst_of_exchanges_in_one_turn_is_inserted_as_one_block(qtbot, model) -> None:
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    for exchange in synthetic(500):
        model.history.append(exchange)
    assert model.rowCount() == 0  # not yet: the zero-timer has not fired
    qtbot.waitUntil(lambda: model.rowCount() == 500)
    assert inserted == [(0, 499)]


def test_new_rows_respect_the_active_filter(qtbot, model) -> None:
    model.history.extend(synthetic(14))
    model.set_filter("status:404")
    assert model.rowCount() == 2
    for exchange in synthetic(7):  # one more 404 among them
        model.history.append(exchange)
    qtbot.waitUntil(lambda: model.total == 21)
    assert model.rowCount() == 3
    assert model.exchange_at(2).status == 404


def test_a_transport_error_shows_in_the_status_column_in_red(model) -> None:
    from desktop.ui.models.history_model import STATUS, STATUS_COLOURS

    failed = make_error_exchange()
    model.history.extend([failed])
    model.take_new_rows()
    index = model.index(0, STATUS)
    assert model.data(index) == "✗ connect refused"
    from PySide6.QtCore import Qt

    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == STATUS_COLOURS["error"]
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "[Errno 111] Connection refused"
    assert model.data(model.index(0, 6)) == "Nothing is listening at the base URL"


def test_updates_and_clearing_reach_the_table(qtbot, model) -> None:
    exchange = synthetic(1)[0]
    model.history.append(exchange)
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    with qtbot.waitSignal(model.dataChanged):
        exchange.findings.append(NOT_FOUND)
        model.history.refresh(exchange)
    assert model.data(model.index(0, 6)) == NOT_FOUND.title
    with qtbot.waitSignal(model.modelReset):
        model.history.clear()
    assert model.rowCount() == 0


def test_the_filter_box_is_debounced_and_the_page_shows_its_counts(qtbot, ctx) -> None:
    from desktop.ui.pages.history import HistoryPage

    page = HistoryPage(ctx)
    qtbot.addWidget(page)
    assert page.showing_empty_state
    ctx.workspace.history.extend(synthetic(70))
    qtbot.waitUntil(lambda: not page.showing_empty_state)
    qtbot.keyClicks(page.filter, "429")
    assert page.model.filter_text == ""  # typing does not filter on every key
    qtbot.waitUntil(lambda: page.model.filter_text == "429")
    assert page.count.text() == "10 of 70"


@pytest.mark.parametrize("filtered", [False, True], ids=["all rows", "filtered"])
def test_dropping_the_oldest_keeps_the_table_in_step_with_history(qtbot, qapp, filtered):
    from desktop.ui.models.history_model import HistoryModel

    history = History(capacity=50, body_budget=None)
    model = HistoryModel(history)
    try:
        history.extend(synthetic(40))
        model.take_new_rows()
        if filtered:
            model.set_filter("status:404")
        for exchange in synthetic(30):  # past 50: the oldest go
            history.append(exchange)
        model.take_new_rows()
        assert history.dropped > 0
        assert model.total == len(history)
        for row in range(model.rowCount()):
            exchange = model.exchange_at(row)
            assert exchange is not None
            assert history.row_of(exchange.id) is not None
            if filtered:
                assert exchange.status == 404
        expected = sum(1 for e in history if e.status == 404) if filtered else len(history)
        assert model.rowCount() == expected
    finally:
        model.close()


def test_a_url_password_or_secret_query_value_is_not_shown_in_the_table(model) -> None:
    """A screenshot of the History holds no secret (the exchange itself keeps the URL)."""
    from PySide6.QtCore import Qt

    from desktop.ui.models.history_model import PATH

    url = "https://bob:Hunter2-canary@api.example.test/v1/messages?api_key=K3y-canary-77&to=1"
    model.history.extend([make_exchange(method="GET", url=url)])
    model.take_new_rows()
    index = model.index(0, PATH)
    shown = model.data(index)
    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert shown == "/v1/messages?api_key=[REDACTED:api_key]&to=1"
    assert "Hunter2-canary" not in tip
    assert "K3y-canary-77" not in tip
    assert tip.startswith("https://bob:[REDACTED:password]@api.example.test/v1/messages")


def test_the_detail_pane_shows_the_url_without_its_password_or_secret_query_value(qapp) -> None:
    """The pane under the table is in the same screenshot as the table."""
    from desktop.ui.pages.history_detail import ExchangeDetail

    url = "https://bob:Hunter2-canary@api.example.test/v1/messages?api_key=K3y-canary-77&to=1"
    detail = ExchangeDetail()
    detail.show_exchange(make_exchange(method="GET", url=url))
    shown = detail.toPlainText()
    assert "Hunter2-canary" not in shown
    assert "K3y-canary-77" not in shown
    assert "api_key=[REDACTED:api_key]&to=1" in shown
    assert "[REDACTED:password]@api.example.test" in shown

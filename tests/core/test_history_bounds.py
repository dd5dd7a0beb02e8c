"""History stays bounded in a long session: the oldest Exchanges go, in batches, and views hear."""

from __future__ import annotations

from desktop.core.exchange import ResponseRecord
from desktop.core.history import TRIM_FRACTION, History
from tests.factories import make_exchange


def test_past_its_capacity_history_drops_the_oldest_tenth_at_once():
    history = History(capacity=100, body_budget=None)
    trims: list[int] = []
    history.trimmed.connect(trims.append)
    exchanges = [make_exchange(url=f"https://api.example.test/n/{i}") for i in range(101)]
    for exchange in exchanges:
        history.append(exchange)
    assert trims == [101 // TRIM_FRACTION]
    assert len(history) == 101 - trims[0]
    assert history[0] is exchanges[trims[0]]
    assert history.dropped == trims[0]


def test_rows_and_ids_stay_right_after_a_trim():
    history = History(capacity=10, body_budget=None)
    exchanges = [make_exchange(url=f"https://api.example.test/n/{i}") for i in range(25)]
    for exchange in exchanges:
        history.append(exchange)
    for exchange in exchanges:
        row = history.row_of(exchange.id)
        if row is None:
            assert history.by_id(exchange.id) is None
        else:
            assert history[row] is exchange
            assert history.by_id(exchange.id) is exchange
    assert history.row_of(exchanges[0].id) is None
    newest = exchanges[-1]
    assert history.filter(f"/n/{len(exchanges) - 1}") == [history.row_of(newest.id)]


def test_the_body_budget_drops_enough_of_the_oldest_to_fit():
    big = b"x" * 1000
    history = History(capacity=None, body_budget=5000)
    for i in range(6):
        history.append(make_exchange(url=f"https://api.example.test/b/{i}",
                                     response=ResponseRecord(status=200, body=big)))
    assert sum(len(e.response.body) for e in history) <= 5000
    assert history.dropped >= 1


def test_a_bulk_load_past_capacity_keeps_the_newest():
    history = History(capacity=1000, body_budget=None)
    exchanges = [make_exchange(url=f"https://api.example.test/n/{i}") for i in range(5000)]
    history.extend(exchanges)
    assert len(history) <= 1000
    assert history[len(history) - 1] is exchanges[-1]


def test_an_updated_exchange_after_a_trim_refreshes_its_own_row():
    history = History(capacity=10, body_budget=None)
    exchanges = [make_exchange(url=f"https://api.example.test/n/{i}") for i in range(15)]
    for exchange in exchanges:
        history.append(exchange)
    seen: list = []
    history.updated.connect(seen.append)
    history.refresh(exchanges[-1])
    history.refresh(exchanges[0])  # dropped: nothing to refresh
    assert seen == [exchanges[-1]]

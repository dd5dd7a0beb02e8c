"""A minimal observer: core objects announce changes without knowing about Qt.

The UI bridges these to Qt signals; the CLI subscribes with plain functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Event(Generic[T]):
    """A list of callbacks called in order with one argument.

    A failing callback is logged and does not stop the others: one broken
    view must not silence the rest of the app.
    """

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> Callable[[], None]:
        self._callbacks.append(callback)

        def disconnect() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return disconnect

    def emit(self, value: T) -> None:
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception:
                log.exception("observer %r failed", callback)

    def __len__(self) -> int:
        return len(self._callbacks)

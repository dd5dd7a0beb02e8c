"""Escape text for Qt's rich-text labels and browsers.

``html.escape`` does the same, but importing ``html`` imports ``html.entities``
(2,231 named references for ``unescape``, which nothing here calls): about
0.5 MiB of an idle window for the five characters the checklist's first
detail pane needs escaped (tests/benchmarks, idle RSS). The result is
identical to ``html.escape`` (tests/core/test_richtext.py holds it to that).
"""

from __future__ import annotations

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "'": "&#x27;"})


def escape(text: str, quote: bool = True) -> str:
    """``text`` with ``& < >`` (and, with ``quote``, both quote marks) as references."""
    return text.translate(_ATTRIBUTE if quote else _TEXT)

"""Which segments of known secrets a text may hold: one RE2 set over all their anchors.

Each ``Segment`` (``known``) once carried its own RE2 set. RE2 keeps every
DFA state a search visits, per automaton, for the automaton's life, so a
session that learns a token a checklist run grew by about 0.6 MiB per token
as texts were redacted (tests/benchmarks, soak: the C heap in use grew 45
MiB in ten minutes, most of the window's growth over its working day). One
set for all segments, one pattern per segment, has one state cache, bounded
by ``GATE_MEMORY`` however many secrets are learned: RE2 empties it when it
is full and goes on, slower for a moment, never wrong.

The patterns are case-insensitive and allow a line break between any two
characters of an anchor (a wrapped secret still shows its anchor); one more
pattern says whether the text has escapes or entities, and then the decoded
text is asked too. A DFA scans at C speed, three times faster than one
``in`` per anchor, and needs no lowercased or flattened copy.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from desktop.core.redact.views import re2_text, search_set, unescape

GATE_MEMORY = 32 << 20
"""RE2's budget for the set: its program, and the DFA states it caches."""
_ANCHOR_BREAK = r"(?:[\r\n]|\\[rn])*[ \t]*"
"""What wrapping may put between two characters of an anchor (``views.LINE_BREAK``)."""
_ESCAPES = r"\\u[0-9a-fA-F]{4}|\\/|&#|&[A-Za-z][A-Za-z0-9]{1,31};"
"""What ``views.escaped`` looks for: the set's last pattern."""


class Anchored(Protocol):
    @property
    def anchors(self) -> tuple[str, ...]: ...


def _anchors_pattern(anchors: Sequence[str]) -> str:
    return "|".join(_ANCHOR_BREAK.join(re.escape(char) for char in anchor) for anchor in anchors)


def _compile(anchors: tuple[tuple[str, ...], ...]) -> Callable[[str], list[int]] | None:
    """The set's matcher, or None when RE2 cannot hold it (then every segment is searched:
    slower, never unredacted)."""
    import re2

    patterns = [*map(_anchors_pattern, anchors), _ESCAPES]
    try:
        match = search_set(patterns, case_sensitive=False, max_mem=GATE_MEMORY)
    except re2.error:
        return None
    # A DFA that cannot start within its budget matches nothing, silently: make sure.
    if 0 not in match(anchors[0][0]):
        return None
    return match


class KnownGate:
    """The segments whose anchors occur in a text, or in its decoded view."""

    def __init__(self, segments: Sequence[Anchored]) -> None:
        self._segments = tuple(segments)
        self._escapes = len(self._segments)
        self._match = _compile(tuple(s.anchors for s in self._segments)) if segments else None

    def live(self, text: str) -> list[Any]:
        """The segments worth searching ``text`` with (in their order; none when empty)."""
        if self._match is None:
            return list(self._segments)
        try:
            found = self._match(text)
        except UnicodeEncodeError:  # lone surrogates from a body that is not UTF-8
            found = self._match(re2_text(text))
        live = {index for index in found if index < self._escapes}
        if self._escapes in found and len(live) < self._escapes:
            decoded = re2_text(unescape(text))
            live.update(index for index in self._match(decoded) if index < self._escapes)
        return [self._segments[index] for index in sorted(live)]


_gates: weakref.WeakValueDictionary[tuple[Any, ...], KnownGate] = weakref.WeakValueDictionary()
_gates_lock = threading.Lock()  # redactors are used from bundle and journal threads too


def gate_for(segments: tuple[Any, ...]) -> KnownGate:
    """One gate per set of segments, shared by the redactors that know the same secrets
    (the session's, the log's, the journal's) and gone with the last of them: a gate
    kept for a set nobody uses any more would keep its state cache too."""
    with _gates_lock:
        gate = _gates.get(segments)
        if gate is None:
            gate = _gates[segments] = KnownGate(segments)
        return gate


__all__ = ["GATE_MEMORY", "KnownGate", "gate_for"]

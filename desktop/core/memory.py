"""Hand the C allocator's free pages back to the system after a large, short-lived peak.

glibc's malloc keeps memory that was freed inside its heap for reuse rather
than returning it, and the dynamic mmap threshold moves large buffers into
that heap after the first few are freed. A bundle export renders megabytes
of JSON and drops them a second later; without this, the window's resident
memory stepped up at each export and stayed there (tests/benchmarks, soak).
``malloc_trim(0)`` releases every free page of every arena: a few
milliseconds, and only called after such a peak, never on a hot path.

Elsewhere (macOS, Windows, musl) there is no such call and this does nothing:
their allocators return large free blocks on their own.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)


@functools.cache
def _glibc(name: str, restype: Any, *argtypes: Any) -> Any:
    """glibc's function ``name`` with its signature, or None elsewhere (macOS, Windows,
    musl, a glibc too old to have it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None), name, None)
    except OSError:
        return None
    if function is not None:
        function.restype = restype
        function.argtypes = list(argtypes)
    return function


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def c_heap() -> tuple[int, int] | None:
    """Bytes the C allocator has handed out and bytes it holds free, or None where it
    cannot say. The first is what Python's tracemalloc cannot see (Qt's objects, RE2's
    caches): the soak benchmark and the redactor's memory test read it."""
    mallinfo2 = _glibc("mallinfo2", _MallInfo2)  # glibc 2.33 and later
    if mallinfo2 is None:
        return None
    current = mallinfo2()
    return current.uordblks + current.hblkhd, current.fordblks


def release_free_memory() -> bool:
    """Return the allocator's free pages to the system; True if anything was released."""
    trim = _glibc("malloc_trim", ctypes.c_int, ctypes.c_size_t)
    if trim is None:
        return False
    try:
        return bool(trim(0))
    except OSError:  # a libc that exports the name but fails the call
        log.debug("malloc_trim failed", exc_info=True)
        return False

"""HAR entries rendered in worker processes, for large bundles.

Redaction is pure Python and holds the GIL: on a 10,000-Exchange bundle it
is most of the export, and threads cannot share it out. Worker processes
can. Each worker is started explicitly (``python -m desktop.core.bundle_workers``,
or ``switchboard --bundle-worker`` in a frozen app) rather than through
multiprocessing, whose spawn mode re-imports the caller's ``__main__``: a
script embedding the core without an ``if __name__ == "__main__"`` guard
would start itself again. Over a pipe, a worker receives pickled
(redactor, Exchanges) slices and answers each with the slice's HAR entries
as bytes and what it redacted, by kind. Small bundles are rendered in
process: starting workers costs more than it saves.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Sequence
from typing import IO, Any

from desktop.core.exchange import Exchange
from desktop.core.har import dump_entry, har_entry
from desktop.core.redact import Redactor

log = logging.getLogger(__name__)

PARALLEL_MIN = 2000
"""Fewer Exchanges than this are rendered in process."""
SLICE = 250
WORKER_FLAG = "--bundle-worker"
_LENGTH = struct.Struct("!Q")


Rendered = tuple[list[bytes], dict[str, int], str | None]
"""A slice's entries, its redaction counts by kind, and the kind of a secret that survived
redaction (the safety scan, done here on each entry) or None."""


def render_slice(redactor: Redactor, exchanges: Sequence[Exchange]) -> Rendered:
    """In a worker: render, then scan each entry for known secrets as the bundle would."""
    work = redactor.spawn()
    entries = [dump_entry(har_entry(exchange, work)) for exchange in exchanges]
    leaked = next((kind for entry in entries
                   if (kind := work.find_known_secret(entry)) is not None), None)
    return entries, work.report.by_kind(), leaked


def workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


# -- the pipe protocol: 8-byte length, then a pickle -----------------------------------------


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError("the other side closed the pipe")
    (size,) = _LENGTH.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other side closed the pipe mid-message")
    return pickle.loads(data)


def serve(stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> int:
    """A worker's main loop: answer slices until the pipe closes."""
    source, sink = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    while True:
        try:
            redactor, exchanges = _receive(source)
        except EOFError:
            return 0
        _send(sink, render_slice(redactor, exchanges))


def _command() -> list[str]:
    if getattr(sys, "frozen", False):  # the frozen app: its own binary has the worker mode
        return [sys.executable, WORKER_FLAG]
    return [sys.executable, "-m", "desktop.core.bundle_workers"]


# -- the caller's side ------------------------------------------------------------------------


def _drive_worker(pending: deque[tuple[int, Sequence[Exchange]]], redactor: Redactor,
                  results: list[list[bytes]], counts: list[dict[str, int]], leaks: list[str],
                  done: Callable[[int], None], stop: list[bool]) -> None:
    """In a thread: one worker process through slices taken from ``pending`` until none are
    left. Taken, not dealt out in advance: a worker on a busier core then does fewer."""
    process = subprocess.Popen(_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        while not stop[0]:
            try:
                index, part = pending.popleft()  # atomic: the drivers share the deque
            except IndexError:
                return
            _send(process.stdin, (redactor, part))
            entries, kinds, leaked = _receive(process.stdout)
            results[index] = entries
            counts.append(kinds)
            if leaked is not None:
                leaks.append(leaked)
            done(len(entries))
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def render_entries(
    exchanges: Sequence[Exchange],
    redactor: Redactor,
    progress: Callable[[float, str], None] | None = None,
) -> Rendered | None:
    """All entries, in order, rendered and scanned by worker processes; None to render in
    process (too few Exchanges, a single core, or workers that could not do it)."""
    import asyncio  # not at the top: without it a worker starts in half the time (60 ms)

    count = workers()
    if len(exchanges) < PARALLEL_MIN or count < 2:
        return None
    loop = asyncio.get_running_loop()
    slices = [(i, exchanges[start:start + SLICE])
              for i, start in enumerate(range(0, len(exchanges), SLICE))]
    results: list[list[bytes]] = [[] for _ in slices]
    counts: list[dict[str, int]] = []
    leaks: list[str] = []
    stop = [False]
    rendered = [0]

    def done(number: int) -> None:
        def report() -> None:
            rendered[0] += number
            if progress is not None:
                progress(0.8 * rendered[0] / len(exchanges),
                         f"HAR: {rendered[0]} of {len(exchanges)} exchanges")
        loop.call_soon_threadsafe(report)

    pending = deque(slices)
    jobs = [loop.run_in_executor(None, _drive_worker, pending, redactor, results, counts, leaks,
                                 done, stop) for _ in range(count)]
    try:
        await asyncio.gather(*jobs)
    except (OSError, EOFError, pickle.PickleError, RecursionError) as exc:
        stop[0] = True  # RecursionError: an Exchange nested too deep to pickle
        log.warning("bundle workers failed (%s); rendering in process", exc)
        return None
    except BaseException:
        stop[0] = True  # cancelled: the workers stop after their current slice
        raise
    totals: dict[str, int] = {}
    for kinds in counts:
        for kind, number in kinds.items():
            totals[kind] = totals.get(kind, 0) + number
    return [entry for part in results for entry in part], totals, (leaks[0] if leaks else None)


if __name__ == "__main__":
    sys.exit(serve())

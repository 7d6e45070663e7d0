"""Bounds on a typed query that the engine itself does not keep.

FalkorDB honours a query's time limit between operations and its memory capacity when
it allocates records, but not while one function builds a value: `UNWIND range(1,
1000000000)` ran 56 s and grew the server to 22 GB before its capacity was checked. So
while a typed query runs on the embedded server, its memory and time are watched from
outside, and a query past either bound has the server stopped (kill -9: the
append-only file keeps every committed write, and the next query starts it again).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20
POLL = 0.05  # seconds: at a few hundred MB/s of growth, a cap is overshot by tens of MB


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Bounds:
    """What one typed query may cost the engine: memory it may add, and seconds."""

    memory_mb: float = _env_number("LIANFANG_QUERY_MEMORY_MB", 1024)
    seconds: float = _env_number("LIANFANG_QUERY_SECONDS", 15)


def resident_bytes(pid: int) -> int | None:
    """The process's resident memory, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except (OSError, IndexError):
        return None
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


class Watch:
    """The verdict of one watched query: why it was stopped, or None."""

    def __init__(self) -> None:
        self.stopped: str | None = None
        self.done = threading.Event()


@contextlib.contextmanager
def watched(pid: int | None, bounds: Bounds) -> Iterator[Watch]:
    """Watch `pid` while the body runs a query; past a bound, kill it and say why."""
    watch = Watch()
    start = resident_bytes(pid) if pid else None
    if pid is None or start is None or not hasattr(signal, "SIGKILL"):
        yield watch
        return
    began = time.monotonic()
    limit = start + bounds.memory_mb * MIB

    def guard() -> None:
        while not watch.done.wait(POLL):
            now = resident_bytes(pid)
            if now is None:
                return
            if now > limit:
                watch.stopped = (
                    f"stopped: this query needed more than {bounds.memory_mb:g} MB of the "
                    "engine's memory (LIANFANG_QUERY_MEMORY_MB)"
                )
            elif time.monotonic() - began > bounds.seconds:
                watch.stopped = (
                    f"stopped: this query ran longer than {bounds.seconds:g} s "
                    "(LIANFANG_QUERY_SECONDS)"
                )
            if watch.stopped:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                return

    thread = threading.Thread(target=guard, name="lianfang-query-watch", daemon=True)
    thread.start()
    try:
        yield watch
    finally:
        watch.done.set()
        thread.join()

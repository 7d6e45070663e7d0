"""Answers kept per state of the graph, so that costly ones are computed once per import.

The province's unit-risk-profile takes seconds to compute, a county's map as long to
draw, and every page of the workbench asks for the headline figures. The graph only
changes on import, so an answer is kept under the store's state token (replaced in the
same query or transaction as each import, see graph.schema.GraphVersion), what was
asked and its parameters. Concurrent requests for the same answer wait for the one
computing it rather than computing it again. Callers must treat what they get as
read-only (query rows are copied by the runner). An answer whose kind of key says what
it reads (`reads_as`) is carried over to the next state when the import between them
wrote none of it (`carry_over`).

While the web app's warmer prepares the answers of a state another process's import
made (api/warmer.py), readers are answered from the last state it prepared whole,
rather than waiting for the new one or computing it beside the warmer: under fifty
clients, an import every ten seconds otherwise put every page behind a recomputation
of the whole library. An answer of the new state is served as soon as it is ready,
and a state this process made itself (an upload, a ledger entry) is never answered
from the one before.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from lianfang.graph.store import GraphStore, StateChange

Key = tuple[Any, ...]
T = TypeVar("T")
# The warm-up alone keeps 53 answers per state, and while a state is prepared the one
# before is kept beside it for readers; pages add their maps and scoped catalogues.
ENTRIES = 256


class ResultCache:
    """A small LRU, safe to share between request threads."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[Key, Any] = OrderedDict()
        self._computing: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Key, compute: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    return self._kept[key]
                busy = self._computing.get(key)
                if busy is None:
                    busy = self._computing[key] = threading.Lock()
                    busy.acquire()
                    break
            with busy:  # another thread computes it: wait, then look again
                pass
        try:
            value = compute()
            with self._lock:
                self._kept[key] = value
                self._trim()
            return value
        finally:
            with self._lock:
                del self._computing[key]
            busy.release()

    def peek(self, key: Key) -> Any:
        """The kept answer, or MISSING; nothing is computed."""
        with self._lock:
            return self._kept.get(key, MISSING)

    def copy(self, renamed: Callable[[Key], Key | None]) -> int:
        """Keep each answer also under `renamed(key)`, where that is not None; how many."""
        with self._lock:
            copies = [(new, value) for key, value in self._kept.items() if (new := renamed(key))]
            for new, value in copies:
                self._kept.setdefault(new, value)
            self._trim()
        return len(copies)

    def forget(self, dropped: Callable[[Key], bool]) -> int:
        """Forget every answer whose key is `dropped`; how many."""
        with self._lock:
            gone = [key for key in self._kept if dropped(key)]
            for key in gone:
                del self._kept[key]
        return len(gone)

    def _trim(self) -> None:
        """Forget the least recently used answers past `entries` (under the lock)."""
        while len(self._kept) > self.entries:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


MISSING = object()
RESULTS = ResultCache()
Where = tuple[str, str | None]
_READY: dict[Where, str] = {}  # per graph: the last state the warmer prepared whole
_WARMING: dict[Where, str] = {}  # per graph: a state it prepares while readers wait not
_FRESH = contextvars.ContextVar("fresh", default=False)  # the warmer's own asking


def _where(store: GraphStore) -> Where:
    return (store.location, getattr(store, "graph_name", None))


def cached(store: GraphStore, key: Key, compute: Callable[[], T]) -> T:
    """`compute()`'s answer for this state of this store's graph, computed once (or,
    while the warmer prepares this state, the last prepared state's answer)."""
    where, version = _where(store), store.version()
    if not _FRESH.get() and _WARMING.get(where) == version:
        found = RESULTS.peek((where, version, *key))
        if found is MISSING and where in _READY:
            found = RESULTS.peek((where, _READY[where], *key))
        if found is not MISSING:
            return found
        compute = _of_this_state(compute)
    return RESULTS.get_or_compute((where, version, *key), compute)


def _of_this_state(compute: Callable[[], T]) -> Callable[[], T]:
    """`compute`, asking every answer it builds on of the state it is kept under, as the
    warmer does, never the state before."""

    def fresh() -> T:
        asked = _FRESH.set(True)
        try:
            return compute()
        finally:
            _FRESH.reset(asked)

    return fresh


@contextlib.contextmanager
def preparing(store: GraphStore, version: str, readers_wait_not: bool) -> Iterator[None]:
    """The warmer computes `version`'s answers in the block; with `readers_wait_not`,
    readers meanwhile get the last prepared state's (see `prepared`)."""
    where = _where(store)
    asked = _FRESH.set(True)
    if readers_wait_not:
        _WARMING[where] = version
    try:
        yield
    finally:
        _FRESH.reset(asked)
        if _WARMING.get(where) == version:
            del _WARMING[where]


def prepared(store: GraphStore, version: str) -> None:
    """Every answer the warmer prepares is ready for `version`: the state readers fall
    back on while the next one is prepared. The state prepared before it is forgotten:
    no reader falls back on it any more, and in the LRU its answers would otherwise push
    out the new state's (a province's unit-risk-profile among them)."""
    where = _where(store)
    before = _READY.get(where)
    _READY[where] = version
    if before is not None and before != version:
        RESULTS.forget(lambda key: key[:2] == (where, before))


# What the answers kept under each kind of key read (queries/readsets.py), said by the
# module that keeps them: only those may outlive a change of state.
_READS: dict[str, Callable[[Key], frozenset[str]]] = {}


def reads_as(kind: str, reads: Callable[[Key], frozenset[str]]) -> None:
    """Answers kept under keys starting with `kind` read `reads(key)`: after a change of
    state that wrote none of it, they are carried over (`carry_over`)."""
    _READS[kind] = reads


def carry_over(store: GraphStore, change: StateChange) -> int:
    """Keep, for the state `change` made, every answer of the state before that reads
    nothing the change wrote; how many were kept. A change that did not say what it
    wrote keeps none."""
    if change.after is None or change.touched is None:
        return 0
    where = _where(store)
    touched = change.touched

    def keeps(key: Key) -> Key | None:
        if key[:2] != (where, change.after) or len(key) < 3 or key[2] not in _READS:
            return None
        if not _READS[key[2]](key[2:]).isdisjoint(touched):
            return None
        return (where, change.token, *key[2:])

    return RESULTS.copy(keeps)


def frozen(value: Any) -> Any:
    """A parameter value as part of a cache key."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(frozen(v) for v in value)
    return value

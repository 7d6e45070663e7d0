"""Answers kept per state of the graph, so that costly ones are computed once per import.

The province's unit-risk-profile takes seconds to compute, a county's map as long to
draw, and every page of the workbench asks for the headline figures. The graph only
changes on import, so an answer is kept under the store's state token (replaced in the
same query or transaction as each import, see graph.schema.GraphVersion), what was
asked and its parameters. Concurrent requests for the same answer wait for the one
computing it rather than computing it again. Callers must treat what they get as
read-only (query rows are copied by the runner).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from lianfang.graph.store import GraphStore

Key = tuple[Any, ...]
T = TypeVar("T")
ENTRIES = 128


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
                while len(self._kept) > self.entries:
                    self._kept.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._computing[key]
            busy.release()

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


RESULTS = ResultCache()


def cached(store: GraphStore, key: Key, compute: Callable[[], T]) -> T:
    """`compute()`'s answer for this state of this store's graph, computed once."""
    where = (store.location, getattr(store, "graph_name", None))
    return RESULTS.get_or_compute((where, store.version(), *key), compute)


def frozen(value: Any) -> Any:
    """A parameter value as part of a cache key."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(frozen(v) for v in value)
    return value

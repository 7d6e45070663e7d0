"""Canned query results kept per graph version, so a costly rollup runs once per import.

The province's unit-risk-profile takes seconds to compute and is asked for by every
page of the unit browser and every review. A result is kept under the store's version
token (replaced in the same query or transaction as each import), its query and its
parameters. Callers get their own copy of the rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

Key = tuple[Any, ...]
ENTRIES = 64


class ResultCache:
    """A small LRU of query results, safe to share between request threads."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[Key, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Key, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = compute()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


RESULTS = ResultCache()


def frozen(value: Any) -> Any:
    """A parameter value as part of a cache key."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(frozen(v) for v in value)
    return value

"""Warnings and scores are kept per state of the graph and of the office's records they
read; what that state is, said once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger
from lianfang.queries.cache import cached

T = TypeVar("T")
Computed = Callable[[set[acceptance.Ident], tuple[ledger.Overdue, ...]], T]


def kept(store: GraphStore, name: str, as_of: dt.date, rules: BaseModel, compute: Computed[T]) -> T:
    """`compute(accepted, overdue)` once per graph state, rules, acceptances in force and
    overdue items on `as_of`. The answer is shared: read it only."""
    accepted = acceptance.active(store, as_of)
    overdue = ledger.overdue(store, as_of)
    key = (name, as_of, rules.model_dump_json(), frozenset(accepted), overdue)
    return cached(store, key, lambda: compute(set(accepted), overdue))

"""A change set as one FalkorDB query, so that it lands in place and atomically.

FalkorDB runs each query as one unit: it holds the graph's write lock from its first
change to its end (readers see the graph before or after it), rolls every change back
when any part fails, and enters the append-only file once, after it has run (a server
killed halfway replays nothing of it). A change set that fits in one query therefore
needs no staging graph, and costs what it states, not what the graph holds.

The steps are chained with `WITH count(*) AS …`: an aggregate without grouping keys
yields exactly one row even when the step before matched nothing, and it consumes
that step entirely, so each step sees the writes of the ones before it. Each step's
parameters are renamed apart (`$rows` of the third step becomes `$s2_rows`); the
Cypher text is lianfang's own, built from the schema, so renaming it is safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lianfang.graph.store import Change

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ENDS_A_READ = re.compile(r"\bRETURN\b", re.IGNORECASE)


def _renamed(change: Change, prefix: str) -> tuple[str, dict[str, Any]]:
    if _ENDS_A_READ.search(change.cypher):
        raise ValueError(f"a change set step may not return rows: {change.cypher}")
    params = dict(change.params)
    if change.rows is not None:
        params["rows"] = list(change.rows)
    cypher = _PARAM.sub(lambda m: f"${prefix}{m.group(1)}", change.cypher)
    return cypher, {f"{prefix}{name}": value for name, value in params.items()}


def compose(changes: Sequence[Change]) -> tuple[str, dict[str, Any]]:
    """One query that runs every change in order, and its parameters."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for index, change in enumerate(changes):
        cypher, own = _renamed(change, f"s{index}_")
        parts.append(f"{cypher} WITH count(*) AS step{index}")
        params.update(own)
    parts.append(f"RETURN {len(changes)} AS steps")
    return " ".join(parts), params


def rows_in(changes: Sequence[Change]) -> int:
    """How many rows the change set states: what decides whether it fits one query."""
    return sum(len(change.rows) for change in changes if change.rows is not None)

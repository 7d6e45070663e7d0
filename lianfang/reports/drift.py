"""Year-over-year drift: which findings are new, closed or persisting between two
snapshots (or a snapshot and now)."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.queries.spec import library
from lianfang.reports.snapshots import Snapshot

Finding = tuple[tuple[str, ...], str]  # (key, readable label)


@dataclass(frozen=True)
class QueryDrift:
    query_id: str
    new: list[Finding]
    closed: list[Finding]
    persisting: list[Finding]


def compare(old: Snapshot, new: Snapshot) -> list[QueryDrift]:
    """Per query, in library order, findings only in `new`, only in `old`, and in both."""
    drifts = []
    for spec in library().values():
        if spec.id not in new.queries and spec.id not in old.queries:
            continue
        before, after = old.findings(spec.id), new.findings(spec.id)
        drifts.append(
            QueryDrift(
                spec.id,
                new=sorted((k, after[k]) for k in after.keys() - before.keys()),
                closed=sorted((k, before[k]) for k in before.keys() - after.keys()),
                persisting=sorted((k, after[k]) for k in after.keys() & before.keys()),
            )
        )
    return drifts


def by_query(drifts: list[QueryDrift]) -> dict[str, QueryDrift]:
    return {d.query_id: d for d in drifts}

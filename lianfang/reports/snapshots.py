"""Snapshots: every canned query's findings on a day, stored in the graph itself.

A finding is identified by its query's `key` columns, so the same gap in two reviews
is the same finding; next to the key a snapshot keeps a readable label and the
query's figures (count and total), and the unit profile as it stood.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.loop import score, warnings
from lianfang.queries.runner import QueryResult, run
from lianfang.queries.spec import finding_label, library

LABEL = model.SNAPSHOT_LABEL
# What a listing shows of each snapshot, as its declaration names it (the uid is its name).
LISTED = model.projection(
    LABEL, "s", ["name", "as_of", "created", "created_by", "units"], {"uid": "name"}
)


class SnapshotError(LookupError):
    """A snapshot that does not exist, or a name that cannot be used."""


@dataclass(frozen=True)
class Snapshot:
    name: str
    as_of: str
    created: str
    queries: dict[str, dict[str, Any]]
    profile: list[dict[str, Any]]
    warnings: dict[str, str] = field(default_factory=dict)  # post → level
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # unit → score, grade
    units: tuple[str, ...] = ()  # the scope it was taken in; () for the whole organisation
    created_by: str | None = None  # the account that saved it (None: the CLI)

    def findings(self, query_id: str) -> dict[tuple[str, ...], str]:
        """Finding key → readable label."""
        saved = self.queries.get(query_id, {}).get("findings", [])
        return {tuple(item["key"]): item["label"] for item in saved}


def record(result: QueryResult) -> dict[str, Any]:
    spec = result.spec
    return {
        "count": result.count,
        "total": result.total,
        "findings": [
            {"key": list(spec.finding_key(row)), "label": finding_label(row)} for row in result.rows
        ],
    }


def take(store: GraphStore, name: str, as_of: dt.date) -> Snapshot:
    """Run every query on `as_of` (not stored)."""
    queries: dict[str, dict[str, Any]] = {}
    profile: list[dict[str, Any]] = []
    for spec in library().values():
        params = {"as_of": as_of}
        result = run(store, spec.id, params)
        if spec.kind == "profile":
            profile = [{k: v for k, v in row.items()} for row in result.rows]
        else:
            queries[spec.id] = record(result)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    levels = {uid: w.level for uid, w in warnings.compute(store, as_of).posts.items()}
    scores = {
        uid: {"score": s.score, "grade": s.grade} for uid, s in score.compute(store, as_of).items()
    }
    return Snapshot(name, as_of.isoformat(), created, queries, profile, levels, scores)


# A finding kept in a scoped snapshot: (query id, key) → whether it is in the scope.
Keeps = Callable[[str, tuple[str, ...]], bool]


def within(snapshot: Snapshot, units: list[str], keeps: Keeps) -> Snapshot:
    """The snapshot as a user scoped to `units` may take it: only its findings."""
    queries = {}
    for query_id, saved in snapshot.queries.items():
        kept = [f for f in saved["findings"] if keeps(query_id, tuple(f["key"]))]
        queries[query_id] = {**saved, "count": len(kept), "findings": kept}
    return replace(
        snapshot, queries=queries, units=tuple(units), profile=[], scores={}, warnings={}
    )


class SnapshotTaken(SnapshotError):
    """A name another account's snapshot holds: a user never replaces what it did not make."""


def owner(store: GraphStore, name: str) -> tuple[bool, str | None]:
    """Whether a snapshot of that name exists, and who saved it."""
    rows = store.read(f"MATCH (s:{LABEL} {{uid: $name}}) RETURN s.created_by AS by", {"name": name})
    return (bool(rows), rows[0]["by"] if rows else None)


def save(
    store: GraphStore,
    name: str,
    as_of: dt.date,
    by: str | None = None,
    scope: tuple[list[str], Keeps] | None = None,
    replace_others: bool = True,
) -> Snapshot:
    """Take a snapshot and store it under `name`, recording who saved it and in what
    scope (a scoped user's keeps only its findings). One of the same name is replaced
    only if `replace_others` or the same account made it."""
    if not name.strip():
        raise SnapshotError("a snapshot needs a name")
    name = name.strip()
    exists, made_by = owner(store, name)
    if exists and not replace_others and made_by != by:
        raise SnapshotTaken(
            f"snapshot {name!r} was saved by {made_by or 'the command line'}; choose another name"
        )
    snapshot = replace(take(store, name, as_of), created_by=by)
    if scope is not None:
        snapshot = within(snapshot, *scope)
    data = json.dumps(
        {
            "queries": snapshot.queries,
            "profile": snapshot.profile,
            "warnings": snapshot.warnings,
            "scores": snapshot.scores,
        },
        ensure_ascii=False,
        default=str,
    )
    store.write_aside(  # no answer reads a snapshot: the cached ones stay good
        f"MERGE (s:{LABEL} {{uid: $name}}) "
        "SET s.as_of = date($as_of), s.created = $created, s.data = $data, "
        "s.created_by = $by, s.units = $units",
        {
            "name": snapshot.name,
            "as_of": snapshot.as_of,
            "created": snapshot.created,
            "data": data,
            "by": by,
            "units": json.dumps(list(snapshot.units), ensure_ascii=False),
        },
    )
    return snapshot


def delete(store: GraphStore, name: str) -> None:
    """Remove a saved snapshot."""
    load(store, name)  # says which exist when this one does not
    store.write_aside(f"MATCH (s:{LABEL} {{uid: $name}}) DELETE s", {"name": name})


def listing(store: GraphStore) -> list[dict[str, Any]]:
    """Saved snapshots, oldest first (without their findings)."""
    rows = store.read(f"MATCH (s:{LABEL}) RETURN {LISTED} ORDER BY created, name")
    return [{**row, "units": json.loads(row["units"] or "[]")} for row in rows]


def load(store: GraphStore, name: str) -> Snapshot:
    rows = store.read(
        f"MATCH (s:{LABEL} {{uid: $name}}) RETURN s.as_of AS as_of, s.created AS created, "
        "s.data AS data, s.created_by AS created_by, s.units AS units",
        {"name": name},
    )
    if not rows:
        known = ", ".join(s["name"] for s in listing(store)) or "none saved yet"
        raise SnapshotError(f"no snapshot {name!r} (saved: {known})")
    data = json.loads(rows[0]["data"])
    as_of = rows[0]["as_of"]
    return Snapshot(
        name,
        str(as_of),
        rows[0]["created"],
        data["queries"],
        data["profile"],
        data.get("warnings", {}),  # snapshots saved before warnings existed have none
        data.get("scores", {}),
        tuple(json.loads(rows[0]["units"] or "[]")),
        rows[0]["created_by"],
    )


def resolve(store: GraphStore, name: str, today: dt.date) -> Snapshot:
    """A saved snapshot, or `now`: the findings today, unsaved."""
    return take(store, "now", today) if name == "now" else load(store, name)

"""Snapshots: every canned query's findings on a day, stored in the graph itself.

A finding is identified by its query's `key` columns, so the same gap in two reviews
is the same finding; next to the key a snapshot keeps a readable label and the
query's figures (count and total), and the unit profile as it stood.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.loop import score, warnings
from lianfang.queries.runner import QueryResult, run
from lianfang.queries.spec import finding_label, library

LABEL = model.SNAPSHOT_LABEL
PROFILE = "unit-risk-profile"


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
        if spec.id == PROFILE:
            profile = [{k: v for k, v in row.items()} for row in result.rows]
        else:
            queries[spec.id] = record(result)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    levels = {uid: w.level for uid, w in warnings.compute(store, as_of).posts.items()}
    scores = {
        uid: {"score": s.score, "grade": s.grade} for uid, s in score.compute(store, as_of).items()
    }
    return Snapshot(name, as_of.isoformat(), created, queries, profile, levels, scores)


def save(store: GraphStore, name: str, as_of: dt.date) -> Snapshot:
    """Take a snapshot and store it under `name` (replacing one of the same name)."""
    if not name.strip():
        raise SnapshotError("a snapshot needs a name")
    snapshot = take(store, name.strip(), as_of)
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
    store.write(
        f"MERGE (s:{LABEL} {{uid: $name}}) "
        "SET s.as_of = date($as_of), s.created = $created, s.data = $data",
        {"name": snapshot.name, "as_of": snapshot.as_of, "created": snapshot.created, "data": data},
    )
    return snapshot


def listing(store: GraphStore) -> list[dict[str, Any]]:
    """Saved snapshots, oldest first (without their findings)."""
    return store.read(
        f"MATCH (s:{LABEL}) RETURN s.uid AS name, s.as_of AS as_of, s.created AS created "
        "ORDER BY created, name"
    )


def load(store: GraphStore, name: str) -> Snapshot:
    rows = store.read(
        f"MATCH (s:{LABEL} {{uid: $name}}) RETURN s.as_of AS as_of, s.created AS created, "
        "s.data AS data",
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
    )


def resolve(store: GraphStore, name: str, today: dt.date) -> Snapshot:
    """A saved snapshot, or `now`: the findings today, unsaved."""
    return take(store, "now", today) if name == "now" else load(store, name)

"""The audit log: who did what, when, from where, and how it ended.

Entries are only ever created. A failure to write one is the caller's failure too: it
propagates (as a StoreError), so an action never runs unaudited.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from lianfang.access import clock
from lianfang.graph import model
from lianfang.graph.store import GraphStore

LABEL = model.AUDIT_LABEL
OUTCOMES = ("ok", "started", "failed", "refused")


@dataclass(frozen=True)
class Entry:
    at: str
    user: str | None
    client: str | None
    action: str
    target: str | None
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# An entry's fields as the declaration (graph/schema.py) names them.
FIELDS = model.projection(LABEL, "e", [f.name for f in fields(Entry)])


def record(
    store: GraphStore,
    action: str,
    *,
    user: str | None,
    client: str | None,
    target: str | None = None,
    outcome: str = "ok",
    **detail: Any,
) -> Entry:
    """Write one entry (raises if it cannot be written)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}")
    entry = Entry(clock.stamp(clock.now()), user, client, action, target, outcome, detail)
    written = {
        "uid": uuid.uuid4().hex,
        **{k: v for k, v in entry.as_dict().items() if k != "detail"},
        "detail": json.dumps(detail, ensure_ascii=False, default=str),
    }
    store.office_write(model.creation(LABEL, written), written)
    return entry


def entries(
    store: GraphStore,
    since: str | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Entries, oldest first (`since`: a stamp, see clock.parse_since)."""
    rows = store.office_read(
        f"MATCH (e:{LABEL}) WHERE ($since IS NULL OR e.at >= $since) "
        "AND ($user IS NULL OR e.user = $user) AND ($action IS NULL OR e.action = $action) "
        f"RETURN {FIELDS}, e.uid AS uid ORDER BY at, uid",
        {"since": since, "user": user, "action": action},
    )
    found = [
        Entry(
            at=row["at"],
            user=row["user"],
            client=row["client"],
            action=row["action"],
            target=row["target"],
            outcome=row["outcome"],
            detail=json.loads(row["detail"] or "{}"),
        )
        for row in rows
    ]
    return found[-limit:] if limit else found

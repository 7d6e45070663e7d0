"""Accepted findings (暂缓 / 风险接受): a finding accepted with a reason, an approver and
an expiry date is counted apart ("accepted") until that date, and open again from it.
It is never dropped: every list that leaves it out of the open findings says how many
it set aside."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields, replace
from typing import Any

from lianfang.access import clock
from lianfang.graph import calendar, model
from lianfang.graph.store import GraphStore
from lianfang.loop.ledger import LedgerError, NotFound, create_numbered, current_finding
from lianfang.queries import finding_ids
from lianfang.queries.runner import QueryResult

LABEL = model.ACCEPTANCE_LABEL
Ident = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Accepted:
    uid: str
    query_id: str
    key: tuple[str, ...]
    label: str
    reason: str
    approver: str
    expires: str
    accepted_by: str | None
    created: str

    def active(self, as_of: dt.date) -> bool:
        """Accepted before its expiry date; open again on it."""
        return as_of.isoformat() < self.expires

    @property
    def finding_id(self) -> str:
        return finding_ids.short_id(self.query_id, self.key)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "key": list(self.key), "finding_id": self.finding_id}


_FIELDS = model.projection(LABEL, "a", [f.name for f in fields(Accepted)])


def _accepted(row: dict[str, Any]) -> Accepted:
    return Accepted(**{**row, "key": tuple(json.loads(row["key"]))})


def listing(store: GraphStore) -> list[Accepted]:
    rows = store.office_read(f"MATCH (a:{LABEL}) RETURN {_FIELDS} ORDER BY uid")
    return [_accepted(row) for row in rows]


def find(store: GraphStore, uid: str) -> Accepted:
    rows = store.office_read(f"MATCH (a:{LABEL} {{uid: $uid}}) RETURN {_FIELDS}", {"uid": uid})
    if not rows:
        raise NotFound(f"no acceptance {uid!r} (see `lianfang accept list`)")
    return _accepted(rows[0])


def withdraw(store: GraphStore, uid: str) -> Accepted:
    """Take an acceptance back: its finding counts as open again from now (the audit log
    keeps that it was accepted, and by whom)."""
    gone = find(store, uid)
    store.office_write(f"MATCH (a:{LABEL} {{uid: $uid}}) DELETE a", {"uid": uid})
    return gone


def active(store: GraphStore, as_of: dt.date) -> dict[Ident, Accepted]:
    """The acceptances in force on `as_of`, by finding."""
    return {(a.query_id, a.key): a for a in listing(store) if a.active(as_of)}


def accept(
    store: GraphStore,
    query_id: str,
    key: tuple[str, ...],
    reason: str,
    approver: str,
    expires: dt.date,
    user: str | None,
    as_of: dt.date | None = None,
) -> Accepted:
    """Accept a finding present on `as_of` (today by default) until `expires`."""
    today = as_of or calendar.today()
    if not reason.strip() or not approver.strip():
        raise LedgerError("an acceptance needs a reason and an approver")
    if expires <= today:
        raise LedgerError(f"the expiry date must be after {today.isoformat()}")
    finding = current_finding(store, query_id, key, today)
    if finding is None:
        raise LedgerError(f"{query_id} has no finding {'/'.join(key)!r} now")
    if (query_id, key) in active(store, today):
        raise LedgerError("this finding is accepted already")
    params = {
        "query_id": query_id,
        "key": json.dumps(list(key), ensure_ascii=False),
        "label": finding.label,
        "reason": reason,
        "approver": approver,
        "expires": expires.isoformat(),
        "accepted_by": user,
        "created": clock.stamp(clock.now()),
    }
    uid = create_numbered(store, LABEL, "A", model.creation(LABEL, ["uid", *params]), params)
    return next(a for a in listing(store) if a.uid == uid)


@dataclass(frozen=True)
class Split:
    """A query's answer with its accepted findings set apart."""

    open: QueryResult
    accepted: list[dict[str, Any]]

    @property
    def accepted_count(self) -> int:
        return len(self.accepted)

    def ratio(self) -> str:
        base = self.open.ratio()
        return f"{base} (+{self.accepted_count} accepted)" if self.accepted else base

    def ratio_zh(self) -> str:
        base = self.open.ratio_zh()
        return f"{base}，另有已接受{self.accepted_count}项" if self.accepted else base


def split(result: QueryResult, accepted: dict[Ident, Accepted]) -> Split:
    """Rows of findings accepted on the day go apart; the rest stay open."""
    spec = result.spec
    mine = {key for (query_id, key) in accepted if query_id == spec.id}
    if not mine:
        return Split(result, [])
    kept = [row for row in result.rows if spec.finding_key(row) not in mine]
    aside = [row for row in result.rows if spec.finding_key(row) in mine]
    return Split(replace(result, rows=kept), aside)

"""The rectification ledger (整改台账): a finding followed until it is verified (销号).

An item moves open → in_progress → rectified (saying what was done) → verified; a
rectified item may be rejected back to in_progress with a reason. Once accounts exist,
the one who verifies must not be the one who marked it rectified. Items are the
office's records (kept beside the graph): no import touches them. Each move is kept in
the item's history with its user and time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields
from typing import Any

from lianfang.access import clock
from lianfang.graph import calendar, model
from lianfang.graph.store import GraphStore, QueryError
from lianfang.loop.findings import Finding, findings
from lianfang.queries import finding_ids

LABEL = model.RECTIFICATION_LABEL
STATUSES = tuple(model.RECTIFICATION_STATUSES)
# The ledger's moves, by the one name the CLI, the API and the audit log use:
# move → (from, to).
MOVES = {
    "start": ("open", "in_progress"),
    "rectify": ("in_progress", "rectified"),
    "verify": ("rectified", "verified"),
    "reject": ("rectified", "in_progress"),
}


class LedgerError(ValueError):
    """What the ledger refuses: a move it does not allow, a finding that is not there."""


class NotFound(LedgerError):
    """No such ledger item (or post, or finding, as asked)."""


class Refused(LedgerError):
    """A move or an opening the ledger does not allow now, and why."""


@dataclass(frozen=True)
class Item:
    uid: str
    query_id: str
    key: tuple[str, ...]
    label: str
    owner_post: str | None
    due: str
    note: str
    status: str
    done: str
    opened_by: str | None
    rectified_by: str | None
    verified_by: str | None
    history: list[dict[str, Any]] = field(default_factory=list)

    def overdue_days(self, as_of: dt.date) -> int:
        """Days past the due date on `as_of`, while not yet rectified; else 0."""
        if self.status in ("rectified", "verified"):
            return 0
        return max(0, (as_of - dt.date.fromisoformat(self.due)).days)

    @property
    def finding_id(self) -> str:
        return finding_ids.short_id(self.query_id, self.key)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "key": list(self.key), "finding_id": self.finding_id}


_FIELDS = model.projection(LABEL, "r", [f.name for f in fields(Item)])


def _item(row: dict[str, Any]) -> Item:
    return Item(
        uid=row["uid"],
        query_id=row["query_id"],
        key=tuple(json.loads(row["key"])),
        label=row["label"] or "",
        owner_post=row["owner_post"],
        due=row["due"],
        note=row["note"] or "",
        status=row["status"],
        done=row["done"] or "",
        opened_by=row["opened_by"],
        rectified_by=row["rectified_by"],
        verified_by=row["verified_by"],
        history=json.loads(row["history"] or "[]"),
    )


def find(store: GraphStore, uid: str) -> Item:
    rows = store.office_read(f"MATCH (r:{LABEL} {{uid: $uid}}) RETURN {_FIELDS}", {"uid": uid})
    if not rows:
        raise NotFound(f"no rectification item {uid!r} (see `lianfang rectify list`)")
    return _item(rows[0])


def items(store: GraphStore) -> list[Item]:
    rows = store.office_read(f"MATCH (r:{LABEL}) RETURN {_FIELDS} ORDER BY uid")
    return [_item(row) for row in rows]


def current_finding(
    store: GraphStore, query_id: str, key: tuple[str, ...], as_of: dt.date
) -> Finding | None:
    return next((f for f in findings(store, as_of) if f.ident == (query_id, key)), None)


def open_item(
    store: GraphStore,
    query_id: str,
    key: tuple[str, ...],
    due: dt.date,
    user: str | None,
    owner_post: str | None = None,
    note: str = "",
    as_of: dt.date | None = None,
) -> Item:
    """Open an item for a finding present on `as_of` (today by default). The owner post
    defaults to the finding's own post when it names exactly one."""
    finding = current_finding(store, query_id, key, as_of or calendar.today())
    if finding is None:
        raise Refused(
            f"{query_id} has no finding {'/'.join(key)!r} now (see `lianfang query {query_id}`)"
        )
    if owner_post is None and len(finding.posts) == 1:
        owner_post = next(iter(finding.posts))
    if owner_post is not None and not store.read(
        "MATCH (p:Post {uid: $uid}) RETURN p.uid AS uid", {"uid": owner_post}
    ):
        raise NotFound(f"no post {owner_post!r}")
    open_now = [i for i in items(store) if (i.query_id, i.key) == finding.ident]
    if any(i.status != "verified" for i in open_now):
        raise Refused(f"this finding is already in the ledger as {open_now[-1].uid}")
    moment = clock.stamp(clock.now())
    params = {
        "query_id": query_id,
        "key": json.dumps(list(key), ensure_ascii=False),
        "label": finding.label,
        "owner_post": owner_post,
        "due": due.isoformat(),
        "note": note,
        "opened_by": user,
        "history": json.dumps([{"status": "open", "user": user, "at": moment}], ensure_ascii=False),
    }
    uid = create_numbered(
        store,
        LABEL,
        "R",
        model.creation(LABEL, ["uid", *params], fixed={"status": "'open'"}),
        params,
    )
    return find(store, uid)


def create_numbered(
    store: GraphStore, label: str, prefix: str, create: str, params: dict[str, Any]
) -> str:
    """Create an office record numbered in turn (R0001, A0001 …) and return its number;
    the uniqueness constraint turns a race for one number into a try at the next."""
    for _ in range(3):
        [row] = store.office_read(f"MATCH (n:{label}) RETURN count(n) AS n")
        uid = f"{prefix}{row['n'] + 1:04d}"
        try:
            store.office_write(create, {**params, "uid": uid})
        except QueryError:
            continue
        return uid
    raise Refused(f"could not number the new {label}; try again")


def move(
    store: GraphStore,
    uid: str,
    action: str,
    user: str | None,
    *,
    done: str = "",
    reason: str = "",
    distinct_verifier: bool = False,
    as_of: dt.date | None = None,
) -> Item:
    """Make one of the MOVES; refuses a move from another status, a rectification without
    what was done, a rejection without a reason, a verification while the finding is
    still found on `as_of` (today by default), and (with `distinct_verifier`)
    self-verification."""
    if action not in MOVES:
        raise NotFound(f"no move {action!r}; the moves are {', '.join(MOVES)}")
    item = find(store, uid)
    start, to = MOVES[action]
    if item.status != start:
        allowed = ", ".join(m for m, (f, _) in MOVES.items() if f == item.status) or "none"
        raise Refused(f"{uid} is {item.status}: its moves now are {allowed}, not {action}")
    if action == "rectify" and not done.strip():
        raise Refused("say what was done to rectify it")
    if action == "reject" and not reason.strip():
        raise Refused("a rejection needs a reason")
    if action == "verify" and distinct_verifier and user == item.rectified_by:
        raise Refused(f"{uid} was marked rectified by {user}; another user must verify it")
    if action == "verify":
        day = as_of or calendar.today()
        if current_finding(store, item.query_id, item.key, day) is not None:
            raise Refused(
                f"{uid} cannot be verified: its finding {item.finding_id} is still found on "
                f"{day.isoformat()} (update the registers and import them first, or reject it)"
            )
    moment = clock.stamp(clock.now())
    step = {"status": to, "user": user, "at": moment, **({"reason": reason} if reason else {})}
    sets = {
        "rectify": ", r.done = $done, r.rectified_by = $user",
        "verify": ", r.verified_by = $user, r.verified_on = $at",
        "reject": ", r.rectified_by = null",
        "start": "",
    }[action]
    changed = store.office_write(
        f"MATCH (r:{LABEL} {{uid: $uid}}) WHERE r.status = $from "
        f"SET r.status = $to, r.history = $history{sets} RETURN r.uid AS uid",
        {
            "uid": uid,
            "from": item.status,
            "to": to,
            "history": json.dumps([*item.history, step], ensure_ascii=False),
            "done": done,
            "user": user,
            "at": moment,
        },
    )
    if not changed:
        raise Refused(f"{uid} was changed meanwhile; look again")
    return find(store, uid)


@dataclass(frozen=True)
class Overdue:
    """An overdue item, as warnings and scores count it against its owner post."""

    uid: str
    post: str
    days: int
    key: tuple[str, ...]
    label: str


def overdue(store: GraphStore, as_of: dt.date) -> tuple[Overdue, ...]:
    """The items overdue on `as_of` that have an owner post."""
    return tuple(
        Overdue(i.uid, i.owner_post, i.overdue_days(as_of), i.key, i.label)
        for i in items(store)
        if i.owner_post and i.overdue_days(as_of)
    )


@dataclass(frozen=True)
class Followed:
    """An item with what the graph says of its finding on a day."""

    item: Item
    present: bool  # the finding is still found
    overdue_days: int

    @property
    def state(self) -> str:
        """What an analyst should know beyond the status."""
        if self.item.status == "verified":
            return "reopened" if self.present else ""
        return "" if self.present else "gap gone, awaiting verification"


def followed(store: GraphStore, as_of: dt.date) -> list[Followed]:
    """Every item with whether its finding is still there on `as_of`."""
    present = {f.ident for f in findings(store, as_of)}
    return [
        Followed(i, (i.query_id, i.key) in present, i.overdue_days(as_of)) for i in items(store)
    ]

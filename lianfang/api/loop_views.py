"""What the loop's API routes and pages share: which units a list covers, the ledger
as the requester may see it, and one audited move of an item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import QueryParams

from lianfang.access import accounts
from lianfang.api import scoping
from lianfang.api.auditing import audited
from lianfang.api.auth import Principal
from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, whatif
from lianfang.loop.ledger import LedgerError
from lianfang.loop.resolve import resolve
from lianfang.queries.scope import units_under


def units_in_view(store: GraphStore, who: Principal, unit: str | None) -> set[str] | None:
    """The units a list covers: the one asked for (within the scope) and its sub-units,
    or the scope's, or every unit."""
    if unit is not None:
        scoping.require_node(store, who, "Unit", unit)
        under = units_under(store, unit)
        if not under:
            raise HTTPException(404, f"no unit {unit!r}")
        return under
    within = who.scope(store)
    return None if within is None else set(within.members.get("Unit", ()))


def followed_rows(store: GraphStore, who: Principal, as_of: dt.date) -> list[dict[str, Any]]:
    """The ledger's items the requester may see, with their state on the day."""
    within = who.scope(store)
    rows = []
    for f in ledger.followed(store, as_of):
        if within is not None and not within.contains("Post", f.item.owner_post):
            continue
        rows.append(
            {
                **f.item.as_dict(),
                "overdue_days": f.overdue_days,
                "present": f.present,
                "state": f.state,
            }
        )
    return rows


def move_item(
    request: Request,
    store: GraphStore,
    who: Principal,
    uid: str,
    action: str,
    done: str = "",
    reason: str = "",
) -> ledger.Item:
    """One move, audited before and after; a refused move is a 422 with the reason."""
    if action not in ledger.MOVES:
        raise HTTPException(404, f"the moves are {', '.join(ledger.MOVES)}")
    within = who.scope(store)
    if within is not None:
        try:
            owner = ledger.find(store, uid).owner_post
        except LedgerError:
            owner = None
        if not within.contains("Post", owner):
            raise HTTPException(404, f"no rectification item {uid!r}")
    with audited(request, who.name, f"rectify {action}", uid) as end:
        try:
            item = ledger.move(
                store,
                uid,
                action,
                who.name,
                done=done,
                reason=reason,
                distinct_verifier=accounts.any_exist(store),
            )
        except ledger.NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except LedgerError as exc:
            raise HTTPException(422, str(exc)) from None
        end.update(done=done, reason=reason)
    return item


def open_item(
    request: Request,
    store: GraphStore,
    who: Principal,
    query_id: str,
    key: tuple[str, ...],
    due: dt.date,
    owner_post: str | None,
    note: str,
) -> ledger.Item:
    """Open a ledger item, audited before and after; a refusal is a 4xx with the reason."""
    require_finding(store, who, query_id, key)
    with audited(request, who.name, "rectify open", query_id, key=list(key)) as end:
        try:
            item = ledger.open_item(store, query_id, key, due, who.name, owner_post, note)
        except LedgerError as exc:
            raise HTTPException(422, str(exc)) from None
        end.update(target=item.uid, due=item.due)
    return item


def accept_named(
    request: Request,
    store: GraphStore,
    who: Principal,
    named: tuple[str, tuple[str, ...]],
    reason: str,
    approver: str,
    expires: dt.date,
) -> acceptance.Accepted:
    """Accept a finding, audited before and after; a refusal is a 422 with the reason."""
    query_id, key = named
    with audited(request, who.name, "accept", query_id, key=list(key)) as end:
        try:
            made = acceptance.accept(store, query_id, key, reason, approver, expires, who.name)
        except LedgerError as exc:
            raise HTTPException(422, str(exc)) from None
        end.update(target=made.uid, expires=made.expires, approver=made.approver)
    return made


def simulated(store: GraphStore, who: Principal, asked: dict[str, Any]) -> dict[str, Any]:
    """A what-if for a requester (its ids must be within the scope), or a 422/404."""
    try:
        changes = [
            whatif.parse(kind, text) for kind in whatif.KINDS for text in asked.get(kind) or []
        ]
    except whatif.WhatIfError as exc:
        raise HTTPException(422, str(exc)) from None
    for change in changes:
        first, second = (
            ("Person", "Post") if change.kind in ("appoint", "end") else ("Post", "Power")
        )
        scoping.require_node(store, who, first, change.a)
        scoping.require_node(store, who, second, change.b)
    try:
        outcome = whatif.simulate(store, changes, asked.get("as_of") or calendar.today())
    except whatif.WhatIfError as exc:
        raise HTTPException(404 if str(exc).startswith("no ") else 422, str(exc)) from None
    within = who.scope(store)
    if within is not None:  # findings elsewhere that the change would touch stay unseen
        for found in outcome["queries"].values():
            for kind in ("new", "closed"):
                found[kind] = [row for row in found[kind] if within.keeps_row(row)]
    return outcome


def changes_in_query(params: QueryParams) -> dict[str, Any]:
    """appoint=…&end=…&grant=…&revoke=… (each repeatable), and as_of, from a URL; a node
    page's form sends `person` and `post` for one appointment."""
    asked: dict[str, Any] = {kind: [v for v in params.getlist(kind) if v] for kind in whatif.KINDS}
    if params.get("person") and params.get("post"):
        asked["appoint"].append(f"{params['person'].strip()}@{params['post'].strip()}")
    if params.get("as_of"):
        try:
            asked["as_of"] = dt.date.fromisoformat(params["as_of"])
        except ValueError:
            raise HTTPException(422, "as_of must be YYYY-MM-DD") from None
    return asked


def named_finding(
    store: GraphStore, who: Principal, finding_id: str | None, query_id: str | None, key: list[str]
) -> tuple[str, tuple[str, ...]]:
    """The finding a request names, by its short id or by query id and key; a short id
    no finding has, or one outside the user's scope, is a 404."""
    if finding_id:
        try:
            named = resolve(store, finding_id, calendar.today())
        except ledger.NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except LedgerError as exc:
            raise HTTPException(422, str(exc)) from None
    elif query_id and key:
        named = query_id, tuple(key)
    else:
        raise HTTPException(422, "name the finding: finding_id, or query_id and key")
    require_finding(store, who, *named)
    return named


def require_finding(store: GraphStore, who: Principal, query_id: str, key: tuple[str, ...]) -> None:
    """A scoped user may act only on findings that name something in its scope (404
    otherwise, as for anything outside it)."""
    if who.scope(store) is not None and not scoping.findings(store, who, query_id, {key: ""}):
        raise HTTPException(404, f"{query_id} has no finding {'/'.join(key)!r}")

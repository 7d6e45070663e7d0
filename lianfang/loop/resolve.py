"""A finding named by its short id, wherever the loop may still know it."""

from __future__ import annotations

import datetime as dt

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger
from lianfang.loop.findings import findings
from lianfang.queries import finding_ids
from lianfang.queries.spec import library

Ident = tuple[str, tuple[str, ...]]


def resolve(store: GraphStore, text: str, as_of: dt.date) -> Ident:
    """The finding a short id names: one found on `as_of`, or one the ledger or an
    acceptance follows (so an id printed last year still reaches its item)."""
    known = [f.ident for f in findings(store, as_of)]
    known += [(i.query_id, i.key) for i in ledger.items(store)]
    known += [(a.query_id, a.key) for a in acceptance.listing(store)]
    wanted = finding_ids.normal(text)
    named = finding_ids.index(known).get(wanted, [])
    if not named:
        raise ledger.NotFound(f"no finding {wanted} on {as_of.isoformat()} (see `lianfang query`)")
    if len(named) > 1:
        raise ledger.Refused(
            f"{wanted} names {len(named)} findings; give the query id and key instead"
        )
    return named[0]


def finding_of(store: GraphStore, first: str, key: list[str], as_of: dt.date) -> Ident:
    """A finding as a user names it: a short id alone, or a query id and its key."""
    if not key and first not in library() and finding_ids.looks_like(first):
        return resolve(store, first, as_of)
    return first, tuple(key)

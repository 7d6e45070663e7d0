"""Accepted findings as the API and the page count them: apart from the open ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance
from lianfang.queries.runner import QueryResult
from lianfang.queries.spec import QuerySpec


def _day(result: QueryResult) -> dt.date:
    """The day the result was found on (`as_of`, a date or its ISO text), or today."""
    day = result.params.get("as_of")
    if isinstance(day, str):
        return dt.date.fromisoformat(day)
    return day if isinstance(day, dt.date) else calendar.today()


def split(store: GraphStore, result: QueryResult) -> acceptance.Split:
    """The result's accepted findings, on its day, set apart."""
    return acceptance.split(result, acceptance.active(store, _day(result)))


def splits(
    store: GraphStore, listed: Iterable[tuple[QuerySpec, QueryResult]]
) -> list[tuple[QuerySpec, acceptance.Split]]:
    """The same for a catalogue, reading the acceptances once per day."""
    by_day: dict[dt.date, dict[acceptance.Ident, acceptance.Accepted]] = {}
    out = []
    for spec, result in listed:
        day = _day(result)
        if day not in by_day:
            by_day[day] = acceptance.active(store, day)
        out.append((spec, acceptance.split(result, by_day[day])))
    return out

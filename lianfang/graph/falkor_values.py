"""Rows of plain values from FalkorDB's compact reply, decoded in one pass.

Carrying a graph into a staging graph reads every node's properties back; through the
client's result parser and `plain()` that took twice as long as the server needed to
produce them, and a canned query's 18,000 rows took 0.3-0.5 s more at scale 100. Here
every cell is `[type, value]` and only plain values are decoded: strings, numbers,
booleans, dates, lists and maps. Anything else (a node, edge or path, a time, a point)
raises NotPlain, and the caller hands the reply to the client's parser instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import redis

from lianfang.graph.store import QueryError, Row

NULL, STRING, INTEGER, BOOLEAN, DOUBLE, ARRAY, MAP, DATE = 1, 2, 3, 4, 5, 6, 10, 14
_EPOCH = dt.date(1970, 1, 1)
_DAY = 86400


class NotPlain(QueryError):
    """A value this decoder leaves to the client's parser (entities need the graph's
    label and property names, which only the client keeps)."""


def value(cell: list[Any]) -> Any:
    kind, raw = cell
    if kind in (STRING, INTEGER):
        return raw
    if kind == MAP:
        pairs = iter(raw)
        return {key: value(item) for key, item in zip(pairs, pairs, strict=True)}
    if kind == NULL:
        return None
    if kind == DATE:
        return _EPOCH + dt.timedelta(days=raw // _DAY)
    if kind == BOOLEAN:
        return raw == "true"
    if kind == DOUBLE:
        return float(raw)
    if kind == ARRAY:
        return [value(item) for item in raw]
    raise NotPlain(f"expected plain values from FalkorDB, got a value of type {kind}")


def rows(reply: list[Any]) -> list[Row]:
    """The rows of a `GRAPH.RO_QUERY … --compact` reply, as dicts by column name."""
    if reply and isinstance(reply[-1], redis.exceptions.ResponseError):
        raise QueryError(str(reply[-1]))
    if len(reply) < 3:  # statistics only: the query returned nothing
        return []
    names = [name for _, name in reply[0]]
    return [
        {name: value(cell) for name, cell in zip(names, record, strict=True)} for record in reply[1]
    ]

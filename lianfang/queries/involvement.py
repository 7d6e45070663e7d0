"""Which canned queries' findings name a node: what a map's side panel lists for it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from lianfang.queries.runner import QueryResult
from lianfang.queries.spec import ID_COLUMNS, QuerySpec


class Involvement(NamedTuple):
    query_id: str
    title: str
    rows: int  # how many of the query's rows name the node


def involvement(
    answered: Iterable[tuple[QuerySpec, QueryResult]],
) -> dict[tuple[str, str], list[Involvement]]:
    """(label, uid) → the queries whose rows name it, in the order given (the catalogue
    lists the most severe first)."""
    found: dict[tuple[str, str], list[Involvement]] = defaultdict(list)
    for spec, result in answered:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for row in result.rows:
            named: set[tuple[str, str]] = set()
            for column, label in ID_COLUMNS.items():
                value = row.get(column)
                for uid in value if isinstance(value, list) else [value]:
                    if uid:
                        named.add((label, str(uid)))
            for key in named:
                counts[key] += 1
        for key, rows in counts.items():
            found[key].append(Involvement(spec.id, spec.title_zh, rows))
    return dict(found)

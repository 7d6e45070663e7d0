"""A query's rows as a document prints them: Chinese headings, names in place of ids.

A row names a record twice when it carries both its id and its name (`post_id` and
`post_name`); a document keeps the name. An id with no name beside it is printed as the
record's name (a unit, a list of posts); a risk point's and a control's own codes are
kept, since registers and rectification reports cite them. The XLSX review keeps every
column, ids included, for those who work on from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.headings import shown
from lianfang.queries.spec import ID_COLUMNS, QuerySpec
from lianfang.reports.naming import names

# An id column, and the column of the same row that names the same record.
NAMED_BY = {
    "person_id": "person_name",
    "post_id": "post_name",
    "power_id": "power_name",
    "process_id": "process_name",
    "unit_id": "unit_name",
    "power_a": "power_a_name",
    "power_b": "power_b_name",
    "owner_post_ids": "owner_post_names",
}
# Codes a reader cites: printed as they are.
KEPT_IDS = frozenset({"risk_id", "control_id"})
FINDING_ID_ZH = "问题编号"
# Columns that only say how a roll-up was made.
LEFT_OUT = frozenset({"sub_units"})


def columns(spec: QuerySpec) -> list[str]:
    """The columns a document prints, in the query's order."""
    present = {c.name for c in spec.columns}
    return [
        c.name
        for c in spec.columns
        if c.name not in LEFT_OUT and NAMED_BY.get(c.name) not in present
    ]


def heading(spec: QuerySpec, column: str) -> str:
    """A lone id column printed as names is headed by what it names (单位, 职权)."""
    label = ID_COLUMNS.get(column)
    if label and column not in KEPT_IDS and not column.endswith("_ids"):
        return model.node(label).zh
    return spec.heading(column, "zh")


def ids_named(spec: QuerySpec, rows: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """The ids, by label, that the printed columns show as names."""
    wanted: dict[str, set[str]] = {}
    for column in columns(spec):
        label = ID_COLUMNS.get(column)
        if label is None or column in KEPT_IDS:
            continue
        for row in rows:
            value = row.get(column)
            values = value if isinstance(value, list) else [value]
            wanted.setdefault(label, set()).update(str(v) for v in values if v)
    return wanted


@dataclass(frozen=True)
class Reader:
    """Prints rows of any query with one lookup of names for them all."""

    names: dict[str, str]

    @classmethod
    def of(
        cls, store: GraphStore, wanted: Iterable[tuple[QuerySpec, list[dict[str, Any]]]]
    ) -> Reader:
        by_label: dict[str, set[str]] = {}
        for spec, rows in wanted:
            for label, uids in ids_named(spec, rows).items():
                by_label.setdefault(label, set()).update(uids)
        return cls(names(store, by_label))

    def cell(self, column: str, value: Any) -> str:
        if column in ID_COLUMNS and column not in KEPT_IDS:
            values = value if isinstance(value, list) else [value]
            return "、".join(self.names.get(str(v), str(v)) for v in values if v)
        return shown(column, value, "zh")

    def table(
        self, spec: QuerySpec, rows: list[dict[str, Any]]
    ) -> tuple[list[str], list[list[str]]]:
        """Headings and cells; a finding's short id first, by which it is followed up."""
        printed = columns(spec)
        cells = [[self.cell(c, row.get(c)) for c in printed] for row in rows]
        kept = [i for i in range(len(printed)) if any(line[i] for line in cells)]
        printed = [printed[i] for i in kept]  # a column empty in every row says nothing
        cells = [[line[i] for i in kept] for line in cells]
        names = [heading(spec, c) for c in printed]
        if spec.identified:
            names.insert(0, FINDING_ID_ZH)
            for row, line in zip(rows, cells, strict=True):
                line.insert(0, spec.finding_id(row))
        return names, cells

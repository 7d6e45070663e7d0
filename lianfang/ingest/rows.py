"""Reading each data row of a located table into typed values."""

from __future__ import annotations

from typing import Any

from lianfang.graph import model
from lianfang.ingest import cells
from lianfang.ingest.issues import Issue
from lianfang.ingest.registers import Column
from lianfang.ingest.tables import Record, Table


def _convert(column: Column, raw: Any) -> Any:
    """One cell by its column's kind; raises CellError."""
    kind = column.kind
    if kind in ("text", "id", "ref"):
        return cells.text(raw)
    if kind == "refs":
        return cells.id_list(raw)
    if kind == "bool":
        return cells.yes_no(raw)
    if kind == "date":
        return cells.date(raw)
    if kind == "level":
        return cells.level(raw)
    if kind == "int":
        low, high = column.bounds or (None, None)
        return cells.integer(raw, low, high)
    if kind == "choice":
        return cells.choice(raw, column.choices or ())
    if kind == "step":
        return cells.step_ref(raw)
    raise AssertionError(f"unknown column kind {kind}")


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def read_row(table: Table, number: int, values: list[Any]) -> tuple[Record, list[Issue]]:
    """A row as a Record, with the problems that make it invalid."""
    issues: list[Issue] = []
    parsed: dict[str, Any] = {}
    for column in table.register.columns:
        position = table.index.get(column.name)
        raw = values[position] if position is not None and position < len(values) else None
        try:
            value = _convert(column, raw)
        except cells.CellError as exc:
            issues.append(
                table.issue(
                    number,
                    column.name,
                    raw,
                    f"“{cells.text(raw)}”无法识别,应为{exc.zh}",
                    f"{cells.text(raw)!r} is not valid; expected {exc.en}",
                )
            )
            continue
        if column.required and _blank(value) and column.kind != "bool":
            issues.append(
                table.issue(
                    number,
                    column.name,
                    None,
                    f"必填项“{column.header(table.lang)}”为空",
                    f"required cell {column.name!r} is blank",
                )
            )
            continue
        parsed[column.name] = value
    extra = {
        header: text
        for position, header in table.extras.items()
        if position < len(values) and (text := cells.text(values[position])) is not None
    }
    return Record(table, number, parsed, extra, valid=not issues), issues


def read_rows(table: Table) -> tuple[list[Record], list[Issue]]:
    """Every data row below the header; blank rows are skipped."""
    records: list[Record] = []
    issues: list[Issue] = []
    for number, values in table.sheet.rows:
        if number <= table.header_row or all(_blank(cells.text(v)) for v in values):
            continue
        record, problems = read_row(table, number, values)
        issues.extend(problems)
        records.append(record)
    return records, issues


def node_properties(record: Record) -> dict[str, Any]:
    """The schema properties a node row sets, checked by the schema itself (`deflate`).

    A blank cell takes the schema's default (a blank rule status is 现行).
    """
    label = record.table.register.label
    assert label is not None
    props: dict[str, Any] = {}
    for column in record.table.register.columns:
        if not column.prop or column.prop == "uid":
            continue
        value = model.check_value(label, column.prop, record[column.prop])
        if value is None:
            value = model.node(label).prop(column.prop).default
        props[column.prop] = value
    return props

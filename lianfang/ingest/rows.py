"""Reading each data row of a located table into typed values."""

from __future__ import annotations

from functools import cache
from typing import Any

from lianfang.graph import model, vocab
from lianfang.ingest import cells
from lianfang.ingest.issues import WARNING, Issue
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.registers import Column
from lianfang.ingest.tables import Record, Table


@cache
def _forms(label: str, prop: str, choices: tuple[str, ...]) -> dict[str, str]:
    return vocab.choice_forms(label, prop, choices)


def _convert(column: Column, raw: Any, label: str | None) -> Any:
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
        choices = column.choices or ()
        return cells.choice(raw, choices, _forms(label or "", column.prop or "", choices))
    if kind == "step":
        return cells.step_ref(raw)
    raise AssertionError(f"unknown column kind {kind}")


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


# Dates a year can stand for (评定日期, 发布日期): published tables often give only one.
PARTIAL_DATES = {("RiskPoint", "assessed"), ("Rule", "issued")}
# Vocabularies an office may write its own way, and so may declare in a value mapping.
MAPPABLE = ("level", "choice", "bool")
# Classes kept as the office prints them when outside the vocabulary: (label, property)
# → the class they are counted under. The printed word goes to `<property>_printed`.
KEPT_AS_PRINTED = {("Power", "category"): "其他行政权力"}


def _unknown_value(
    table: Table, number: int, column: Column, raw: Any, exc: cells.CellError
) -> Issue:
    """A value the column cannot read, saying how to declare it if it is the office's own."""
    shown = cells.text(raw)
    zh = f"“{shown}”无法识别,应为{exc.zh}"
    en = f"{shown!r} is not valid; expected {exc.en}"
    if column.kind in MAPPABLE:
        header = table.headers.get(column.name) or column.header(table.lang)
        if column.kind == "level":
            options_zh, options_en = "高/中/低", "high/medium/low"
        elif column.kind == "bool":
            options_zh, options_en = "是/否", "yes/no"
        else:
            options_zh = options_en = "/".join(column.choices or ())
        zh += (
            f"。若“{shown}”是本单位的写法,请在“值映射”表中写明它的含义:一行写 列 {header}、"
            f"原值 {shown}、标准值({options_zh} 之一)(或用 --map 文件)"
        )
        en += (
            f". If {shown!r} is your office's own form, declare what it means in a 值映射 "
            f"(mappings) sheet: a row with column {header}, from {shown}, and to one of "
            f"{options_en} (or give --map FILE)"
        )
    return table.issue(number, column.name, raw, zh, en)


def _kept_as_printed(table: Table, number: int, column: Column, raw: Any, counted: str) -> Issue:
    shown = cells.text(raw)
    return table.issue(
        number,
        column.name,
        raw,
        f"“{shown}”不在{column.zh}的标准分类中:按原文保存,统计时计入“{counted}”",
        f"{shown!r} is not one of the standard {column.name} values: kept as printed, "
        f"counted under {counted!r}",
        WARNING,
    )


def _partial_date_warning(table: Table, number: int, column: Column, raw: Any, day: Any) -> Issue:
    return table.issue(
        number,
        column.name,
        raw,
        f"“{cells.text(raw)}”只有年份(或年月),按 {day.isoformat()} 记",
        f"{cells.text(raw)!r} gives only a year (or a month); read as {day.isoformat()}",
        WARNING,
    )


# Shared by every row of a sheet with no extra columns (never written to): a dict per
# row was 60 MB of a province's import.
NO_EXTRA: dict[str, str] = {}


def read_row(
    table: Table, number: int, values: list[Any], value_map: ValueMap | None = None
) -> tuple[Record, list[Issue]]:
    """A row as a Record, with every problem found in it (errors and warnings)."""
    issues: list[Issue] = []
    parsed: dict[str, Any] = {}
    label = table.register.label
    valid = True
    for column in table.register.columns:
        position = table.index.get(column.name)
        raw = values[position] if position is not None and position < len(values) else None
        if value_map is not None:
            raw = value_map.lookup(column, raw)
        try:
            value: Any
            if column.kind == "date" and (label, column.prop) in PARTIAL_DATES:
                value, partial = cells.date_or_partial(raw)
                if partial:
                    issues.append(_partial_date_warning(table, number, column, raw, value))
            else:
                value = _convert(column, raw, label)
        except cells.CellError as exc:
            counted_as = KEPT_AS_PRINTED.get((label or "", column.prop or ""))
            if counted_as is None:
                issues.append(_unknown_value(table, number, column, raw, exc))
                valid = False
                continue
            value = counted_as
            parsed[f"{column.prop}_printed"] = cells.text(raw)
            issues.append(_kept_as_printed(table, number, column, raw, counted_as))
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
            valid = False
            continue
        parsed[column.name] = value
    extra = NO_EXTRA
    if table.extras:
        extra = {
            header: text
            for position, header in table.extras.items()
            if position < len(values) and (text := cells.text(values[position])) is not None
        }
    return Record(table, number, parsed, extra, valid=valid), issues


def read_rows(table: Table, value_map: ValueMap | None = None) -> tuple[list[Record], list[Issue]]:
    """Every data row below the header; blank rows are skipped."""
    records: list[Record] = []
    issues: list[Issue] = []
    for number, values in table.sheet.rows:
        if number <= table.header_row or all(_blank(cells.text(v)) for v in values):
            continue
        record, problems = read_row(table, number, values, value_map)
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
        printed = f"{column.prop}_printed"
        if (label, column.prop) in KEPT_AS_PRINTED:
            props[printed] = record.values.get(printed)
    return props

"""A published table's data rows, one by one, into the registers they state."""

from __future__ import annotations

from typing import Any

from lianfang.graph import vocab
from lianfang.ingest import cells
from lianfang.ingest.issues import ERROR, Issue
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.published.builder import Builder, Row
from lianfang.ingest.published.columns import fold
from lianfang.ingest.published.derive import (
    Derived,
    Layout,
    Levels,
    class_from_lines,
    inline_level,
    power_from_lines,
    risk_items,
    unit_from_lines,
    without_number,
)
from lianfang.ingest.published.grids import Grid
from lianfang.ingest.registers import register

SKIPPED = {"seq"}
_CATEGORY_FORMS = vocab.choice_forms("RiskPoint", "category", tuple(vocab.RISK_CATEGORIES))


def build(
    found: list[tuple[Grid, Layout]], unit: str | None, values: ValueMap | None, file: str
) -> Derived:
    """The registers of every table of one file, and how each column was read."""
    builder = Builder(file, unit, values)
    for grid, layout in found:
        read_as(builder.out, layout)
        if layout.kind == "powers":
            catalogue(builder, grid, layout)
    for grid, layout in found:
        if layout.kind != "powers":
            risks(builder, grid, layout)
    for row in builder.out.rows.get("posts", []):
        names = builder.people.get(row["post_id"])
        if names:
            row["表中所列人员"] = "、".join(sorted(names))
    return builder.out


def read_as(out: Derived, layout: Layout) -> None:
    for column in layout.columns:
        if not column.printed:
            continue
        if column.role is None:
            zh, en = "附加字段(原样保存)", "extra field (kept as printed)"
        elif column.role.key in SKIPPED:
            zh, en = "不保存(行号)", "not kept (numbering)"
        else:
            zh, en = column.role.zh, column.role.en
        out.read_as.append(
            {"table": layout.grid.label, "printed": column.printed, "read_as": zh, "read_as_en": en}
        )
    out.tables.append(layout.grid.label)


def _title_lines(grid: Grid, layout: Layout) -> list[str]:
    inside = [" ".join(c for c in cells_ if c) for n, cells_ in grid.rows if n < layout.header[0]]
    return [*grid.above, *[line for line in inside if line]]


def _top_unit(builder: Builder, grid: Grid, layout: Layout) -> str | None:
    """`--unit`, else the table's unit or title line, else the unit an earlier table of
    the same document named (a second table rarely repeats the title)."""
    name = builder.unit or unit_from_lines(_title_lines(grid, layout)) or builder.document_unit
    if name is None:
        return None
    builder.document_unit = name
    return builder.unit_id(name, None, grid, layout.header[0])


def _data_rows(grid: Grid, layout: Layout) -> list[Row]:
    headers = [fold(c.printed) for c in layout.columns]
    rows = []
    for number, values in grid.rows:
        if number <= layout.header[-1]:
            continue
        texts = [v for v in values if v]
        if not texts:
            continue
        if [fold(v) for v in values[: len(headers)]] == headers:
            continue  # the header again, as Word repeats it on each page
        rows.append(Row(layout, number, values))
    return rows


def _no_unit(builder: Builder, grid: Grid, layout: Layout) -> None:
    builder.out.issues.append(
        Issue(
            ERROR,
            builder.file,
            grid.label,
            layout.header[0],
            None,
            None,
            "未能从表格标题读出单位:请用 --unit 指定单位名称(或在表中加“单位”或“科室”列)",
            "no unit could be read from the table's title: name it with --unit (or give the "
            "table a 单位 or 科室 column)",
        )
    )


def _row_unit(builder: Builder, row: Row, top: str | None) -> str | None:
    _, name = row.first("unit")
    if not name:
        return top
    name = cells.id_list(name)[0] if cells.id_list(name) else name
    return builder.unit_id(name, top, row.layout.grid, row.number)


def catalogue(builder: Builder, grid: Grid, layout: Layout) -> None:
    """A power catalogue: each power with its class, basis, time limit and posts."""
    top = _top_unit(builder, grid, layout)
    table_class = class_from_lines(_title_lines(grid, layout))
    for row in _data_rows(grid, layout):
        _, name = row.first("power")
        if not name:
            continue
        unit = _row_unit(builder, row, top)
        if unit is None:
            _no_unit(builder, grid, layout)
            return
        posts = builder.at_posts(row, unit) or builder.responsible(row, unit)
        if not posts:
            _, section = row.first("unit")
            if section:
                posts = [builder.post_id(unit, section, grid, row.number)]
        _, printed_class = row.first("power_category")
        builder.power_id(name, printed_class or table_class, posts, row)
        power = builder.powers[name]
        for key, prop in (("basis", "basis"), ("time_limit", "time_limit")):
            _, text = row.first(key)
            if text and not power.get(prop):
                power[prop] = text
        if not power["posts"]:
            builder.note(
                grid,
                row.number,
                None,
                name,
                f"职权“{name}”:表中未列行使岗位",
                f"power {name!r}: the table names no post exercising it",
            )


def risks(builder: Builder, grid: Grid, layout: Layout) -> None:
    """A risk table (or a flowchart table): each row's risks with their controls."""
    top = _top_unit(builder, grid, layout)
    lines = _title_lines(grid, layout)
    table_class = class_from_lines(lines)
    # A flowchart table with no power column is the flowchart of the power its title names.
    table_power = power_from_lines(lines) if layout.kind == "flowchart" else None
    if layout.of("power"):
        table_power = None
    levels = Levels(builder.values)
    last: list[dict[str, Any]] = []
    for row in _data_rows(grid, layout):
        risk_column, risk_text = row.first("risk")
        name_column, name_text = row.first("risk_name")
        unit = _row_unit(builder, row, top)
        if unit is None:
            _no_unit(builder, grid, layout)
            return
        at = builder.at_posts(row, unit)
        owners = builder.responsible(row, unit)
        if not risk_text and not name_text:
            _control(builder, row, owners, last)  # a further control of the risk above
            continue
        power = _power(builder, row, at or owners, table_class, table_power)
        step = None
        _, step_name = row.first("step")
        if step_name and power is not None:
            step = builder.step_ref(power, step_name, at or owners, row)
        if layout.kind == "flowchart" and risk_text:
            items = risk_items(risk_text)
        else:
            items = [without_number(risk_text)] if risk_text else [""]
        _, level_text = row.first("level")
        made = []
        for index, item in enumerate(items):
            key = (grid.label, row.origin(risk_column or name_column), index)
            risk = builder.risks.get(key)
            if risk is None:
                risk = _new_risk(
                    builder, row, item, name_text, index, len(items), level_text, levels
                )
                risk.update(unit_id=unit, power_id=power["power_id"] if power else None)
                if step:
                    risk["step"] = step
                builder.risks[key] = risk
                builder.out.add("risks", risk, grid.label, row.number)
            for post in at:
                if post not in risk["post_ids"]:
                    risk["post_ids"].append(post)
            made.append(risk)
        last = made
        _control(builder, row, owners, made)


def _power(
    builder: Builder,
    row: Row,
    posts: list[str],
    table_class: str | None,
    table_power: str | None = None,
) -> dict[str, Any] | None:
    _, name = row.first("power")
    name = name or table_power or ""
    if not name:
        return None
    _, printed_class = row.first("power_category")
    if not posts and name not in builder.powers:
        builder.note(
            row.layout.grid,
            row.number,
            None,
            name,
            f"职权“{name}”:表中未列行使或负责的岗位,不作为职权导入,只记在风险点上",
            f"power {name!r}: the table names no post exercising or answering for it; kept "
            "on the risk point only",
        )
        return None
    builder.power_id(name, printed_class or table_class, posts, row)
    return builder.powers[name]


def _new_risk(
    builder: Builder,
    row: Row,
    item: str,
    name: str,
    index: int,
    items: int,
    level_text: str,
    levels: Levels,
) -> dict[str, Any]:
    grid = row.layout.grid
    description, inline = inline_level(item or name)
    level_text = level_text or (inline or "")
    read, undefined = levels.read(level_text, items)
    risk: dict[str, Any] = {
        "risk_id": f"R{len(builder.risks) + 1}",
        "description": description,
        "post_ids": [],
    }
    if name and item:
        risk["name"] = name
    level = read[index]
    if level:
        risk["level"] = vocab.LEVEL_ZH[level]
    elif undefined:
        risk["风险等级(原文)"] = undefined
        if index == 0:
            builder.note(
                grid,
                row.number,
                "风险等级",
                undefined,
                f"等级“{undefined}”的含义表中没有说明:记为未定级;若本单位有定义,请在值映射中写明",
                f"the level {undefined!r} is not defined by the table: recorded as ungraded; "
                "declare what it means in a value mapping if your office has",
            )
    _, category = row.first("category")
    if category:
        mapped = (
            builder.values.lookup(register("risks").column("category"), category)
            if builder.values
            else category
        )
        canonical = _CATEGORY_FORMS.get(cells.fold(str(mapped)))
        if canonical:
            risk["category"] = canonical
        else:
            risk["风险类别(原文)"] = category
            builder.note(
                grid,
                row.number,
                "风险类别",
                category,
                f"类别“{category}”不在六类之中:原样保存,记为未分类",
                f"the category {category!r} is none of the six: kept as printed, recorded "
                "as unclassified",
            )
    for column in row.layout.columns:
        if column.role is None and column.printed:
            text = row.text(column)
            if text:
                risk[column.printed] = text
    return risk


def _control(builder: Builder, row: Row, owners: list[str], against: list[dict[str, Any]]) -> None:
    column, text = row.first("control")
    if not text or not against:
        return
    key = (row.layout.grid.label, row.origin(column), text)
    control = builder.controls.get(key)
    if control is None:
        control = {
            "control_id": f"C{len(builder.controls) + 1}",
            "description": text,
            "risks": [],
            "owner_posts": [],
        }
        builder.controls[key] = control
        builder.out.add("controls", control, row.layout.grid.label, row.number)
    for risk in against:
        if risk["risk_id"] not in control["risks"]:
            control["risks"].append(risk["risk_id"])
    for post in owners:
        if post not in control["owner_posts"]:
            control["owner_posts"].append(post)

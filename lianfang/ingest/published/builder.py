"""Walking a published table row by row and stating its registers (derive.py says what
each printed form is read as; this module keeps the ids and the links)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianfang.ingest.issues import WARNING, Issue
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.published.derive import (
    Column,
    Derived,
    Layout,
    is_person,
    leadership,
    split_names,
)
from lianfang.ingest.published.grids import Grid

UNCLASSED_POWER = "其他行政权力"


@dataclass
class Row:
    """One data row of a layout: its number and its cells by position."""

    layout: Layout
    number: int
    cells: list[str]

    def text(self, column: Column) -> str:
        return self.cells[column.position] if column.position < len(self.cells) else ""

    def first(self, key: str) -> tuple[Column | None, str]:
        for column in self.layout.of(key):
            value = self.text(column)
            if value:
                return column, value
        return None, ""

    def origin(self, column: Column | None) -> int:
        return (
            self.number if column is None else self.layout.grid.origin(self.number, column.position)
        )


@dataclass
class Builder:
    """The registers of one published file, table after table."""

    file: str
    unit: str | None
    values: ValueMap | None
    out: Derived = field(default_factory=Derived)
    units: dict[str, str] = field(default_factory=dict)  # name → id
    posts: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, name) → id
    powers: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → row
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)  # power → row
    steps: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (table, row the risk cell began in, item of a flowchart box) → the risk's row
    risks: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    controls: dict[tuple[str, int, str], dict[str, Any]] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)  # post id → printed names
    document_unit: str | None = None  # the unit the document's first table named

    # -- notes --------------------------------------------------------------------------
    def note(
        self, grid: Grid, number: int | None, column: str | None, value: Any, zh: str, en: str
    ) -> None:
        self.out.issues.append(Issue(WARNING, self.file, grid.label, number, column, value, zh, en))

    # -- units and posts -------------------------------------------------------------------
    def unit_id(self, name: str, parent: str | None, grid: Grid, number: int) -> str:
        if name not in self.units:
            self.units[name] = name
            row = {"unit_id": name, "name": name}
            if parent and parent != name:
                row["parent_id"] = parent
            self.out.add("units", row, grid.label, number)
        return self.units[name]

    def post_id(self, unit: str, name: str, grid: Grid, number: int) -> str:
        key = (unit, name)
        if key not in self.posts:
            many_units = len(self.units) > 1 or any(u != unit for u, _ in self.posts)
            uid = f"{unit}·{name}" if many_units else name
            self.posts[key] = uid
            self.out.add(
                "posts",
                {"post_id": uid, "name": name, "unit_id": unit, "leadership": leadership(name)},
                grid.label,
                number,
            )
        return self.posts[key]

    def responsible(self, row: Row, unit: str) -> list[str]:
        """The posts answering for a row: a title as printed, a person as the post named
        after the column it is printed in."""
        found: list[str] = []
        for column in row.layout.of("responsible"):
            for name in split_names(row.text(column)):
                if is_person(name):
                    post = self.post_id(unit, column.printed, row.layout.grid, row.number)
                    self.people.setdefault(post, set()).add(name)
                else:
                    post = self.post_id(unit, name, row.layout.grid, row.number)
                found.append(post)
        return list(dict.fromkeys(found))

    def at_posts(self, row: Row, unit: str) -> list[str]:
        found = []
        for column in row.layout.of("post"):
            for name in split_names(row.text(column)):
                found.append(self.post_id(unit, name, row.layout.grid, row.number))
        return list(dict.fromkeys(found))

    # -- powers and flowcharts ---------------------------------------------------------------
    def power_id(self, name: str, printed_class: str | None, posts: list[str], row: Row) -> str:
        power = self.powers.get(name)
        if power is None:
            power = {
                "power_id": f"Q{len(self.powers) + 1}",
                "name": name,
                "category": printed_class or UNCLASSED_POWER,
                "posts": [],
            }
            if not printed_class:
                self.note(
                    row.layout.grid,
                    row.number,
                    None,
                    name,
                    f"职权“{name}”:表中未列职权类别,统计时计入“{UNCLASSED_POWER}”",
                    f"power {name!r}: the table prints no class; counted under {UNCLASSED_POWER!r}",
                )
            self.powers[name] = power
            self.out.add("powers", power, row.layout.grid.label, row.number)
        elif printed_class and power["category"] == UNCLASSED_POWER:
            power["category"] = printed_class
        for post in posts:
            if post not in power["posts"]:
                power["posts"].append(post)
        return power["power_id"]

    def step_ref(self, power: dict[str, Any], name: str, posts: list[str], row: Row) -> str | None:
        """`process#seq` of the step, made on first sight; None if no post handles it."""
        process = self.processes.get(power["power_id"])
        if process is None:
            process = {
                "process_id": f"L{len(self.processes) + 1}",
                "name": f"{power['name']}流程",
                "power_id": power["power_id"],
            }
            self.processes[power["power_id"]] = process
            self.out.add("processes", process, row.layout.grid.label, row.number)
        key = (process["process_id"], name)
        step = self.steps.get(key)
        if step is None:
            if not posts:
                self.note(
                    row.layout.grid,
                    row.number,
                    None,
                    name,
                    f"环节“{name}”:表中未列办理岗位,不作为流程环节导入,风险点挂在职权上",
                    f"step {name!r}: the table names no post handling it; not imported as a "
                    "step, its risks are tied to the power",
                )
                return None
            seq = 1 + sum(1 for p, _ in self.steps if p == process["process_id"])
            step = {"process_id": process["process_id"], "seq": seq, "name": name, "post_ids": []}
            self.steps[key] = step
            self.out.add("steps", step, row.layout.grid.label, row.number)
        for post in posts:
            if post not in step["post_ids"]:
                step["post_ids"].append(post)
        return f"{step['process_id']}#{step['seq']}"

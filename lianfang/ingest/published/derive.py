"""From an office's printed table to the registers it states, and nothing more.

Each data row (or each numbered risk item of a flowchart box) is one risk point, with
the control printed beside it. Responsible columns give the posts that own the
controls (a printed person stands for a post named after the column); a post column
gives the posts where the risk is; the unit comes from `--unit`, a unit line or the
title above the table, or a unit column; powers and flowchart steps from their
columns. What the table does not print stays unsaid: no category (unclassified), no
level or a scale nobody defined (ungraded), no dates, no people holding posts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lianfang.graph import vocab
from lianfang.ingest import cells
from lianfang.ingest.issues import Issue
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.published.columns import BY_KEY, Role, fold, role_of
from lianfang.ingest.published.grids import Grid
from lianfang.ingest.registers import register

HEADER_SEARCH = 15
# A risk table names its risks and at least one of these beside them.
BESIDE_RISKS = {"control", "level", "responsible", "post", "power", "step", "category"}
# A power catalogue names its powers and at least one of these, and no risks.
BESIDE_POWERS = {"basis", "time_limit", "power_category", "post", "responsible"}
DESCRIBING = ("表现", "内容", "描述")
UNIT_LINE = re.compile(r"^(?:填报|责任|编制|所属)?(?:单位|部门|科室)(?:名称)?\s*[:：]\s*(.+)$")
CLASS_LINE = re.compile(r"(?:执法|职权|权力|事项)类别\s*[:：]\s*([^\s,，;；]+)")
TITLE_CUTS = (
    "廉政风险",
    "廉洁风险",
    "岗位廉政",
    "权力运行",
    "风险防控",
    "风险点",
    "防控措施",
    "防控责任",
    "一览表",
    "清单",
)
# Titles and ranks a responsible cell may print instead of a person.
POST_WORDS = re.compile(
    r"(领导|负责人|主任|书记|局长|处长|科长|股长|所长|部长|站长|队长|馆长|院长|校长|组长|"
    r"经理|主管|总监|会计|出纳|员|岗|科|室|部|处|股|所|站|队|组|中心|委员|班子|成员|干部|"
    r"人员|各|全体|机关|单位)"
)
PERSON_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
LEADERSHIP_WORDS = (
    (("分管", "主管领导", "责任领导", "副局长", "副院长", "副校长", "副主任", "副总"), "分管领导"),
    (
        ("主要领导", "主要负责人", "一把手", "党组书记", "局长", "院长", "校长", "书记", "总经理"),
        "主要领导",
    ),
    (("负责人", "科长", "股长", "部长", "所长", "站长", "主任", "队长", "组长"), "部门负责人"),
)
ITEM_START = re.compile(r"(?:^|\n)\s*(?:\d{1,2}\s*[.．、)）](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*")
PER_ITEM_LEVEL = re.compile(r"(\d{1,2})\s*[.、:：]?\s*([高中低])")
INLINE_LEVEL = re.compile(r"(?:风险)?(?:等级|级别)\s*[:：]\s*([^\s,，;；。)）]+)")


@dataclass
class Column:
    position: int
    printed: str
    role: Role | None


@dataclass
class Layout:
    """Where a grid's header is and what each of its columns is read as."""

    grid: Grid
    header: list[int]  # the header's row numbers (one or two)
    columns: list[Column]
    kind: str  # risks, flowchart or powers

    def of(self, key: str) -> list[Column]:
        return [c for c in self.columns if c.role is not None and c.role.key == key]


@dataclass
class Derived:
    """The registers a published file states, the columns as read, and what was noted."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    origins: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # (table, row)
    read_as: list[dict[str, str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def add(self, name: str, row: dict[str, Any], table: str, number: int) -> None:
        self.rows.setdefault(name, []).append(row)
        self.origins.setdefault(name, []).append((table, number))


# -- the header ----------------------------------------------------------------------------
def find_layout(grid: Grid) -> Layout | None:
    """The first row (or pair of rows) that reads as the header of a risk table or of a
    power catalogue; None if the grid is neither."""
    rows = grid.rows[:HEADER_SEARCH]
    for index, (number, cells_) in enumerate(rows):
        columns = [Column(i, _one_line(text), role_of(text)) for i, text in enumerate(cells_)]
        keys = {c.role.key for c in columns if c.role}
        kind = _kind(keys)
        if kind is None:
            continue
        header = [number]
        if index + 1 < len(rows):
            below_number, below = rows[index + 1]
            combined = _second_header_row(columns, below)
            if combined is not None:
                columns, header = combined, [number, below_number]
                kind = _kind({c.role.key for c in columns if c.role}) or kind
        _name_the_risk_columns(columns)
        return Layout(grid, header, columns, kind)
    return None


def _one_line(header: str) -> str:
    """A header printed over two lines (`部门\n负责人`) as one name."""
    return header.replace("\n", "")


def _kind(keys: set[str]) -> str | None:
    if ("risk" in keys or "risk_name" in keys) and keys & BESIDE_RISKS:
        return "flowchart" if "step" in keys else "risks"
    if "power" in keys and keys & BESIDE_POWERS and "control" not in keys:
        return "powers"
    return None


def _second_header_row(columns: list[Column], below: list[str]) -> list[Column] | None:
    """`责任主体` printed over `经办人 | 部门负责人 | 分管领导`: the row below is a header
    too when each of its cells repeats the one above (merged down) or is a header."""
    found = False
    combined = []
    for column in columns:
        text = below[column.position] if column.position < len(below) else ""
        if not text or text == column.printed:
            combined.append(column)
            continue
        role = role_of(text)
        if role is None:
            return None
        found = True
        combined.append(Column(column.position, _one_line(text), role))
    return combined if found else None


def _name_the_risk_columns(columns: list[Column]) -> None:
    """Two risk columns (`风险点` and `…表现形式`): the describing one is the risk, the
    other its short name."""
    risks = [c for c in columns if c.role is not None and c.role.key == "risk"]
    if len(risks) < 2:
        return
    describing = [c for c in risks if any(w in fold(c.printed) for w in DESCRIBING)] or risks[-1:]
    for column in risks:
        if column is not describing[0]:
            column.role = BY_KEY["risk_name"]


# -- the unit ------------------------------------------------------------------------------
def unit_from_lines(lines: Iterable[str]) -> str | None:
    """A unit line (`单位:…`), else the title's words before `廉政风险…一览表`."""
    lines = list(lines)
    for line in lines:
        found = UNIT_LINE.match(fold(line))
        if found and found.group(1):
            return found.group(1)
    for line in lines:
        title = re.sub(r"[(（][^)）]*[)）]$", "", fold(line))
        cuts = [title.find(word) for word in TITLE_CUTS if word in title]
        if not cuts:
            continue
        unit = title[: min(cuts)].rstrip("关于的")
        if len(unit) >= 2:
            return unit
    return None


FLOW_CUTS = ("权力运行", "运行流程", "流程图", "流程", "廉政风险", "风险防控")


def power_from_lines(lines: Iterable[str]) -> str | None:
    """A flowchart table's power, from its title (`行政处罚权力运行流程廉政风险防控图`
    is the flowchart of 行政处罚), when no column names it."""
    for line in lines:
        title = fold(line)
        cuts = [title.find(word) for word in FLOW_CUTS if word in title]
        if cuts and min(cuts) >= 2:
            return title[: min(cuts)]
    return None


def class_from_lines(lines: Iterable[str]) -> str | None:
    for line in lines:
        found = CLASS_LINE.search(fold(line))
        if found:
            return found.group(1)
    return None


# -- posts ---------------------------------------------------------------------------------
def is_person(text: str) -> bool:
    """A printed name (徐千, 李寿国), not a title or a section (科长, 办公室)."""
    return bool(PERSON_NAME.match(text)) and not POST_WORDS.search(text)


def leadership(name: str) -> str:
    for words, level in LEADERSHIP_WORDS:
        if any(word in name for word in words):
            return level
    return "无"


def split_names(text: str) -> list[str]:
    """Several posts or people in one cell: listed, numbered, or on lines or spaces."""
    items = cells.id_list(text)
    names: list[str] = []
    for item in items:
        names.extend(part for part in re.split(r"\s+", item) if part)
    return list(dict.fromkeys(names))


# -- levels ------------------------------------------------------------------------------
class Levels:
    """A level cell as printed, read item by item (`1中2低`), through the value mapping."""

    def __init__(self, values: ValueMap | None) -> None:
        self.values = values
        self.column = register("risks").column("level")

    def read(self, text: str, items: int) -> tuple[list[str | None], str | None]:
        """One level per item, and the printed text when it means nothing by itself."""
        if not text:
            return [None] * items, None
        inline = INLINE_LEVEL.search(text)
        if inline:
            text = inline.group(1)
        if items > 1:
            per_item = dict(PER_ITEM_LEVEL.findall(text))
            if per_item:
                return [self._one(per_item.get(str(n + 1), "")) for n in range(items)], None
        level = self._one(text)
        return [level] * items, (None if level else text)

    def _one(self, text: str) -> str | None:
        if not text:
            return None
        mapped = self.values.lookup(self.column, text) if self.values else text
        return vocab.level(str(mapped))


def without_number(text: str) -> str:
    """A risk printed with its row's number before it (`1、学校发展决议…`), as tables with
    no 序号 column print them: the text without the number."""
    found = ITEM_START.match(text)
    return text[found.end() :].strip() if found and found.start() == 0 else text


def inline_level(text: str) -> tuple[str, str | None]:
    """`风险等级:中` printed inside a risk cell: the text without it, and the level."""
    found = INLINE_LEVEL.search(text)
    if not found:
        return text, None
    return (text[: found.start()] + text[found.end() :]).strip(" ,，;；。\n"), found.group(1)


def risk_items(text: str) -> list[str]:
    """The numbered risks of one flowchart box (`1.… 2.…`), or the whole text."""
    starts = [m for m in ITEM_START.finditer(text)]
    if len(starts) < 2:
        return [without_number(text)]
    items = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        item = text[match.end() : end].strip(" ;；。\n")
        if item:
            items.append(item)
    head = text[: starts[0].start()].strip()
    return items if not head else [text]

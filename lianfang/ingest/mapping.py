"""Value mappings: an office's own scale declared once (A/B/C, ★, 红/黄/蓝 → 高/中/低).

lianfang never guesses what such a scale means; the office says it, in a 值映射 (or
`mappings`) sheet of the workbook, whose rows are 列 / 原值 / 标准值 (column, from,
to), or in a YAML file given as `--map FILE` (`风险等级: {A: 高, B: 中, C: 低}`).
A mapped value is then read as if the standard value had been written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lianfang.ingest import cells
from lianfang.ingest.containers import Sheet
from lianfang.ingest.issues import ERROR, Issue, display_value
from lianfang.ingest.registers import Column, registers

SHEET_NAMES = ("值映射", "mappings")
HEADERS = {"column": ("列", "column"), "from": ("原值", "from"), "to": ("标准值", "to")}


@dataclass
class ValueMap:
    """Folded column header → folded original value → the standard value to read."""

    by_column: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, column: str, original: str, standard: str) -> None:
        self.by_column.setdefault(cells.header_key(column), {})[cells.fold(original)] = standard

    def lookup(self, column: Column, raw: Any) -> Any:
        """The standard value for a raw cell of this column, or the cell unchanged."""
        if not self.by_column or raw is None:
            return raw
        text = cells.text(raw)
        if text is None:
            return raw
        for header in column.headers():
            mapped = self.by_column.get(cells.header_key(header), {}).get(cells.fold(text))
            if mapped is not None:
                return mapped
        return raw

    def merged(self, other: ValueMap) -> ValueMap:
        combined = ValueMap({k: dict(v) for k, v in self.by_column.items()})
        for column, values in other.by_column.items():
            combined.by_column.setdefault(column, {}).update(values)
        return combined


def is_mapping_sheet(name: str) -> bool:
    return cells.fold(name) in {cells.fold(n) for n in SHEET_NAMES}


def known_column(name: str) -> bool:
    key = cells.header_key(name)
    return any(
        key in {cells.fold(h) for h in column.headers()}
        for register in registers()
        for column in register.columns
    )


def _issue(file: str, sheet: str | None, row: int | None, value: Any, zh: str, en: str) -> Issue:
    return Issue(ERROR, file, sheet, row, None, display_value(value), zh, en)


def _unknown_column(file: str, sheet: str | None, row: int | None, name: str) -> Issue:
    return _issue(
        file,
        sheet,
        row,
        name,
        f"值映射中的列“{name}”不是任何登记表的列",
        f"the mapping names column {name!r}, which no register has",
    )


def from_sheet(sheet: Sheet) -> tuple[ValueMap, list[Issue]]:
    """A 值映射 sheet: the first row naming 列/原值/标准值 is its header."""
    mapping, issues = ValueMap(), []
    positions: dict[str, int] | None = None
    for number, values in sheet.rows:
        keys = [cells.header_key(v) for v in values]
        if positions is None:
            found = {
                role: next((i for i, k in enumerate(keys) if k in map(cells.fold, names)), -1)
                for role, names in HEADERS.items()
            }
            if min(found.values()) >= 0:
                positions = found
            continue
        column, original, standard = (
            cells.text(values[i]) if i < len(values) else None for i in positions.values()
        )
        if column is None and original is None and standard is None:
            continue
        if column is None or original is None or standard is None:
            issues.append(
                _issue(
                    sheet.file,
                    sheet.name,
                    number,
                    column or original or standard,
                    "值映射的每一行须填写列、原值和标准值",
                    "each mapping row needs a column, a from value and a to value",
                )
            )
        elif not known_column(column):
            issues.append(_unknown_column(sheet.file, sheet.name, number, column))
        else:
            mapping.add(column, original, standard)
    if positions is None and sheet.rows:
        issues.append(
            _issue(
                sheet.file,
                sheet.name,
                None,
                None,
                "值映射表缺少表头:列、原值、标准值",
                "the mapping sheet has no header row: column, from, to",
            )
        )
    return mapping, issues


def from_yaml(path: Path) -> tuple[ValueMap, list[Issue]]:
    """`--map FILE`: `column: {from: to, …}`, columns named in Chinese or English."""
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        return ValueMap(), [
            _issue(name, None, None, None, f"无法读取值映射文件:{reason}", f"cannot read: {reason}")
        ]
    mapping, issues = ValueMap(), []
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        example = "风险等级: {A: 高, B: 中, C: 低}"
        return mapping, [
            _issue(
                name,
                None,
                None,
                None,
                f"值映射文件应为“列: {{原值: 标准值}}”,如 {example}",
                f"a mapping file is `column: {{from: to}}`, such as {example}",
            )
        ]
    for column, values in raw.items():
        if not known_column(str(column)):
            issues.append(_unknown_column(name, None, None, str(column)))
            continue
        for original, standard in values.items():
            mapping.add(str(column), str(original), str(standard))
    return mapping, issues

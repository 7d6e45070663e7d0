"""Reading an office's published table as registers the import pipeline checks like any
other: the derived rows become sheets of the registers, each row numbered as in the
document and each sheet placed at the document's table, so that every error and every
node's provenance names the table, row and printed column it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianfang.ingest import containers, writers
from lianfang.ingest.containers import Sheet, refusal
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.published.derive import Derived, Layout, find_layout
from lianfang.ingest.published.grids import Grid, read_grids
from lianfang.ingest.published.walk import build
from lianfang.ingest.registers import register, registers
from lianfang.ingest.tables import sheet_register

# Which printed column each derived register column came from: (register, column) → role.
PRINTED_FROM = {
    ("risks", "description"): "risk",
    ("risks", "name"): "risk_name",
    ("risks", "level"): "level",
    ("risks", "category"): "category",
    ("risks", "post_ids"): "post",
    ("risks", "power_id"): "power",
    ("risks", "step"): "step",
    ("risks", "unit_id"): "unit",
    ("controls", "description"): "control",
    ("controls", "owner_posts"): "responsible",
    ("powers", "name"): "power",
    ("powers", "category"): "power_category",
    ("steps", "name"): "step",
}


@dataclass
class Published:
    """What a published file was read as: its registers as sheets, and notes."""

    file: str
    derived: Derived
    layouts: dict[str, Layout]

    def sheets(self) -> list[tuple[Sheet, dict[str, str]]]:
        """One sheet per register and table, with the printed header of each column."""
        out = []
        for spec in registers():
            rows = self.derived.rows.get(spec.name, [])
            origins = self.derived.origins.get(spec.name, [])
            by_table: dict[str, list[tuple[int, dict[str, Any]]]] = {}
            for row, (table, number) in zip(rows, origins, strict=True):
                by_table.setdefault(table, []).append((number, row))
            for table, numbered in by_table.items():
                out.append(self._sheet(spec.name, table, numbered))
        return out

    def _sheet(
        self, name: str, table: str, numbered: list[tuple[int, dict[str, Any]]]
    ) -> tuple[Sheet, dict[str, str]]:
        spec = register(name)
        keys = [c.name for c in spec.columns]
        extras = list(dict.fromkeys(k for _, row in numbered for k in row if k not in keys))
        header = [c.zh for c in spec.columns] + extras
        rows: list[tuple[int, list[Any]]] = [(0, header)]
        for number, row in numbered:
            rows.append((number, [_cell(row.get(key)) for key in [*keys, *extras]]))
        sheet = Sheet(self.file, spec.zh, rows)
        sheet.place = table
        layout = self.layouts.get(table)
        printed = {}
        if layout is not None:
            for (register_name, column), role in PRINTED_FROM.items():
                found = layout.of(role) if register_name == name else []
                if found:
                    printed[column] = found[0].printed
        return sheet, printed

    def to_registers(self, out: Path) -> Path:
        """The registers derived, as the template's workbook, for the office to complete."""
        rows = {
            spec.name: [
                {k: _cell(v) for k, v in row.items()}
                for row in self.derived.rows.get(spec.name, [])
            ]
            for spec in registers()
        }
        return writers.write_workbook(out, rows, "zh")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or None
    return value


def looks_published(path: Path) -> bool:
    """A Word document or a saved web page is read as a published table."""
    return path.is_file() and path.suffix.lower() in (".docx", ".html", ".htm")


def read_any(path: Path, unit: str | None = None, values: ValueMap | None = None) -> Published:
    """A published table from any file that holds one (a register workbook does not)."""
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = containers.read_workbook(path)
        if any(sheet_register(sheet.name) for sheet in sheets):
            raise refusal(
                path.name,
                "这已经是登记表工作簿,不是单位公开的风险点表",
                "this is a register workbook already, not an office's published table",
            )
    return read_published(path, unit, values)


def read_published(
    path: Path, unit: str | None = None, values: ValueMap | None = None
) -> Published:
    """The registers an office's published table states; ContainerError if the file holds
    no table whose printed headers are recognised."""
    grids = read_grids(path)
    return from_grids(path.name, grids, unit, values)


def from_grids(
    file: str, grids: list[Grid], unit: str | None, values: ValueMap | None
) -> Published:
    found = [(grid, layout) for grid in grids if (layout := find_layout(grid)) is not None]
    if not found:
        raise refusal(
            file,
            "文件中没有能识别的风险点表:表头应有“风险点”(或“廉政风险”“风险描述”等)一列,"
            "以及“防控措施”“风险等级”“责任人”“岗位”或“职权”之一;也不是登记表",
            "the file holds no table of risks that lianfang recognises: its header needs a "
            "risk column (风险点, 廉政风险, 风险描述…) and a control, level, responsible, post "
            "or power column beside it; nor is it a register workbook",
        )
    derived = build(found, unit, values, file)
    return Published(file, derived, {grid.label: layout for grid, layout in found})

"""From sheets to registers: which sheet is which register, where its header is,
and every row read into typed values, with every problem collected on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianfang.ingest import cells
from lianfang.ingest.containers import Sheet
from lianfang.ingest.issues import ERROR, WARNING, Issue, display_value
from lianfang.ingest.mapping import is_mapping_sheet
from lianfang.ingest.registers import INSTRUCTION_SHEETS, Column, Register, registers

HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    """A sheet read as one register, with its header located."""

    register: Register
    sheet: Sheet
    lang: str
    header_row: int
    index: dict[str, int]
    headers: dict[str, str]
    extras: dict[int, str] = field(default_factory=dict)

    def issue(
        self,
        row: int | None,
        column: str | None,
        value: Any,
        zh: str,
        en: str,
        severity: str = ERROR,
    ) -> Issue:
        header = column  # a header as written, unless it names a register column
        if column in {c.name for c in self.register.columns}:
            header = self.headers.get(column) or self.register.column(column).header(self.lang)
        return Issue(
            severity,
            self.sheet.file,
            self.sheet.shown,
            row,
            header,
            display_value(value),
            zh,
            en,
            self.lang,
        )


@dataclass(slots=True)
class Record:
    """One data row: typed values by column name, and its extra columns as text.

    A row with errors is still a record (`valid` False) so that its id counts as
    stated: rows referring to it are not blamed for its mistakes.
    """

    table: Table
    row: int
    values: dict[str, Any]
    extra: dict[str, str]
    valid: bool = True

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)


def sheet_register(name: str) -> Register | None:
    key = cells.header_key(name)
    for register in registers():
        if key in (cells.fold(register.name), cells.fold(register.zh)):
            return register
    return None


def _sheet_issue(sheet: Sheet | None, file: str, zh: str, en: str, severity: str = ERROR) -> Issue:
    """A problem with a whole sheet (or with the container, when sheet is None)."""
    name = sheet.name if sheet else None
    return Issue(severity, sheet.file if sheet else file, name, None, None, None, zh, en)


def match_sheets(sheets: list[Sheet]) -> tuple[dict[str, Sheet], list[Issue]]:
    """Each register's sheet, plus errors (missing, doubled) and warnings (ignored)."""
    found: dict[str, Sheet] = {}
    issues: list[Issue] = []
    for sheet in sheets:
        register = sheet_register(sheet.name)
        if register is None:
            if cells.fold(sheet.name) not in INSTRUCTION_SHEETS and not is_mapping_sheet(
                sheet.name
            ):
                zh = f"工作表“{sheet.name}”不是登记表,已忽略"
                en = f"sheet {sheet.name!r} is not a register; ignored"
                issues.append(_sheet_issue(sheet, "", zh, en, WARNING))
            continue
        if register.name in found:
            other = found[register.name].name
            zh = f"登记表“{register.zh}”出现了两次(另一个是“{other}”)"
            en = f"register {register.name!r} appears twice (also as {other!r})"
            issues.append(_sheet_issue(sheet, "", zh, en))
            continue
        found[register.name] = sheet
    file = sheets[0].file if sheets else ""
    for register in registers():
        if register.required and register.name not in found:
            zh = f"缺少必需的登记表“{register.zh}”({register.name})"
            en = f"the required register {register.name!r} ({register.zh}) is missing"
            issues.append(_sheet_issue(None, file, zh, en))
    return found, issues


def _header_matches(register: Register, values: list[Any]) -> dict[str, tuple[int, str, str]]:
    """column name → (position, canonical header, language) for the headers in one row."""
    matches: dict[str, tuple[int, str, str]] = {}
    for position, value in enumerate(values):
        key = cells.header_key(value)
        if not key:
            continue
        for column in register.columns:
            if column.name in matches:
                continue
            if key == cells.fold(column.zh):
                matches[column.name] = (position, column.zh, "zh")
            elif key in {cells.fold(h) for h in column.headers()[1:]}:
                matches[column.name] = (position, column.name, "en")
    return matches


def locate_header(register: Register, sheet: Sheet) -> tuple[Table | None, list[Issue]]:
    """The first row holding every required header (title rows above it are skipped)."""
    required = {c.name for c in register.columns if c.required}
    best: tuple[int, dict[str, tuple[int, str, str]]] | None = None
    for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
        matches = _header_matches(register, values)
        if required <= matches.keys():
            return _table(register, sheet, number, values, matches)
        if matches and (best is None or len(matches) > len(best[1])):
            best = (number, matches)
    lang = "zh"
    if best:
        langs = [m[2] for m in best[1].values()]
        lang = max(("zh", "en"), key=langs.count)
    missing = [register.column(n) for n in sorted(required - (best[1].keys() if best else set()))]
    names_zh = "、".join(c.zh for c in missing)
    names_en = ", ".join(c.name for c in missing)
    return None, [
        Issue(
            ERROR,
            sheet.file,
            sheet.shown,
            best[0] if best else None,
            missing[0].header(lang),
            None,
            f"缺少必需的列:{names_zh}",
            f"missing required column(s): {names_en}",
            lang,
        )
    ]


def _table(
    register: Register,
    sheet: Sheet,
    number: int,
    values: list[Any],
    matches: dict[str, tuple[int, str, str]],
) -> tuple[Table, list[Issue]]:
    langs = [m[2] for m in matches.values()]
    lang = max(("zh", "en"), key=langs.count)
    table = Table(
        register,
        sheet,
        lang,
        number,
        index={name: m[0] for name, m in matches.items()},
        headers={name: m[1] for name, m in matches.items()},
    )
    issues = []
    used = set(table.index.values())
    for position, value in enumerate(values):
        header = cells.text(value)
        if header is None or position in used:
            continue
        if sheet_column(register, header) is not None:
            issues.append(
                table.issue(
                    number,
                    header,
                    None,
                    f"列“{header}”重复出现",
                    f"column {header!r} appears twice",
                )
            )
            continue
        table.extras[position] = header
        issues.append(
            table.issue(
                number,
                header,
                None,
                f"列“{header}”不是标准列,将作为附加属性保存",
                f"column {header!r} is not a register column; kept as an extra attribute",
                WARNING,
            )
        )
    return table, issues


def sheet_column(register: Register, header: str) -> Column | None:
    key = cells.header_key(header)
    for column in register.columns:
        if key in {cells.fold(h) for h in column.headers()}:
            return column
    return None

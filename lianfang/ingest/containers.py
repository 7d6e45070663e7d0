"""Opening a workbook or a folder of CSV files as a list of sheets of raw cells.

Nothing here knows the registers; it only turns files into rows and reports files
that are not what they claim to be (a renamed text file, an empty or encrypted
workbook) as errors instead of tracebacks.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from lianfang.ingest import sheetscan
from lianfang.ingest.issues import ERROR, Issue
from lianfang.ingest.limits import LIMITS, zip_problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Cells up to this long are kept once however often they occur: vocabulary words, and
# the codes one sheet states and others name (30 MB of a province's import).
INTERNED = 32
# A sheet whose box holds more cells than this, most of them empty, is read cell by cell
# (a grid of this many cells costs calamine about 30 MB).
DENSE_FLOOR = 1_000_000


Rows = list[tuple[int, list[Any]]]
Loader = Callable[["Sheet"], Rows]


class Sheet:
    """One sheet (or CSV file): its rows as (row number as Excel shows it, cells).

    A workbook's sheet is read when its rows are first asked for, one sheet at a time,
    so that a province's workbook is never in memory as Python objects all at once; an
    importer sets `rows = []` once it has what it needs. Reading may raise
    ContainerError (a sheet over the row or column limit, a damaged sheet)."""

    def __init__(
        self, file: str, name: str, rows: Rows | None = None, load: Loader | None = None
    ) -> None:
        self.file = file
        self.name = name
        # Where its rows were printed, when that is not a sheet of this name (a table of
        # a published document: 表2); errors and provenance name it.
        self.place: str | None = None
        self._rows = rows if rows is not None or load is not None else []
        self._load = load

    @property
    def shown(self) -> str:
        return self.place or self.name

    @property
    def rows(self) -> Rows:
        if self._rows is None:
            assert self._load is not None
            self._rows = self._load(self)
            self._load = None
        return self._rows

    @rows.setter
    def rows(self, rows: Rows) -> None:
        self._rows, self._load = rows, None


class ContainerError(Exception):
    """The path cannot be read as registers at all."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.en)
        self.issue = issue


def refusal(file: str, zh: str, en: str) -> ContainerError:
    """A file that cannot be read as registers or a table at all, and why."""
    return ContainerError(Issue(ERROR, file, None, None, None, None, zh, en))


def _nul_in(sheet: Sheet, number: int, column: int) -> ContainerError:
    """A NUL character in a cell: no register holds one, and the engines cannot store it,
    so it is refused where it is rather than when the import is written."""
    letter = get_column_letter(column)
    return ContainerError(
        Issue(
            ERROR,
            sheet.file,
            sheet.name,
            number,
            letter,
            None,
            f"第 {number} 行 {letter} 列的单元格含有空字符(NUL),不是正常文本,已拒绝",
            f"the cell in row {number}, column {letter} holds a NUL character, which no "
            "register text has; refused",
        )
    )


def _refuse_nul(sheet: Sheet, number: int, cells: list[Any]) -> None:
    for index, value in enumerate(cells):
        if type(value) is str and "\x00" in value:
            raise _nul_in(sheet, number, index + 1)


def _trim(cells: list[Any]) -> list[Any]:
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def _check_workbook_file(path: Path) -> None:
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    name = path.name
    if not head:
        raise refusal(
            name, "文件是空的,不是 Excel 工作簿", "the file is empty, not an Excel workbook"
        )
    if head == OLE_MAGIC:
        raise refusal(
            name,
            "工作簿已加密(设有密码)或为旧版 .xls 格式:请取消密码并另存为 .xlsx",
            "the workbook is password-protected or an old .xls file: remove the password "
            "and save it as .xlsx",
        )
    if not zipfile.is_zipfile(path):
        raise refusal(
            name,
            "不是 Excel 工作簿(.xlsx),无法读取",
            "not an Excel workbook (.xlsx); cannot read it",
        )


def _check_archive(path: Path) -> tuple[dict[str, str], bool]:
    """Before any XML is parsed: refuse a workbook that would inflate far beyond a
    register's size, or whose XML declares a DTD (entities that expand, or fetch).
    Gives each sheet's XML member, and whether the shared strings escape a NUL."""
    members: dict[str, str] = {}
    nul = False
    try:
        with zipfile.ZipFile(path) as archive:
            problem = zip_problem(archive) or _dtd_problem(archive)
            if not problem:
                members = sheetscan.sheet_members(archive)
                nul = sheetscan.strings_hold_nul(archive)
    except zipfile.BadZipFile:
        problem = None  # calamine reports the damage below
    if problem:
        raise refusal(path.name, *problem)
    return members, nul


def _dtd_problem(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    for member in archive.infolist():
        if not member.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(member) as handle:
            head = handle.read(4096)
        if b"<!DOCTYPE" in head.upper():
            return (
                f"工作簿中的 {member.filename} 含有 DTD 声明,正常的 Excel 文件不会有,已拒绝",
                f"{member.filename} declares a DTD, which no Excel workbook does; refused",
            )
    return None


def _rows_over(sheet: Sheet) -> ContainerError:
    return refusal(
        sheet.file,
        f"工作表“{sheet.name}”超过 {LIMITS.rows} 行,已拒绝(LIANFANG_MAX_ROWS)",
        f"sheet {sheet.name!r} has more than {LIMITS.rows} rows; refused (LIANFANG_MAX_ROWS)",
    )


def _columns_over(sheet: Sheet, number: int) -> ContainerError:
    return refusal(
        sheet.file,
        f"工作表“{sheet.name}”第 {number} 行超过 {LIMITS.columns} 列,已拒绝(LIANFANG_MAX_COLUMNS)",
        f"sheet {sheet.name!r} row {number} has more than {LIMITS.columns} columns; refused "
        "(LIANFANG_MAX_COLUMNS)",
    )


def _cell(value: Any) -> Any:
    """A calamine cell as openpyxl gave it: empty as None, whole numbers as int (Excel
    stores every number as a float, and a code or a count is written without a point)."""
    if type(value) is str:
        return (sys.intern(value) if len(value) <= INTERNED else value) if value else None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _beyond(sheet: Sheet, reference: str) -> ContainerError:
    return refusal(
        sheet.file,
        f"工作表“{sheet.name}”的单元格 {reference} 超出上限({LIMITS.rows} 行、"
        f"{LIMITS.columns} 列),已拒绝(LIANFANG_MAX_ROWS、LIANFANG_MAX_COLUMNS)",
        f"sheet {sheet.name!r} has a cell at {reference}, beyond the limits ({LIMITS.rows} "
        f"rows, {LIMITS.columns} columns); refused (LIANFANG_MAX_ROWS, LIANFANG_MAX_COLUMNS)",
    )


def _sheet_rows(path: Path, book: Any, members: dict[str, str], nul: bool, sheet: Sheet) -> Rows:
    """One sheet's rows, from its cells present: the XML is scanned first, and a sheet
    whose box is mostly empty is read cell by cell rather than as a grid."""
    member = members.get(sheet.name)
    if member is None:  # a chart sheet or an odd archive: calamine says what it is
        return _grid_rows(path, book, sheet, nul)
    try:
        with zipfile.ZipFile(path) as archive:
            extent = sheetscan.scan(archive, member, LIMITS)
    except (KeyError, zipfile.BadZipFile, OSError):
        return _grid_rows(path, book, sheet, nul)
    if extent.beyond:
        raise _rows_over(sheet) if extent.beyond.isdigit() else _beyond(sheet, extent.beyond)
    if extent.sparse(DENSE_FLOOR):
        return _sparse_rows(path, sheet, nul or extent.nul)
    return _grid_rows(path, book, sheet, nul or extent.nul)


def _sparse_rows(path: Path, sheet: Sheet, nul: bool) -> Rows:
    """A sheet read row by row as its cells come (openpyxl's streaming reader), never
    padded to its box: memory follows the cells present."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parse failure is a damaged workbook
        raise refusal(
            path.name,
            f"Excel 工作簿已损坏,无法读取({exc})",
            f"the Excel workbook is damaged and cannot be read ({exc})",
        ) from None
    rows: Rows = []
    try:
        worksheet = book[sheet.name]
        worksheet.reset_dimensions()
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if not values:
                continue
            cells = _trim([_cell(value) for value in values])
            if len(cells) > LIMITS.columns:
                raise _columns_over(sheet, number)
            if cells:
                if nul:
                    _refuse_nul(sheet, number, cells)
                rows.append((number, cells))
    finally:
        book.close()
    return rows


def _grid_rows(path: Path, book: Any, sheet: Sheet, nul: bool) -> Rows:
    """One sheet's non-empty rows, converted as they are read; the raw rows are let go
    one by one, so a sheet is held as Python objects once, not twice."""
    raw = _calamine(path, lambda: book.get_sheet_by_name(sheet.name).to_python(False))
    if len(raw) > LIMITS.rows:
        raise _rows_over(sheet)
    rows: Rows = []
    for index, values in enumerate(raw):
        raw[index] = None
        cells = _trim([_cell(value) for value in values])
        if len(cells) > LIMITS.columns:
            raise _columns_over(sheet, index + 1)
        if cells:
            rows.append((index + 1, cells))
    if nul:
        for number, cells in rows:
            _refuse_nul(sheet, number, cells)
    return rows


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx workbook, values only (formulas as their cached results).

    Read with calamine (Rust), 17x faster than openpyxl's read-only mode on the demo
    workbook; the archive is checked for bombs and DTDs before it parses anything, and
    each sheet's cell references before it is read (sheetscan.py). A sheet is parsed
    when its rows are first asked for."""
    from python_calamine import CalamineWorkbook

    _check_workbook_file(path)
    members, nul = _check_archive(path)
    book = _calamine(path, lambda: CalamineWorkbook.from_path(str(path)))
    load = partial(_sheet_rows, path, book, members, nul)
    return [Sheet(path.name, name, load=load) for name in book.sheet_names]


def _calamine(path: Path, read: Callable[[], Any]) -> Any:
    """Run a calamine read; a damaged or odd archive is a located error, not a crash."""
    from python_calamine import CalamineError

    try:
        return read()
    except (CalamineError, ValueError, TypeError) as exc:
        raise refusal(
            path.name,
            f"Excel 工作簿已损坏,无法读取({exc})",
            f"the Excel workbook is damaged and cannot be read ({exc})",
        ) from None


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError("neither UTF-8 nor GBK/GB18030") from None


def read_csv(path: Path) -> Sheet:
    name = path.name
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise refusal(name, "不是 CSV 文本文件", "not a CSV text file")
    try:
        content = decode_csv(data)
    except ValueError:
        raise refusal(
            name,
            "无法识别编码:请存为 UTF-8 或 GBK 的 CSV",
            "unknown encoding: save as UTF-8 or GBK CSV",
        ) from None
    sheet = Sheet(name, path.stem)
    reader = csv.reader(io.StringIO(content, newline=""))
    nul = "\x00" in content
    try:
        for cells in reader:
            if reader.line_num > LIMITS.rows:
                raise _rows_over(sheet)
            trimmed = _trim([c if c != "" else None for c in cells])
            if len(trimmed) > LIMITS.columns:
                raise _columns_over(sheet, reader.line_num)
            if trimmed:
                if nul:
                    _refuse_nul(sheet, reader.line_num, trimmed)
                sheet.rows.append((reader.line_num, trimmed))
    except csv.Error as exc:
        raise refusal(name, f"CSV 格式错误:{exc}", f"malformed CSV: {exc}") from None
    return sheet


def read_folder(path: Path) -> list[Sheet]:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise refusal(path.name, "文件夹中没有 .csv 文件", "the folder holds no .csv files")
    return [read_csv(p) for p in files]


def read_container(path: Path) -> list[Sheet]:
    """A workbook or a folder of CSV files as sheets."""
    if not path.exists():
        raise refusal(str(path), "文件或文件夹不存在", "no such file or folder")
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(path)
    if path.suffix.lower() == ".csv":
        raise refusal(
            path.name,
            "单个 CSV 文件无法导入:请把各登记表的 CSV 放在同一个文件夹中,导入该文件夹",
            "a single CSV cannot be imported: put one CSV per register in a folder and "
            "import the folder",
        )
    raise refusal(
        path.name,
        "不支持的文件类型:请提供 .xlsx 工作簿或 CSV 文件夹",
        "unsupported file type: give an .xlsx workbook or a folder of CSV files",
    )

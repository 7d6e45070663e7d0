"""An office's published table as a grid of cell texts, from whatever it was kept in.

Word, a saved web page, Excel or CSV: each table becomes a `Grid` of rows of text, the
lines printed above it (a title, a unit, a date), and where cells were merged. A cell
merged over several rows or columns gives its text to every position it covers, and
remembers where it began, so that one merged control (the control of a whole power)
stays one control.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from lianfang.ingest import containers, sheetscan
from lianfang.ingest.containers import refusal
from lianfang.ingest.limits import LIMITS, zip_problem

DOCUMENT_SUFFIXES = (".docx", ".html", ".htm")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LINES_ABOVE = 6  # lines printed above a table that may name its title and unit
MAX_HTML_BYTES = 20 << 20
# Cells a document may expand to once merged cells are filled in: far more than any
# printed table, and bounded whatever rowspan and colspan a hostile page declares.
MAX_CELLS = 2_000_000


@dataclass
class Grid:
    """One table: rows of cell text, numbered as the reader sees them."""

    file: str
    label: str  # 表1, 表2 … in a document; the sheet's name in a workbook
    rows: list[tuple[int, list[str]]]
    above: list[str] = field(default_factory=list)  # lines printed just above it
    # (row number, column) → the row number where a cell merged down began
    began: dict[tuple[int, int], int] = field(default_factory=dict)
    cells: int = 0  # cells so far, merged ones counted where they land

    def origin(self, number: int, column: int) -> int:
        """The row a cell's text was printed in (itself unless merged from above)."""
        return self.began.get((number, column), number)


def clean(text: Any) -> str:
    """A cell's text with its lines kept and spaces trimmed."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in value.split("\n")]
    return "\n".join(line for line in lines if line)


# -- Word ----------------------------------------------------------------------------
def read_docx(path: Path) -> list[Grid]:
    """Every top-level table of a .docx, with the paragraphs printed above each."""
    body = _docx_body(path)
    grids: list[Grid] = []
    lines: list[str] = []
    for element in body:
        if element.tag == f"{W}p":
            text = clean(_text(element))
            if text:
                lines.append(text)
        elif element.tag == f"{W}tbl":
            grid = _docx_table(element, path.name, f"表{len(grids) + 1}")
            grid.above = lines[-LINES_ABOVE:]
            grids.append(grid)
            lines = []
    return grids


def _docx_body(path: Path) -> Any:
    try:
        with zipfile.ZipFile(path) as archive:
            problem = zip_problem(archive)
            if problem:
                raise refusal(path.name, *problem)
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise refusal(
            path.name,
            "不是 Word 文档(.docx),无法读取;旧版 .doc 请另存为 .docx",
            "not a Word document (.docx); save an old .doc as .docx",
        ) from None
    if b"<!DOCTYPE" in xml[:4096].upper():
        raise refusal(path.name, "文档含有 DTD 声明,已拒绝", "the document declares a DTD; refused")
    root = ElementTree.fromstring(xml)
    body = root.find(f"{W}body")
    return [] if body is None else list(body)


def _text(element: Any) -> str:
    """A paragraph's or cell's text: runs joined, breaks and paragraphs as new lines."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.tag == f"{W}p" and parts:
            parts.append("\n")
    return "".join(parts)


def _docx_table(table: Any, file: str, label: str) -> Grid:
    """Rows of a Word table; a vertical merge (vMerge) repeats the cell above."""
    grid = Grid(file, label, [])
    previous: dict[int, tuple[str, int]] = {}  # column → (text, row it began in)
    for number, row in enumerate(table.findall(f"{W}tr"), start=1):
        cells: list[str] = []
        here: dict[int, tuple[str, int]] = {}
        for cell in row.findall(f"{W}tc"):
            props = cell.find(f"{W}tcPr")
            span, merge = 1, None
            if props is not None:
                grid_span = props.find(f"{W}gridSpan")
                if grid_span is not None:
                    span = _span(grid_span.get(f"{W}val"))
                v_merge = props.find(f"{W}vMerge")
                if v_merge is not None:
                    merge = v_merge.get(f"{W}val", "continue")
            column = len(cells)
            if merge == "continue" and column in previous:
                text, began = previous[column]
                grid.began[(number, column)] = began
            else:
                text, began = clean(_text(cell)), number
            for offset in range(span):
                cells.append(text)
                here[column + offset] = (text, began)
                if began != number:
                    grid.began[(number, column + offset)] = began
        previous = here
        grid.rows.append((number, cells))
        _count(grid, len(cells))
    return grid


def _count(grid: Grid, cells: int) -> None:
    """Refuse a table whose merged cells expand past MAX_CELLS (counted as rows land)."""
    grid.cells += cells
    if grid.cells > MAX_CELLS:
        raise refusal(
            grid.file,
            f"{grid.label}展开合并单元格后超过 {MAX_CELLS} 个单元格,不像一张风险点表,已拒绝",
            f"{grid.label} expands to more than {MAX_CELLS} cells once merged cells are "
            "filled in: not a table of risks; refused",
        )


# -- a saved web page ------------------------------------------------------------------
class _Tables(HTMLParser):
    """Tables of a page, with rowspan and colspan, and the text printed before each."""

    def __init__(self, file: str) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.grids: list[Grid] = []
        self.lines: list[str] = []
        self._text: list[str] = []
        self._depth = 0  # nested tables are read as text of their cell
        self._rows: list[list[tuple[str, int, int]]] = []
        self._row: list[tuple[str, int, int]] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._flush_text()
                self._rows = []
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th"):
            found = dict(attrs)
            self._cell = []
            self._span = (_span(found.get("rowspan"), LIMITS.rows), _span(found.get("colspan")))
        elif tag == "br" or tag in ("p", "div", "li"):
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            if self._depth == 1:
                self._end_table()
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th") and self._cell is not None:
            if self._row is not None:
                self._row.append((clean("".join(self._cell)), *self._span))
            self._cell = None
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "li", "tr"):
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data)

    def _add(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)
        elif self._depth == 0:
            self._text.append(text)

    def _flush_text(self) -> None:
        lines = [clean(line) for line in "".join(self._text).split("\n")]
        self.lines.extend(line for line in lines if line)
        self._text = []

    def _end_table(self) -> None:
        grid = Grid(self.file, f"表{len(self.grids) + 1}", [], above=self.lines[-LINES_ABOVE:])
        pending: dict[int, tuple[str, int, int]] = {}  # column → (text, rows left, began)
        for number, row in enumerate(self._rows, start=1):
            cells: list[str] = []
            queue = list(row)
            column = 0
            while queue or column in pending:
                if column in pending:
                    text, left, began = pending[column]
                    cells.append(text)
                    grid.began[(number, column)] = began
                    if left <= 1:
                        del pending[column]
                    else:
                        pending[column] = (text, left - 1, began)
                    column += 1
                    continue
                text, rows, columns = queue.pop(0)
                for _ in range(columns):
                    cells.append(text)
                    if rows > 1:
                        pending[column] = (text, rows - 1, number)
                    column += 1
            grid.rows.append((number, cells))
            _count(grid, len(cells))
        if grid.rows:
            self.grids.append(grid)
        self.lines = []


def _span(value: str | None, most: int = LIMITS.columns) -> int:
    """A cell's colspan or gridSpan (within the column cap), or its rowspan (`most`: the
    row cap; the rows it fills must exist, and MAX_CELLS bounds them)."""
    try:
        return max(1, min(int(value or 1), most))
    except ValueError:
        return 1


def read_html(path: Path) -> list[Grid]:
    data = path.read_bytes()
    if len(data) > MAX_HTML_BYTES:
        raise refusal(
            path.name,
            f"网页文件超过 {MAX_HTML_BYTES >> 20} MB,不像一张风险点表,已拒绝",
            f"the page is over {MAX_HTML_BYTES >> 20} MB, not a table of risks; refused",
        )
    parser = _Tables(path.name)
    parser.feed(_decode_html(data))
    parser.close()
    return parser.grids


def _decode_html(data: bytes) -> str:
    declared = re.search(rb"charset\s*=\s*[\"']?\s*([\w-]+)", data[:4096], re.IGNORECASE)
    names = [declared.group(1).decode("ascii").lower()] if declared else []
    for name in [*names, "utf-8-sig", "gb18030"]:
        try:
            return data.decode("gb18030" if name in ("gb2312", "gbk") else name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


# -- Excel and CSV -------------------------------------------------------------------------
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def read_xlsx(path: Path) -> list[Grid]:
    """Every sheet, with its merged ranges filled in (a workbook keeps a merged range's
    text in its first cell only)."""
    sheets = containers.read_workbook(path)
    with zipfile.ZipFile(path) as archive:
        members = sheetscan.sheet_members(archive)
        merges = {
            name: _merges(archive.read(member))
            for name, member in members.items()
            if member in archive.namelist()
        }
    grids = []
    for sheet in sheets:
        rows = [(number, [clean(_plain(v)) for v in values]) for number, values in sheet.rows]
        grid = Grid(path.name, sheet.name, rows)
        _fill(grid, merges.get(sheet.name, []))
        grids.append(grid)
    return grids


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _merges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range, 1-based."""
    return [
        (
            int(r1),
            sheetscan.column_number(c1.decode()),
            int(r2),
            sheetscan.column_number(c2.decode()),
        )
        for c1, r1, c2, r2 in _MERGE.findall(xml)
    ]


def _fill(grid: Grid, merges: list[tuple[int, int, int, int]]) -> None:
    rows = dict(grid.rows)
    for first_row, first_col, last_row, last_col in merges:
        if (last_row - first_row + 1) * (last_col - first_col + 1) > 100_000:
            continue  # a whole-sheet merge says nothing about the table
        head = rows.get(first_row, [])
        text = head[first_col - 1] if first_col - 1 < len(head) else ""
        for number in range(first_row, min(last_row, first_row + LIMITS.rows) + 1):
            cells = rows.setdefault(number, [])
            while len(cells) < last_col:
                cells.append("")
            for column in range(first_col - 1, last_col):
                cells[column] = text
                if number != first_row:
                    grid.began[(number, column)] = first_row
    grid.rows = sorted(rows.items())


def read_csv(path: Path) -> list[Grid]:
    sheet = containers.read_csv(path)
    rows = [(number, [clean(v) for v in values]) for number, values in sheet.rows]
    return [Grid(path.name, path.stem, rows)]


def read_grids(path: Path) -> list[Grid]:
    """Every table a published file holds."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".html", ".htm"):
        return read_html(path)
    if suffix in containers.WORKBOOK_SUFFIXES:
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    raise refusal(
        path.name,
        "不支持的文件类型:请提供 .xlsx、.docx、.csv 或 .html(网页另存)",
        "unsupported file type: give an .xlsx, .docx, .csv or .html (a saved web page)",
    )

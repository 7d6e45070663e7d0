"""What a workbook's sheets hold, read from their XML before any grid is built.

A grid reader allocates the box from the first to the last cell it meets: one cell at
XFD1048576 asked calamine for 512 GiB, and one at T1048576 for a gigabyte. So each
worksheet's XML is streamed once first: every cell and row reference is checked against
the row and column caps (a located one-line error), and the cells present are counted,
so that a sheet whose box is mostly empty is read cell by cell instead (containers.py).
The declared dimension allocates nothing in either reader and is not trusted: a sheet
declaring A1:XFD1048576 is read as the cells it has. The same pass notes an escaped NUL
(`_x0000_`), which the readers would turn into a character no engine stores.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree

from lianfang.ingest.limits import Limits

CHUNK = 1 << 20
# A cell's or a row's reference, however quoted or spaced. (Within the sheet's data, an
# `r` ending another attribute's name is taken too: it can only widen the box a little.)
_REFERENCE = re.compile(rb"r\s*=\s*[\"']([A-Za-z]*)([0-9]+)")
_COLUMN = re.compile(rb"r\s*=\s*[\"']([A-Za-z]+)[0-9]")
_ROW = re.compile(rb"r\s*=\s*[\"'][A-Za-z]*([0-9]+)")
_DATA_OPENS = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*>")
_DATA_CLOSES = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_NUL = re.compile(rb"_x0000_", re.IGNORECASE)
_RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_number(letters: str) -> int:
    """A column's number from its letters: A is 1, XFD is 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class Extent:
    """A sheet's cells as its XML states them."""

    cells: int = 0
    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0
    nul: bool = False
    # The first reference beyond the caps, as written ("XFD1048576"), if any.
    beyond: str | None = None

    @property
    def area(self) -> int:
        """Cells in the box from the first cell to the last: what a grid reader allocates."""
        if not self.cells:
            return 0
        rows = self.last_row - self.first_row + 1
        return rows * (self.last_column - self.first_column + 1)

    def sparse(self, floor: int) -> bool:
        """Whether a grid would be mostly empty: over `floor` cells and four times those
        present (a real register's box is nearly full)."""
        return self.area > max(floor, 4 * self.cells)

    def add(self, cells: int, first_row: int, last_row: int, first: int, last: int) -> None:
        """Cells met in one stretch of XML, with their box."""
        if not self.cells:
            self.first_row, self.last_row, self.first_column, self.last_column = (
                first_row,
                last_row,
                first,
                last,
            )
        self.cells += cells
        self.first_row = min(self.first_row, first_row)
        self.last_row = max(self.last_row, last_row)
        self.first_column = min(self.first_column, first)
        self.last_column = max(self.last_column, last)


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name and the archive member holding its XML."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    members = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{{{_RELATIONSHIP_NS}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        members[sheet.get("name", "")] = posixpath.normpath(path)
    return members


def scan(archive: zipfile.ZipFile, member: str, limits: Limits) -> Extent:
    """Stream one worksheet's XML: its extent, and the first reference over the caps.

    Only the sheet's data is read: cells live there, and nothing else in it has an
    attribute that ends in `r` with a large number (outside it, `firstPageNumber` does)."""
    extent = Extent()
    rest = b""
    inside = False
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            text = rest + chunk
            cut = text.rfind(b">") + 1
            text, rest = text[:cut], text[cut:]
            if not inside:
                opened = _DATA_OPENS.search(text)
                if not opened:
                    continue
                inside, text = True, text[opened.end() :]
            closed = _DATA_CLOSES.search(text)
            _scan_text(text[: closed.start()] if closed else text, extent, limits)
            if extent.beyond or closed:
                return extent
    if inside:
        _scan_text(rest, extent, limits)
    return extent


def _scan_text(text: bytes, extent: Extent, limits: Limits) -> None:
    """One stretch of XML; the work per cell stays in the regex engine (a province's
    sheets hold millions of cells)."""
    if _NUL.search(text):
        extent.nul = True
    letters = _COLUMN.findall(text)
    numbers = _ROW.findall(text)
    if not numbers:
        return
    columns = [column_number(found.decode("ascii")) for found in set(letters)] or [1]
    rows = list(map(int, numbers))
    first_row, last_row = min(rows), max(rows)
    if last_row > limits.rows or max(columns) > limits.columns:
        extent.beyond = _first_beyond(text, limits)
        return
    if letters:
        extent.add(len(letters), first_row, last_row, min(columns), max(columns))


def _first_beyond(text: bytes, limits: Limits) -> str:
    """The first reference in this stretch that is over a cap, as written."""
    for found in _REFERENCE.finditer(text):
        letters, number = found.group(1).decode("ascii"), int(found.group(2))
        if number > limits.rows or (letters and column_number(letters) > limits.columns):
            return f"{letters}{number}"
    raise AssertionError("a reference over the caps was counted but not found")


def strings_hold_nul(archive: zipfile.ZipFile) -> bool:
    """Whether the shared strings escape a NUL character anywhere."""
    try:
        with archive.open("xl/sharedStrings.xml") as handle:
            tail = b""
            while chunk := handle.read(CHUNK):
                if _NUL.search(tail + chunk):
                    return True
                tail = chunk[-8:]
    except KeyError:
        return False
    return False

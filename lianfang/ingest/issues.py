"""Errors and warnings found in registers, each pinned to file, sheet, row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem, said in both languages; `lang` is the language of the sheet's headers.

    `row` is the row number as Excel shows it (the CSV line number for CSV files).
    """

    severity: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    zh: str
    en: str
    lang: str = "zh"

    @property
    def message(self) -> str:
        return self.zh if self.lang == "zh" else self.en

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message": self.message}


class IngestFailed(Exception):
    """The registers have errors; nothing was written."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.is_error]
        super().__init__(f"{len(errors)} error(s) in the registers; nothing was written")


def display_value(value: Any) -> str | None:
    """How a bad value is shown back to the user."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"

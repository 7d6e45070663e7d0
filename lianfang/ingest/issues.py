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


# A 22 MB sheet once answered with 458,754 errors (a 99.9 MB response): the list is
# capped, and a last line gives how many more there are.
MAX_LISTED = 1000


class IngestFailed(Exception):
    """The registers have errors; nothing was written. At most MAX_LISTED errors (and as
    many warnings) are kept, then one line saying how many more errors there are;
    `error_count` is the true total."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.is_error]
        warnings = [i for i in issues if not i.is_error][:MAX_LISTED]
        self.error_count = len(errors)
        kept = errors[:MAX_LISTED]
        more = len(errors) - len(kept)
        if more:
            last = kept[-1]
            kept.append(
                Issue(
                    ERROR,
                    last.file,
                    None,
                    None,
                    None,
                    None,
                    f"另有 {more:,} 个同类错误未列出",
                    f"and {more:,} more errors of the same kinds",
                    last.lang,
                )
            )
        self.issues = kept + warnings
        super().__init__(f"{self.error_count} error(s) in the registers; nothing was written")


def display_value(value: Any) -> str | None:
    """How a bad value is shown back to the user."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"

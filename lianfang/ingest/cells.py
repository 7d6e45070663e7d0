"""Reading one cell the many ways offices fill it in (REGISTERS.md, "Cell values").

Forgiving in form, strict in meaning: every accepted form maps to one stored value,
and anything else raises CellError saying what was expected, in both languages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from lianfang.graph import vocab


class CellError(ValueError):
    """A cell that cannot be read; carries what was expected in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


fold = vocab.fold


def header_key(text: Any) -> str:
    """A header cell as a match key: folded, with a trailing `*` (required mark) removed."""
    if text is None:
        return ""
    key = fold(str(text))
    return key.rstrip("*").strip()


def text(value: Any) -> str | None:
    """A trimmed string; None when blank. Integral numbers lose Excel's `.0`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    stripped = str(value).strip()
    return stripped or None


LIST_SEPARATORS = re.compile(r"[;；,，、\n\r①-⑳]+")


# Numbering pasted before a list item: 1. 2、 3） (1) （2） ① 一、, at the start of the cell
# or of an item. Only before more text (an item `1` is an id, `1、2、3` a list of ids, and
# `1.2` a number).
ITEM_NUMBER = re.compile(
    r"(^|[;；,，、\n\r])\s*"
    r"(?:[(（]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[.．、)）]|[①-⑳]|[一二三四五六七八九十]{1,3}、)\s*"
    r"(?=[^\d\s;；,，、])"
)


def unnumbered(raw: str) -> str:
    """A cell without the numbering pasted before its items."""
    return ITEM_NUMBER.sub(r"\1", raw)


def id_list(value: Any) -> list[str]:
    """Several ids in one cell, in order, without blanks, repeats or pasted numbering."""
    raw = text(value)
    if raw is None:
        return []
    items = (p.strip() for p in LIST_SEPARATORS.split(unnumbered(raw)))
    return list(dict.fromkeys(item for item in items if item))


def yes_no(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    answer = vocab.yes_no(str(value))
    if answer is None:
        raise CellError("是/否", "yes/no")
    return answer


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
DATE_EXPECTED = CellError(
    "日期,如 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日",
    "a date such as 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日",
)


def date(value: Any) -> dt.date | None:
    """A real Excel date cell, or text in one of the accepted forms."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = unicodedata.normalize("NFKC", str(value)).replace(" ", "").strip()
    if not raw:
        return None
    raw = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})[T ]?00:00(:00)?$", r"\1", raw)
    for form in _DATE_FORMS:
        match = form.match(raw)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                break
    raise CellError(DATE_EXPECTED.zh, DATE_EXPECTED.en)


def level(value: Any) -> str | None:
    """Risk level on the one canonical scale: high, medium, low."""
    raw = text(value)
    if raw is None:
        return None
    canonical = vocab.level(raw)
    if canonical is None:
        raise CellError(vocab.LEVEL_EXPECTED_ZH, vocab.LEVEL_EXPECTED_EN)
    return canonical


_PARTIAL_FORMS = (
    re.compile(r"^(\d{4})年?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
)


def date_or_partial(value: Any) -> tuple[dt.date | None, bool]:
    """A full date, or a year (`2015年`) or year and month (`2015年3月`) read as its first
    day; the flag says the date was partial. Only for dates a year can stand for (when
    a grade was assessed, when a rule was issued)."""
    try:
        return date(value), False
    except CellError:
        raw = unicodedata.normalize("NFKC", str(value)).replace(" ", "").strip()
        for form in _PARTIAL_FORMS:
            match = form.match(raw)
            if match:
                year = int(match.group(1))
                month = int(match.group(2)) if match.lastindex == 2 else 1
                if 1 <= month <= 12:
                    return dt.date(year, month, 1), True
        raise CellError(
            DATE_EXPECTED.zh + ",或年份(如 2015年)、年月(如 2015年3月)",
            DATE_EXPECTED.en + ", or a year (2015年) or a year and month (2015年3月)",
        ) from None


def integer(value: Any, low: int | None = None, high: int | None = None) -> int | None:
    """A whole number, optionally within [low, high]."""
    raw = text(value)
    if raw is None:
        return None
    bounds_zh = f"{low}–{high} 之间的" if low is not None and high is not None else ""
    bounds_en = f" from {low} to {high}" if low is not None and high is not None else ""
    try:
        number = float(unicodedata.normalize("NFKC", raw))
    except ValueError:
        raise CellError(f"{bounds_zh}整数", f"a whole number{bounds_en}") from None
    if not number.is_integer():
        raise CellError(f"{bounds_zh}整数", f"a whole number{bounds_en}")
    if (low is not None and number < low) or (high is not None and number > high):
        raise CellError(f"{bounds_zh}整数", f"a whole number{bounds_en}")
    return int(number)


def choice(value: Any, choices: Iterable[str], forms: dict[str, str] | None = None) -> str | None:
    """One word of a closed vocabulary, matched ignoring width and surrounding spaces;
    `forms` (folded form → word) adds the printed variants offices write."""
    raw = text(value)
    if raw is None:
        return None
    options = list(choices)
    by_key = forms or {fold(option): option for option in options}
    try:
        return by_key[fold(raw)]
    except KeyError:
        listed = "/".join(options)
        raise CellError(f"以下之一:{listed}", f"one of {listed}") from None


def step_ref(value: Any) -> tuple[str, int] | None:
    """A step reference `process_id#seq`."""
    raw = text(value)
    if raw is None:
        return None
    process, sep, seq = unicodedata.normalize("NFKC", raw).rpartition("#")
    if not sep or not process.strip() or not seq.strip().isdigit():
        raise CellError("流程编号#序号,如 LC01#2", "process_id#seq, such as LC01#2")
    return process.strip(), int(seq)

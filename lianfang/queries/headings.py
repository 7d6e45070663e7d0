"""What a reader sees for a result column and its coded values, in either language.

The Chinese headings live in headings.yaml, one per column name across the library, so
`person_id` is 人员编号 in every query; English keeps the column's own name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lianfang.queries.exports import cell

GLOSSARY = Path(__file__).parent / "headings.yaml"
YES_NO = {True: "是", False: "否"}


@cache
def _glossary() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    raw = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    values = {k: dict(v) for k, v in raw["values"].items()}
    return dict(raw["headings"]), values, dict(raw["parameters"])


def parameter_name(name: str, lang: str) -> str:
    """A query parameter as a form labels it (its own name in English)."""
    return _glossary()[2].get(name, name) if lang == "zh" else name


def heading_zh(column: str) -> str | None:
    """The glossary's Chinese heading for a column name, if it has one."""
    return _glossary()[0].get(column)


def shown(column: str, value: Any, lang: str) -> str:
    """A value as a reader of that language reads it: coded values and flags in words."""
    if lang != "zh":
        return cell(value)
    if isinstance(value, bool):
        return YES_NO[value]
    words = _glossary()[1].get(column)
    if words is not None:
        if isinstance(value, list):
            return "、".join(words.get(str(v), cell(v)) for v in value)
        if isinstance(value, str):
            return words.get(value, value)
    if isinstance(value, list):
        return "、".join(cell(v) for v in value)
    return cell(value)

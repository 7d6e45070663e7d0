"""The words of the shared vocabularies, and the one parser for each.

A risk level or a yes/no is typed by clerks into registers and by analysts into query
parameters; both read it here, so a form one of them accepts the other accepts too.
Register-only vocabularies (categories, step roles…) stay with the schema's choices.
"""

from __future__ import annotations

import unicodedata

from lianfang.graph import schema

LEVELS: tuple[str, ...] = tuple(schema.RISK_LEVELS)  # high, medium, low: highest first
LEVEL_ZH: dict[str, str] = dict(schema.RISK_LEVELS)  # high → 高
RISK_CATEGORIES: dict[str, str] = dict(schema.RISK_CATEGORIES)  # 思想道德 → English
SEVERITY_ORDER: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}

# Each level's own forms; the printed variants (高风险, 一级风险, Ⅰ级…) are derived below.
_LEVEL_WORDS = {
    "high": ("高", "一级", "high", "h", "1"),
    "medium": ("中", "二级", "medium", "m", "2"),
    "low": ("低", "三级", "low", "l", "3"),
}
_ROMAN = {"high": ("ⅰ", "i"), "medium": ("ⅱ", "ii"), "low": ("ⅲ", "iii")}


def fold(text: str) -> str:
    """Full-width to half-width, trimmed and case-folded: how words are matched."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _level_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for level, words in _LEVEL_WORDS.items():
        zh, grade = words[0], words[1]
        for word in (*words[:4], f"{zh}风险", f"{grade}风险", f"{words[4]}级"):
            forms[fold(word)] = level
        for roman in _ROMAN[level]:
            forms[fold(f"{roman}级")] = level
    return forms


LEVEL_FORMS: dict[str, str] = _level_forms()
LEVEL_EXPECTED_ZH = "高/中/低、一级/二级/三级、高风险、一级风险或Ⅰ级/1级"
LEVEL_EXPECTED_EN = "high/medium/low, H/M/L, 高/中/低, 一级/二级/三级, 高风险, 一级风险 or Ⅰ级/1级"

YES_FORMS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "on"})
NO_FORMS = frozenset({"否", "n", "no", "false", "0", "off"})


def level(text: str) -> str | None:
    """The canonical level (high/medium/low) for any accepted form; None if not one."""
    return LEVEL_FORMS.get(fold(text))


def yes_no(text: str) -> bool | None:
    """True or False for any accepted form (blank is no); None if it is neither."""
    word = fold(text)
    if word == "" or word in NO_FORMS:
        return False
    if word in YES_FORMS:
        return True
    return None


# Forms offices print for the closed vocabularies, beyond the words themselves
# (REGISTERS.md: "recognised in the forms offices actually write").
_SUFFIXED = {("RiskPoint", "category"): ("风险", "类", "类风险"), ("Power", "category"): ("类",)}
_EXTRA_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("RiskPoint", "category"): {
        "三重一大决策": "三重一大",
        "三重一大事项": "三重一大",
        "三重一大决策风险": "三重一大",
        "三重一大事项风险": "三重一大",
    },
    ("Power", "category"): {
        "其他权力": "其他行政权力",
        "其他权利": "其他行政权力",  # 权利 for 权力: a slip printed tables make
        "其他权力类": "其他行政权力",
        "其他权利类": "其他行政权力",
        "其他行政权力类": "其他行政权力",
    },
    ("Step", "role"): {
        "集体研究": "集体决策",
        "集体讨论": "集体决策",
        "集体研究决定": "集体决策",
        "监督检查": "监督",
    },
}


def choice_forms(label: str, prop: str, choices: tuple[str, ...]) -> dict[str, str]:
    """Folded form → stored word, for one vocabulary: each word, its printed suffixed
    forms, and the synonyms offices use."""
    forms = {fold(word): word for word in choices}
    for word in choices:
        for suffix in _SUFFIXED.get((label, prop), ()):
            forms.setdefault(fold(word + suffix), word)
    for form, word in _EXTRA_FORMS.get((label, prop), {}).items():
        forms.setdefault(fold(form), word)
    return forms

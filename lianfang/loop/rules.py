"""The loop's two rules files, read and checked: warning levels and the scorecard.

Both ship with the package (loop/rules/) and can be replaced by a file of one's own
(`--rules`, or LIANFANG_WARNING_RULES / LIANFANG_SCORE_RULES), so that an office can
review and change them like the query library, without touching code.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from lianfang.queries.spec import library

RULES = Path(__file__).parent / "rules"
M = TypeVar("M", bound=BaseModel)
SEVERITIES = ("high", "medium", "low")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the problem."""


class Level(BaseModel):
    level: str
    zh: str
    severities: list[str] = Field(default_factory=list)
    queries: list[str] = Field(default_factory=list)
    overdue_days: int | None = None
    disposition: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> Level:
        unknown = set(self.severities) - set(SEVERITIES)
        if unknown:
            raise ValueError(f"unknown severity {sorted(unknown)}; use {', '.join(SEVERITIES)}")
        missing = set(self.queries) - set(library())
        if missing:
            raise ValueError(f"unknown query {sorted(missing)}")
        return self


class Green(BaseModel):
    zh: str = "绿"
    disposition: list[str] = Field(default_factory=list)


class WarningRules(BaseModel):
    levels: list[Level]  # the highest first
    green: Green = Field(default_factory=Green)

    def order(self) -> list[str]:
        """Level names from the highest to green."""
        return [lv.level for lv in self.levels] + ["green"]

    def zh(self, level: str) -> str:
        return self.green.zh if level == "green" else self.level(level).zh

    def level(self, name: str) -> Level:
        return next(lv for lv in self.levels if lv.level == name)

    def disposition(self, level: str) -> list[str]:
        return self.green.disposition if level == "green" else self.level(level).disposition


class Deduction(BaseModel):
    points: float = Field(ge=0)
    cap_per_query: float = Field(ge=0)


class Overdue(BaseModel):
    points: float = Field(ge=0)
    cap: float = Field(ge=0)


class Grade(BaseModel):
    grade: str
    en: str
    min: float


class ScoreRules(BaseModel):
    start: float = 100
    findings: dict[str, Deduction]
    overdue_rectification: Overdue
    no_risk_register: float = Field(ge=0)
    grades: list[Grade]

    @model_validator(mode="after")
    def _complete(self) -> ScoreRules:
        missing = set(SEVERITIES) - set(self.findings)
        if missing:
            raise ValueError(f"findings: no deduction for {sorted(missing)}")
        if [g.min for g in self.grades] != sorted((g.min for g in self.grades), reverse=True):
            raise ValueError("grades must go from the highest minimum to the lowest")
        if not self.grades or self.grades[-1].min > 0:
            raise ValueError("the last grade must start at 0, so every score has one")
        return self

    def grade(self, score: float) -> Grade:
        return next(g for g in self.grades if score >= g.min)


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: {exc}") from None


def _load(kind: type[M], path: Path) -> M:
    try:
        return kind.model_validate(_read(path))
    except ValidationError as exc:
        problem = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise RulesError(f"{path}: {problem}") from None


@cache
def warning_rules(path: Path | None = None) -> WarningRules:
    chosen = path or Path(os.environ.get("LIANFANG_WARNING_RULES") or RULES / "warnings.yaml")
    return _load(WarningRules, chosen)


@cache
def score_rules(path: Path | None = None) -> ScoreRules:
    chosen = path or Path(os.environ.get("LIANFANG_SCORE_RULES") or RULES / "score.yaml")
    return _load(ScoreRules, chosen)

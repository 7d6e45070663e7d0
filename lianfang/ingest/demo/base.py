"""What every part of the demo generator shares: the output, the ids, the dice."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from lianfang.ingest.demo import text

REFERENCE_DAY = dt.date(2025, 12, 31)  # "now" inside the demo
Row = dict[str, Any]
# (process id, power id, [(seq, role, post)])
Flowchart = tuple[str, str, list[tuple[int, str, str]]]


@dataclass
class Registers:
    """Rows per register, keyed by register name, in REGISTERS.md's column names."""

    sheets: dict[str, list[Row]] = field(
        default_factory=lambda: {
            name: []
            for name in (
                "units",
                "posts",
                "people",
                "assignments",
                "powers",
                "conflicts",
                "processes",
                "steps",
                "rules",
                "risks",
                "controls",
                "incidents",
            )
        }
    )

    def add(self, register: str, **row: Any) -> Row:
        cleaned = {k: v for k, v in row.items() if v is not None}
        self.sheets[register].append(cleaned)
        return cleaned


@dataclass
class Bureau:
    """One bureau's ids, gathered while it is generated, for the later passes."""

    uid: str
    index: int
    domain: str
    leader: str = ""
    deputies: list[str] = field(default_factory=list)
    inspector: str = ""
    heads: dict[str, str] = field(default_factory=dict)  # section unit → head post
    staff: dict[str, list[str]] = field(default_factory=dict)  # section unit → staff posts
    finance: dict[str, str] = field(default_factory=dict)  # role → post
    powers: dict[str, list[str]] = field(default_factory=dict)  # power → posts
    power_info: dict[str, Row] = field(default_factory=dict)
    holders: dict[str, str] = field(default_factory=dict)  # post → current person
    rules: list[str] = field(default_factory=list)  # rules in force


class DemoBase:
    """Seeded randomness and id counters: the same seed gives the same registers."""

    def __init__(self, scale: int, seed: int) -> None:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.scale = scale
        self.rng = random.Random(seed)
        self.out = Registers()
        self.counter: dict[str, int] = {}

    def next_id(self, prefix: str) -> str:
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        return f"{prefix}{self.counter[prefix]:04d}"

    def day(self, start_year: int, end_year: int) -> dt.date:
        first = dt.date(start_year, 1, 1)
        last = min(dt.date(end_year, 12, 31), REFERENCE_DAY)
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def person_name(self) -> str:
        given = self.rng.choice(text.GIVEN) + (
            self.rng.choice(text.GIVEN) if self.rng.random() < 0.6 else ""
        )
        return self.rng.choice(text.SURNAMES) + given

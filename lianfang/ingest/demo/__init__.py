"""The demo organisation: a plausible county government's registers, with planted gaps.

Scale 1 is one county (about 2,000 risk points, 2,500 controls, 300 rules and 50
flowcharts, the size the practice reports); scale N is N counties under a city, for
benchmarks. The same seed always gives the same registers: every choice comes from
one seeded random generator, and dates are measured from a fixed reference day, not
from today. Gaps of every kind in QUERIES.md are planted on purpose (each marked
"Planted" in the code), so each canned query has something to find.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from lianfang.ingest.demo import text
from lianfang.ingest.demo.base import Bureau, Row
from lianfang.ingest.demo.org import OrgMixin
from lianfang.ingest.demo.powers import PowersMixin
from lianfang.ingest.demo.risks import RisksMixin

if TYPE_CHECKING:
    from lianfang.graph.store import GraphStore
    from lianfang.ingest.load import Report


class DemoGenerator(OrgMixin, PowersMixin, RisksMixin):
    """Counties of bureaus, each generated in the order its registers refer to each other."""

    def generate(self) -> dict[str, list[Row]]:
        root = None
        if self.scale > 1:
            root = self.out.add("units", unit_id="CITY", name="云州市人民政府", kind="机关")[
                "unit_id"
            ]
        for county in range(self.scale):
            self.county(county, root)
        return self.out.sheets

    def county(self, index: int, parent: str | None) -> None:
        suffix = "" if index < len(text.COUNTIES) else str(index // len(text.COUNTIES) + 1)
        name = text.COUNTIES[index % len(text.COUNTIES)] + suffix
        county_id = f"C{index + 1:02d}"
        self.out.add(
            "units", unit_id=county_id, name=f"{name}县人民政府", parent_id=parent, kind="机关"
        )
        for number, (bureau, sections, domain) in enumerate(text.BUREAUS):
            uid = f"{county_id}B{number + 1:02d}"
            self.out.add(
                "units", unit_id=uid, name=f"{name}县{bureau}", parent_id=county_id, kind="机关"
            )
            b = Bureau(uid, number, domain)
            self.leadership(b, bureau)
            for k, section in enumerate((*text.COMMON_SECTIONS, *sections)):
                self.section(b, f"{uid}S{k + 1:02d}", section)
            places = self.rng.sample(text.BRANCHES, self.rng.choice((0, 1, 1, 2)))
            for k, place in enumerate(places):
                self.section(b, f"{uid}D{k + 1}", f"{place}{bureau[:2]}所", kind="派出机构")
            self.powers(b, sections)
            self.people(b)
            processes = self.processes(b)
            self.rules(b, processes)
            risks = self.risks_and_controls(b, processes)
            self.incidents(b, risks)


def generate(scale: int = 1, seed: int = 2024) -> dict[str, list[Row]]:
    """The demo registers, rows keyed by column name."""
    return DemoGenerator(scale, seed).generate()


def load_demo(store: GraphStore, scale: int = 1, seed: int = 2024) -> Report:
    """Import the demo organisation (source `demo`), through the ordinary importer."""
    from lianfang.ingest.load import load
    from lianfang.ingest.writers import write_workbook

    with tempfile.TemporaryDirectory(prefix="lianfang-demo-") as folder:
        workbook = write_workbook(Path(folder) / "demo.xlsx", generate(scale, seed))
        return load(workbook, store, source="demo")

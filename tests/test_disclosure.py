"""The public disclosure names posts, never people."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.reports.disclosure import disclosure_rows, write_html, write_xlsx


def people(store: EmbeddedFalkorStore) -> set[str]:
    rows = store.read("MATCH (e:Person) RETURN e.name AS name, e.uid AS uid")
    return {row["name"] for row in rows} | {row["uid"] for row in rows}


def test_no_person_name_or_id_anywhere(demo_dir: Path, tmp_path: Path) -> None:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        names = people(store)
        rows = disclosure_rows(store)
    assert len(names) > 500 and len(rows) > 1000
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(rows, "公示")))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    html = write_html(rows, "公示")
    leaked = {name for name in names if name in html or any(name in c for c in cells)}
    assert leaked == set()
    assert any("科长" in c for c in cells) and "防控措施" in html  # posts and controls are there
    for suffix in ("xlsx", "html"):
        out = tmp_path / f"d.{suffix}"
        result = cli(demo_dir, "disclose", "--unit", "C01B02", "-o", str(out))
        assert result.returncode == 0, result.stderr
        text = out.read_text(errors="ignore") if suffix == "html" else ""
        assert not any(name in text for name in names)


def test_disclosure_lists_each_posts_risks_and_controls(demo_dir: Path) -> None:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        rows = disclosure_rows(store, "C01B02S04")
        # Each post's risks: those naming it, its powers, or the steps it handles.
        pairs = set()
        for path in (
            "(r:RiskPoint)-[:AT_POST]->(p)",
            "(r:RiskPoint)-[:OF_POWER]->(:Power)<-[:EXERCISES]-(p)",
            "(r:RiskPoint)-[:AT_STEP]->(:Step)-[:HANDLED_BY]->(p)",
        ):
            found = store.read(
                f"MATCH (p:Post)-[:IN_UNIT]->(:Unit {{uid: 'C01B02S04'}}) MATCH {path} "
                "RETURN p.uid AS p, r.uid AS r"
            )
            pairs |= {(row["p"], row["r"]) for row in found}
        by_name = store.read(
            "MATCH (r:RiskPoint)-[:AT_POST]->(p:Post)-[:IN_UNIT]->(:Unit {uid: 'C01B02S04'}) "
            "RETURN count(r) AS n"
        )[0]["n"]
    assert len([r for r in rows if r["risk"]]) == len(pairs) > by_name
    assert {r["level"] for r in rows if r["risk"]} <= {"高", "中", "低"}
    assert all(r["unit"] for r in rows)


def test_the_html_disclosure_is_split_by_unit_with_contents(demo_dir: Path) -> None:
    """A county's disclosure is one section per unit, each listed in the contents with
    its rows, so a citizen finds one office without scrolling the whole county."""
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        rows = disclosure_rows(store)
    html = write_html(rows, "公示")
    units = sorted({r["unit"] for r in rows})
    assert html.count('<section class="unit"') == len(units) > 10
    contents = html.split('<nav id="contents">')[1].split("</nav>")[0]
    assert contents.count("<li>") == len(units)
    first = next(u for u in units if u)
    count = sum(1 for r in rows if r["unit"] == first)
    assert f"{first}</a>（{count}条）" in contents

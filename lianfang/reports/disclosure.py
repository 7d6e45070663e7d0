"""Public disclosure (公示): per post, its powers, risk points and controls, and the
post responsible. It names posts, never people: it is meant to be posted publicly."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from lianfang.graph import calendar, vocab
from lianfang.graph.store import GraphStore
from lianfang.reports.review import scope_ids

COLUMNS = (
    ("unit", "单位"),
    ("post", "岗位"),
    ("powers", "职权"),
    ("risk", "风险点"),
    ("category", "风险类别"),
    ("level", "风险等级"),
    ("controls", "防控措施"),
    ("responsible", "责任岗位"),
)


def disclosure_rows(store: GraphStore, unit: str | None = None) -> list[dict[str, Any]]:
    """One row per risk point of each post (one row for a post without any)."""
    posts = sorted(scope_ids(store, unit, calendar.today()).get("Post", set())) if unit else []
    rows = store.read(COVERED_RISKS, {"all": unit is None, "posts": posts})
    return [
        {
            "unit": row["unit"] or "",
            "post": row["post"],
            "powers": "、".join(sorted(row["powers"])),
            "risk": _risk_text(row["risk_name"], row["risk"]),
            "category": row["category"] or "",
            "level": _level(row),
            "controls": ";".join(sorted(c for c in row["controls"] if c)),
            "responsible": "、".join(sorted(o for o in row["owners"] if o)),
        }
        for row in rows
    ]


def _risk_text(name: str | None, description: str | None) -> str:
    if not description:
        return ""
    return f"【{name}】{description}" if name else description


def _level(row: dict[str, Any]) -> str:
    if not row["risk"]:
        return ""
    return vocab.LEVEL_ZH.get(row["level"], "") if row["level"] else "未定级"


# Every risk point that covers a post: one naming it, naming a power it exercises, or
# sitting at a flowchart step it handles; each once per post.
COVERED_RISKS = """
MATCH (p:Post) WHERE $all OR p.uid IN $posts
OPTIONAL MATCH (p)-[:IN_UNIT]->(u)
OPTIONAL MATCH (p)-[:EXERCISES]->(q)
WITH p, u, collect(DISTINCT q.name) AS powers
OPTIONAL MATCH (p)<-[:AT_POST]-(named:RiskPoint)
WITH p, u, powers, collect(DISTINCT named) AS by_name
OPTIONAL MATCH (p)-[:EXERCISES]->(:Power)<-[:OF_POWER]-(viaq:RiskPoint)
WITH p, u, powers, by_name, collect(DISTINCT viaq) AS by_power
OPTIONAL MATCH (p)<-[:HANDLED_BY]-(:Step)<-[:AT_STEP]-(vias:RiskPoint)
WITH p, u, powers, by_name, by_power, collect(DISTINCT vias) AS by_step
WITH p, u, powers, by_name + by_power + by_step AS covered
UNWIND CASE WHEN size(covered) = 0 THEN [null] ELSE covered END AS r
WITH DISTINCT p, u, powers, r
OPTIONAL MATCH (r)-[:MITIGATED_BY]->(c)
OPTIONAL MATCH (c)-[:OWNED_BY]->(o)
WITH p, u, powers, r, collect(DISTINCT c.description) AS controls,
     collect(DISTINCT o.name) AS owners
RETURN u.name AS unit, p.name AS post, p.uid AS post_id, powers,
       r.description AS risk, r.name AS risk_name, r.category AS category, r.level AS level,
       controls, owners
ORDER BY post_id, risk
"""


def write_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from lianfang.queries.exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "廉政风险公示"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([zh for _, zh in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(row[key]) for key, _ in COLUMNS])
    for letter, width in zip("ABCDEFGH", (16, 16, 30, 36, 10, 8, 40, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:H{max(len(rows) + 2, 3)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("lianfang.reports", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def by_unit(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The rows as one table per unit, in the order the units first appear: a county's
    disclosure is tens of thousands of rows, read by a citizen looking for one office."""
    units: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        units.setdefault(row["unit"] or "（未注明单位）", []).append(row)
    return list(units.items())


def write_html(rows: list[dict[str, Any]], title: str) -> str:
    """One section per unit, with a contents list of the units and their row counts."""
    return (
        _templates()
        .get_template("disclosure.html")
        .render(title=title, units=by_unit(rows), columns=COLUMNS, total=len(rows))
    )

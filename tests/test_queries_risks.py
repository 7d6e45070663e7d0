"""Exact findings of the queries about risk points and controls, with their near-misses."""

from __future__ import annotations

import datetime as dt

from test_queries_people import AS_OF, YESTERDAY, ids
from tiny import Tiny

from lianfang.graph.store import GraphStore
from lianfang.queries.runner import run


def risk(g: Tiny, uid: str, level: str, **props: object) -> None:
    g.node("RiskPoint", uid, description=f"风险{uid}", category="岗位职责", level=level, **props)


def control(g: Tiny, uid: str, status: str, risks: tuple[str, ...], **props: object) -> None:
    g.node("Control", uid, description=f"措施{uid}", status=status, **props)
    for r in risks:
        g.edge(r, "MITIGATED_BY", uid)


def test_unmitigated_high_risks_and_risks_without_controls(store: GraphStore) -> None:
    g = Tiny()
    g.node("Unit", "U1", name="x").node("Unit", "U2", name="x")
    g.node("Post", "P1", name="x").edge("P1", "IN_UNIT", "U1")
    for uid in ("K1", "K2", "K3", "K4", "K6"):
        risk(g, uid, "high")
    risk(g, "K5", "medium")
    g.edge("K2", "AT_POST", "P1").edge("K4", "IN_UNIT", "U2")
    control(g, "C1", "已落实", ("K1",))
    control(g, "C2", "计划", ("K2",), due="2025-12-31")
    control(g, "C3", "失效", ("K3",))
    control(g, "C4", "失效", ("K6",))
    control(g, "C5", "已落实", ("K6",))
    g.write(store)
    result = run(store, "unmitigated-high-risks")
    assert ids(result.rows, "risk_id", "post_id", "unit_id", "control_ids") == {
        ("K2", "P1", "U1", ("C2",)),  # only planned
        ("K3", None, None, ()),  # only lapsed
        ("K4", None, "U2", ()),  # nothing at all
    }
    assert result.ratio() == "3 of 5"
    medium_up = run(store, "unmitigated-high-risks", {"min_level": "medium"})
    assert {r["risk_id"] for r in medium_up.rows} == {"K2", "K3", "K4", "K5"}
    assert medium_up.total == 6
    without = run(store, "risks-without-controls")
    assert ids(without.rows, "risk_id", "level") == {("K4", "high"), ("K5", "medium")}
    assert without.ratio() == "2 of 6"


def test_reassessment_due(store: GraphStore) -> None:
    g = Tiny()
    risk(g, "K1", "high", assessed="2022-06-30")  # exactly three years: not yet
    risk(g, "K2", "low", assessed="2022-06-29")  # a day more than three years
    risk(g, "K3", "medium")  # never assessed
    risk(g, "K4", "medium", assessed="2024-01-01")
    g.write(store)
    rows = run(store, "reassessment-due", {"as_of": AS_OF}).rows
    assert ids(rows, "risk_id", "assessed") == {("K2", dt.date(2022, 6, 29)), ("K3", None)}
    yearly = run(store, "reassessment-due", {"as_of": AS_OF, "every_years": 1}).rows
    assert {r["risk_id"] for r in yearly} == {"K1", "K2", "K3", "K4"}


def test_level_review(store: GraphStore) -> None:
    g = Tiny()
    risk(g, "K1", "medium")
    risk(g, "K2", "low")
    risk(g, "K3", "high")
    risk(g, "K4", "medium")
    risk(g, "K5", "low")
    incidents = [
        ("X1", "2022-06-30", "K1"),  # exactly three years back: inside
        ("X2", "2022-06-29", "K2"),  # a day earlier: outside
        ("X3", "2025-01-01", "K3"),  # already high
        ("X4", "2025-07-01", "K4"),  # after as_of
        ("X6", "2024-01-01", "K5"),
        ("X5", "2023-01-01", "K5"),
    ]
    for uid, day, target in incidents:
        g.node("Incident", uid, date=day, kind="信访举报").edge(uid, "POINTS_TO", target)
    g.write(store)
    rows = run(store, "level-review", {"as_of": AS_OF}).rows
    assert ids(rows, "risk_id", "level", "incident_ids") == {
        ("K1", "medium", ("X1",)),
        ("K5", "low", ("X5", "X6")),
    }


def test_responsibility_mismatch(store: GraphStore) -> None:
    g = Tiny()
    for uid, leadership in [
        ("PL", "主要领导"),
        ("PD", "分管领导"),
        ("PH", "部门负责人"),
        ("PS", "无"),
    ]:
        g.node("Post", uid, name=uid, leadership=leadership)
    cases = [
        ("K1", "high", "已落实", "PL"),  # right level
        ("K2", "high", "已落实", "PD"),  # too low for a high risk
        ("K3", "medium", "已落实", "PL"),  # higher is fine
        ("K4", "low", "已落实", "PS"),  # staff cannot own it
        ("K5", "medium", "计划", "PD"),  # right owner, but only planned
        ("K6", "low", "已落实", "PH"),
    ]
    for uid, level, status, owner in cases:
        risk(g, uid, level)
        control(g, f"C{uid}", status, (uid,))
        g.edge(f"C{uid}", "OWNED_BY", owner)
    g.write(store)
    rows = run(store, "responsibility-mismatch").rows
    assert ids(rows, "risk_id", "required_leadership", "owner_post_ids") == {
        ("K2", "主要领导", ("PD",)),
        ("K4", "部门负责人", ("PS",)),
        ("K5", "分管领导", ()),
    }


def test_overdue_controls(store: GraphStore) -> None:
    g = Tiny()
    g.node("Post", "P1", name="x")
    risk(g, "K1", "high")
    risk(g, "K2", "low")
    control(g, "C1", "计划", ("K2", "K1"), due=YESTERDAY)
    control(g, "C2", "计划", ("K1",), due=AS_OF)  # due today: not yet overdue
    control(g, "C3", "已落实", ("K1",), due="2020-01-01")
    control(g, "C4", "计划", ("K1",))  # no due date
    g.edge("C1", "OWNED_BY", "P1")
    g.write(store)
    result = run(store, "overdue-controls", {"as_of": AS_OF})
    assert ids(result.rows, "control_id", "due", "risk_ids", "owner_post_ids") == {
        ("C1", dt.date(2025, 6, 29), ("K1", "K2"), ("P1",))
    }
    assert result.ratio() == "1 of 3"

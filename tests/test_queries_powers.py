"""Exact findings of the queries about powers, flowcharts, rules and units."""

from __future__ import annotations

from test_queries_people import AS_OF, ids
from tiny import Tiny

from lianfang.graph.store import GraphStore
from lianfang.queries.runner import run
from lianfang.queries.spec import library


def power(g: Tiny, uid: str, **props: object) -> None:
    g.node("Power", uid, name=f"职权{uid}", category="行政许可", **props)


def flowchart(g: Tiny, uid: str, power_id: str, *roles: str) -> None:
    g.node("Process", uid, name=f"流程{uid}").edge(uid, "IMPLEMENTS", power_id)
    for seq, role in enumerate(roles, start=1):
        g.node("Step", f"{uid}#{seq}", seq=seq, name=role, role=role)
        g.edge(uid, "HAS_STEP", f"{uid}#{seq}")


def test_powers_without_process(store: GraphStore) -> None:
    g = Tiny()
    power(g, "Q1", major_matter=True)
    power(g, "Q2", discretion="大")
    power(g, "Q3", discretion="小")
    power(g, "Q4", discretion="中")
    power(g, "Q5", major_matter=True)
    power(g, "Q6")
    g.node("RiskPoint", "K3", description="x", category="岗位职责", level="high")
    g.node("RiskPoint", "K6", description="x", category="岗位职责", level="medium")
    g.edge("K3", "OF_POWER", "Q3").edge("K6", "OF_POWER", "Q6")
    flowchart(g, "F5", "Q5", "受理", "集体决策")
    g.write(store)
    significant = run(store, "powers-without-process")
    assert ids(significant.rows, "power_id", "high_risk") == {
        ("Q1", False),
        ("Q2", False),
        ("Q3", True),
    }
    assert significant.ratio() == "3 of 4"
    every = run(store, "powers-without-process", {"only_significant": "否"})
    assert {r["power_id"] for r in every.rows} == {"Q1", "Q2", "Q3", "Q4", "Q6"}
    assert every.total == 6


def test_powers_without_rules(store: GraphStore) -> None:
    g = Tiny()
    for uid in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        power(g, uid)
    flowchart(g, "F2", "Q2", "受理")
    g.node("Rule", "R1", title="x", status="现行").edge("R1", "GOVERNS", "Q1")
    g.node("Rule", "R2", title="x", status="现行").edge("R2", "GOVERNS", "F2")
    g.node("Rule", "R3", title="x", status="废止").edge("R3", "GOVERNS", "Q3")
    g.node("Rule", "R4", title="x", status="废止").edge("R4", "GOVERNS", "Q1")
    g.node("Rule", "R5", title="x", status="废止").edge("R5", "GOVERNS", "Q3")
    g.write(store)
    rows = run(store, "powers-without-rules").rows
    assert ids(rows, "power_id", "rule_ids") == {
        ("Q3", ("R3", "R5")),
        ("Q4", ()),
        ("Q5", ()),
    }


def test_major_matters_without_collective_decision(store: GraphStore) -> None:
    g = Tiny()
    for uid in ("Q1", "Q2", "Q3", "Q5"):
        power(g, uid, major_matter=True)
    power(g, "Q4", major_matter=False)
    flowchart(g, "F1", "Q1", "受理", "集体决策", "监督")
    flowchart(g, "F2", "Q2", "受理", "决定", "监督")
    flowchart(g, "F5a", "Q5", "受理", "决定")
    flowchart(g, "F5b", "Q5", "集体决策")
    g.write(store)
    result = run(store, "major-matters-without-collective-decision")
    assert ids(result.rows, "power_id", "process_ids") == {("Q2", ("F2",)), ("Q3", ())}
    assert result.ratio() == "2 of 4"


def test_unsupervised_processes(store: GraphStore) -> None:
    g = Tiny()
    power(g, "Q1")
    flowchart(g, "F1", "Q1", "受理", "决定", "监督")
    flowchart(g, "F2", "Q1", "受理", "决定", "公示")
    g.write(store)
    rows = run(store, "unsupervised-processes").rows
    assert ids(rows, "process_id", "power_id") == {("F2", "Q1")}


def test_posts_without_risks(store: GraphStore) -> None:
    """A risk point covers a post by naming it, naming a power it exercises, or sitting
    at a step it handles; a post with none of the three is a finding."""
    g = Tiny()
    g.node("Unit", "U1", name="x")
    g.nodes_of("Post", "P1", "P2", "P3", "P4", "P5", "P6", "P7", name="x")
    g.edge("P1", "IN_UNIT", "U1")
    for uid in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        power(g, uid)
    g.edge("P1", "EXERCISES", "Q1").edge("P1", "EXERCISES", "Q2")
    g.edge("P2", "EXERCISES", "Q1").edge("P4", "EXERCISES", "Q2")
    g.edge("P5", "EXERCISES", "Q3").edge("P6", "EXERCISES", "Q4").edge("P7", "EXERCISES", "Q5")
    flowchart(g, "F1", "Q2", "受理")
    g.edge("F1#1", "HANDLED_BY", "P4")
    flowchart(g, "F4", "Q4", "受理")
    g.edge("F4#1", "HANDLED_BY", "P7")
    for uid in ("K2", "K3", "K4", "K6"):
        g.node("RiskPoint", uid, description="x", category="业务流程", level="low")
    g.edge("K2", "AT_POST", "P2")  # names the post
    g.edge("K4", "AT_STEP", "F1#1")  # at a step the post handles
    g.edge("K3", "OF_POWER", "Q3")  # names a power the post exercises
    # Near miss: K6 sits at a step of Q4's flowchart that P7 handles, so it covers P7
    # (and names neither P6 nor Q4): P6, which exercises Q4, stays uncovered.
    g.edge("K6", "AT_STEP", "F4#1")
    g.write(store)
    result = run(store, "posts-without-risks")
    assert ids(result.rows, "post_id", "unit_id", "power_count") == {
        ("P1", "U1", 2),
        ("P6", None, 1),
    }
    assert result.ratio() == "2 of 6"


def test_ungraded_risks_are_listed_and_left_out_of_level_queries(store: GraphStore) -> None:
    g = Tiny()
    g.node("Unit", "U1", name="x").nodes_of("Post", "P1", "P2", name="x")
    g.edge("P1", "IN_UNIT", "U1")
    g.node("RiskPoint", "K1", description="x", category="岗位职责", name="审批")
    g.node("RiskPoint", "K2", description="x", category="岗位职责", level="low")
    g.edge("K1", "AT_POST", "P2").edge("K1", "AT_POST", "P1").edge("K2", "AT_POST", "P1")
    g.write(store)
    assert ids(run(store, "ungraded-risks").rows, "risk_id", "post_ids", "unit_id") == {
        ("K1", ("P1", "P2"), "U1")
    }
    low = {"min_level": "low"}
    assert ids(run(store, "unmitigated-high-risks", low).rows, "risk_id", "post_ids") == {
        ("K2", ("P1",))
    }
    assert ids(run(store, "responsibility-mismatch").rows, "risk_id") == {("K2",)}


def test_unit_risk_profile_rolls_up_sub_units(store: GraphStore) -> None:
    g = Tiny()
    g.node("Unit", "U1", name="局").node("Unit", "U2", name="科").node("Unit", "U3", name="所")
    g.node("Unit", "U9", name="别的单位")
    g.edge("U2", "PART_OF", "U1").edge("U3", "PART_OF", "U2")  # U3 is two levels below U1
    g.nodes_of("Post", "P1", "P3", name="x")
    g.edge("P1", "IN_UNIT", "U1").edge("P3", "IN_UNIT", "U3")
    g.nodes_of("Person", "E1", "E3", "E4", name="x")
    g.holds("E1", "P1", "2020-01-01").holds("E3", "P3", "2020-01-01")
    g.holds("E4", "P3", "2018-01-01", end="2019-12-31")  # a former holder
    power(g, "Q1")
    power(g, "Q3")
    g.edge("P1", "EXERCISES", "Q1").edge("P3", "EXERCISES", "Q3")
    flowchart(g, "F3", "Q3", "受理", "决定")
    g.node("Rule", "R1", title="x", status="现行").edge("R1", "GOVERNS", "Q1")
    g.node("Rule", "R3", title="x", status="现行").edge("R3", "GOVERNS", "F3")
    g.node("Rule", "R9", title="x", status="废止").edge("R9", "GOVERNS", "Q3")
    risks = [
        ("K1", "high", "AT_POST", "P1"),
        ("K2", "medium", "IN_UNIT", "U2"),
        ("K3", "high", "AT_POST", "P3"),
        ("K4", "low", "IN_UNIT", "U3"),
    ]
    for uid, level, type_, target in risks:
        g.node("RiskPoint", uid, description="x", category="岗位职责", level=level)
        g.edge(uid, type_, target)
    g.edge("K3", "IN_UNIT", "U3")  # named twice, counted once
    g.node("Control", "C1", description="x", status="已落实").edge("K1", "MITIGATED_BY", "C1")
    g.node("Control", "C3", description="x", status="计划").edge("K3", "MITIGATED_BY", "C3")
    g.write(store)
    rows = {r["unit_id"]: r for r in run(store, "unit-risk-profile", {"as_of": AS_OF}).rows}
    counts = [c.name for c in library()["unit-risk-profile"].columns][2:]
    assert {u: tuple(r[c] for c in counts) for u, r in rows.items()} == {
        "U1": (3, 2, 1, 2, 2, 2, 4, 2, 1, 1, 2, 1),
        "U2": (2, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1),
        "U3": (1, 1, 1, 1, 1, 1, 2, 1, 0, 1, 1, 1),
        "U9": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    only = run(store, "unit-risk-profile", {"as_of": AS_OF, "unit": "U2"}).rows
    assert [r["unit_id"] for r in only] == ["U2"]

"""Exact findings of the queries about people and posts, with their near-misses.

Reference day: 2025-06-30; "yesterday" is 2025-06-29 and "tomorrow" 2025-07-01.
"""

from __future__ import annotations

import datetime as dt

from tiny import Tiny

from lianfang.graph.store import GraphStore
from lianfang.queries.runner import run

AS_OF = "2025-06-30"
YESTERDAY, TOMORROW = "2025-06-29", "2025-07-01"


def ids(rows: list[dict], *keys: str) -> set[tuple]:
    return {tuple(_hashable(row[k]) for k in keys) for row in rows}


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def powers(g: Tiny, post: str, *uids: str, **props: object) -> None:
    for uid in uids:
        g.node("Power", uid, name=uid, category="其他行政权力", **props)
        g.edge(post, "EXERCISES", uid)


def test_power_concentration(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", "E4", "E5", "E6", name="x")
    g.nodes_of("Post", "P1", "P2", "P3", "P4", "P5", "P6", name="x")
    powers(g, "P1", *(f"A{i}" for i in range(8)))  # 8 powers
    powers(g, "P2", *(f"B{i}" for i in range(7)))  # 7 powers: one short
    powers(g, "P3", "C1", "C2", "C3")  # 3 powers with a high risk each
    powers(g, "P4", "D1", "D2")  # only 2 high-risk powers
    powers(g, "P5", *(f"G{i}" for i in range(8)))
    powers(g, "P6", *(f"H{i}" for i in range(8)))
    g.node("Process", "FC3", name="x").edge("FC3", "IMPLEMENTS", "C3")
    g.node("Step", "FC3#1", seq=1, name="x").edge("FC3", "HAS_STEP", "FC3#1")
    for uid, target, via in [
        ("K1", "C1", "OF_POWER"),
        ("K2", "C2", "OF_POWER"),
        ("K3", "FC3#1", "AT_STEP"),
        ("K4", "D1", "OF_POWER"),
        ("K5", "D2", "OF_POWER"),
    ]:
        g.node("RiskPoint", uid, description="x", category="岗位职责", level="high")
        g.edge(uid, via, target)
    g.node("RiskPoint", "K6", description="x", category="岗位职责", level="medium")
    g.edge("K6", "OF_POWER", "D1")
    g.holds("E1", "P1", "2020-01-01").holds("E2", "P2", "2020-01-01")
    g.holds("E3", "P3", "2020-01-01").holds("E4", "P4", "2020-01-01")
    g.holds("E5", "P5", "2020-01-01", end=AS_OF)  # ended: not on as_of
    g.holds("E6", "P6", TOMORROW)  # starts tomorrow
    g.write(store)
    rows = run(store, "power-concentration", {"as_of": AS_OF}).rows
    assert ids(rows, "person_id", "post_ids", "power_count", "high_risk_power_count") == {
        ("E1", ("P1",), 8, 0),
        ("E3", ("P3",), 3, 3),
    }
    looser = run(
        store, "power-concentration", {"as_of": AS_OF, "min_powers": 7, "min_high_risk_powers": 2}
    ).rows
    assert {r["person_id"] for r in looser} == {"E1", "E2", "E3", "E4"}
    assert {
        r["person_id"] for r in run(store, "power-concentration", {"as_of": YESTERDAY}).rows
    } == {"E1", "E3", "E5"}


def test_incompatible_duties(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", name="x")
    g.nodes_of("Post", "PA", "PB", "PC", "PD", "PE", name="x")
    powers(g, "PA", "QA")
    powers(g, "PB", "QB")
    g.edge("PC", "EXERCISES", "QA").edge("PC", "EXERCISES", "QB")
    g.edge("PD", "EXERCISES", "QA").edge("PD", "EXERCISES", "QB")
    g.edge("QA", "CONFLICTS_WITH", "QB", reason="审批与支付分离")
    g.holds("E1", "PA", "2020-01-01").holds("E1", "PB", "2024-01-01", concurrent=True)
    g.holds("E2", "PC", "2020-01-01")
    g.holds("E3", "PA", "2020-01-01").holds("E3", "PB", "2020-01-01", end=AS_OF)
    g.holds("E3", "PE", "2020-01-01")
    g.write(store)
    rows = run(store, "incompatible-duties", {"as_of": AS_OF}).rows
    assert ids(rows, "finding", "person_id", "post_id", "post_ids", "power_a", "power_b") == {
        ("person", "E1", None, ("PA", "PB"), "QA", "QB"),
        ("person", "E2", None, ("PC",), "QA", "QB"),
        ("post", "E2", "PC", ("PC",), "QA", "QB"),
        ("post", None, "PD", ("PD",), "QA", "QB"),
    }
    assert {r["reason"] for r in rows} == {"审批与支付分离"}
    assert run(store, "incompatible-duties", {"as_of": AS_OF}).ratio() == "1 of 1"  # pairs


def test_process_capture(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", "E4", name="x")
    g.nodes_of("Post", "P1", "P2", "P3", "P4", "P5", "P6", "P7", name="x")
    flows = {
        "F1": [("受理", "P1"), ("审核", "P2"), ("决定", "P2")],  # E1 holds P1 and P2
        "F2": [("受理", "P3"), ("集体决策", "P4"), ("监督", "P5")],  # E2 holds P4 and P5
        "F3": [("决定", "P6")],  # one step only
        "F4": [("受理", "P3"), ("决定", "P6"), ("监督", "P7")],  # E4's P7 ended
    }
    for flow, steps in flows.items():
        g.node("Process", flow, name=flow)
        for seq, (role, post) in enumerate(steps, start=1):
            uid = f"{flow}#{seq}"
            g.node("Step", uid, seq=seq, name=role, role=role)
            g.edge(flow, "HAS_STEP", uid).edge(uid, "HANDLED_BY", post)
    g.holds("E1", "P1", "2020-01-01").holds("E1", "P2", "2021-01-01")
    g.holds("E2", "P4", "2020-01-01").holds("E2", "P5", "2020-01-01")
    g.holds("E3", "P6", "2020-01-01").holds("E4", "P6", "2020-01-01")
    g.holds("E4", "P7", "2020-01-01", end=AS_OF)
    g.write(store)
    rows = run(store, "process-capture", {"as_of": AS_OF}).rows
    assert ids(rows, "process_id", "person_id", "seqs", "finding") == {
        ("F1", "E1", (1, 2, 3), "all-steps"),
        ("F2", "E2", (2, 3), "decides-and-supervises"),
    }
    assert run(store, "process-capture", {"as_of": AS_OF}).ratio() == "2 of 3"  # flowcharts
    earlier = run(store, "process-capture", {"as_of": YESTERDAY}).rows
    assert ("F4", "E4") in {(r["process_id"], r["person_id"]) for r in earlier}


def test_rotation_due(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", "E4", "E5", "E6", name="x")
    g.node("Post", "P1", name="x", key_post=True)  # default term: 5 years
    g.node("Post", "P2", name="x", key_post=True)
    g.node("Post", "P3", name="x", key_post=False)
    g.node("Post", "P4", name="x", key_post=True, rotation_years=3)
    g.node("Post", "P5", name="x", key_post=True, rotation_years=1)
    g.holds("E1", "P1", "2020-06-30")  # exactly five years on as_of
    g.holds("E2", "P2", "2020-07-01")  # one day short
    g.holds("E3", "P3", "2010-01-01")  # not a key post
    g.holds("E4", "P4", "2022-06-30")
    g.holds("E5", "P5", "2024-02-29")  # a leap day
    g.holds("E6", "P1", "2010-01-01", end=AS_OF)  # left on as_of: no longer holds it
    g.write(store)
    rows = run(store, "rotation-due", {"as_of": AS_OF}).rows
    assert ids(rows, "person_id", "post_id", "years_in_post", "due_date") == {
        ("E1", "P1", 5, dt.date(2025, 6, 30)),
        ("E4", "P4", 3, dt.date(2025, 6, 30)),
        ("E5", "P5", 1, dt.date(2025, 3, 1)),
    }
    assert rows[0]["start_date"] in {
        dt.date(2020, 6, 30),
        dt.date(2022, 6, 30),
        dt.date(2024, 2, 29),
    }
    soon = run(store, "rotation-due", {"as_of": AS_OF, "within_months": 1}).rows
    assert {r["person_id"] for r in soon} == {"E1", "E2", "E4", "E5"}
    leap = lambda day: {r["person_id"] for r in run(store, "rotation-due", {"as_of": day}).rows}  # noqa: E731
    assert "E5" not in leap("2025-02-28") and "E5" in leap("2025-03-01")
    shorter = run(store, "rotation-due", {"as_of": AS_OF, "default_rotation_years": 4}).rows
    assert {r["person_id"] for r in shorter} == {"E1", "E2", "E4", "E5"}


def test_concurrent_key_posts(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", name="x")
    g.node("Post", "K1", name="x", key_post=True).node("Post", "K2", name="x", key_post=True)
    g.nodes_of("Post", "N1", "N2", "N3", name="x")
    g.holds("E1", "K1", "2020-01-01").holds("E1", "N1", "2021-01-01", concurrent=True)
    g.holds("E2", "N2", "2020-01-01").holds("E2", "N3", "2020-01-01")
    g.holds("E3", "K2", "2020-01-01").holds("E3", "N1", "2020-01-01", end=AS_OF)
    g.write(store)
    rows = run(store, "concurrent-key-posts", {"as_of": AS_OF}).rows
    assert ids(rows, "person_id", "post_ids", "key_post_ids") == {("E1", ("K1", "N1"), ("K1",))}


def test_vacant_key_posts(store: GraphStore) -> None:
    g = Tiny()
    g.nodes_of("Person", "E1", "E2", "E3", name="x")
    g.node("Unit", "U1", name="x")
    g.nodes_of("Post", "P1", "P2", "P3", name="x", key_post=True)
    g.node("Post", "P4", name="x", key_post=False)
    g.edge("P2", "IN_UNIT", "U1")
    g.holds("E1", "P1", "2020-01-01")
    g.holds("E2", "P2", "2019-01-01", end="2023-05-01").holds("E2", "P2", "2023-06-01", end=AS_OF)
    g.holds("E3", "P3", TOMORROW)
    g.write(store)
    rows = run(store, "vacant-key-posts", {"as_of": AS_OF}).rows
    assert ids(rows, "post_id", "unit_id", "vacant_since") == {
        ("P2", "U1", dt.date(2025, 6, 30)),
        ("P3", None, None),
    }

"""What if: changes tried on a private copy, their findings, and the live graph never
touched (during the run, for a concurrent reader, and after a kill); and how a person
reaches a power."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from tiny import Tiny

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import GraphStore
from lianfang.loop import whatif
from lianfang.loop.whatif import WhatIfError
from lianfang.queries import paths
from lianfang.queries.runner import run
from lianfang.queries.spec import library

AS_OF = dt.date(2025, 12, 31)


def conflicted(store: GraphStore) -> GraphStore:
    """Q1 and Q2 are incompatible; P1 (key) exercises Q1 and P2 (key) Q2. E1 holds P1,
    E2 holds P2 alone. Q1's flowchart has a step P3 handles; E3 holds P3."""
    g = Tiny()
    g.node("Unit", "U1", name="县局")
    for post in ("P1", "P2", "P3"):
        g.node("Post", post, name=f"岗位{post}", key_post=post != "P3").edge(post, "IN_UNIT", "U1")
    g.node("Power", "Q1", name="审批", category="行政许可")
    g.node("Power", "Q2", name="监督检查", category="行政检查")
    g.edge("Q1", "CONFLICTS_WITH", "Q2", reason="审批与监管分离")
    g.edge("P1", "EXERCISES", "Q1").edge("P2", "EXERCISES", "Q2")
    g.node("Process", "F1", name="审批流程").edge("F1", "IMPLEMENTS", "Q1")
    g.node("Step", "F1#1", seq=1, name="受理").edge("F1", "HAS_STEP", "F1#1")
    g.edge("F1#1", "HANDLED_BY", "P3")
    for person, post in (("E1", "P1"), ("E2", "P2"), ("E3", "P3")):
        g.node("Person", person, name=f"人员{person}")
        g.holds(person, post, "2020-01-01")
    return g.write(store)


def answers(store: GraphStore) -> dict[str, list[dict[str, object]]]:
    return {spec.id: run(store, spec.id, {"as_of": AS_OF}).rows for spec in library().values()}


def keys(outcome: dict[str, object], query_id: str, kind: str) -> set[tuple[str, ...]]:
    spec = library()[query_id]
    return {spec.finding_key(row) for row in outcome["queries"][query_id][kind]}  # type: ignore[index]


def test_an_appointment_reports_new_conflicts_and_changes_nothing(store: GraphStore) -> None:
    conflicted(store)
    before, counts = answers(store), store.counts()
    outcome = whatif.simulate(store, [whatif.parse("appoint", "E1@P2")], AS_OF)
    assert keys(outcome, "incompatible-duties", "new")
    assert ("E1",) in keys(outcome, "concurrent-key-posts", "new")
    assert not keys(outcome, "incompatible-duties", "closed")
    assert outcome["changes"] == [{"kind": "appoint", "a": "E1", "b": "P2", "day": AS_OF}]
    assert store.counts() == counts and answers(store) == before


def test_ending_the_only_holder_empties_a_key_post(store: GraphStore) -> None:
    conflicted(store)
    outcome = whatif.simulate(store, [whatif.parse("end", "E2@P2:2025-12-01")], AS_OF)
    assert ("P2",) in keys(outcome, "vacant-key-posts", "new")
    revoked = whatif.simulate(store, [whatif.parse("revoke", "P2>Q2")], AS_OF)
    granted = whatif.simulate(store, [whatif.parse("grant", "P2>Q1")], AS_OF)
    assert revoked["queries"] and granted["queries"]
    assert store.read("MATCH (:Post {uid: 'P2'})-[r:EXERCISES]->() RETURN count(r) AS n") == [
        {"n": 1}
    ]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("appoint", "E9@P1", "no Person 'E9'"),
        ("appoint", "E1@P9", "no Post 'P9'"),
        ("appoint", "E1@P1", "E1 already holds P1"),
        ("end", "E1@P1:2019-06-30", "before it starts"),
        ("end", "E1@P2", "does not hold"),
        ("grant", "P1>Q1", "exercises Q1 already"),
        ("revoke", "P1>Q2", "does not exercise"),
        ("grant", "P1Q1", "expected POST>POWER"),
        ("appoint", "E1@P2:2025-13-01", "not a date"),
    ],
)
def test_changes_that_cannot_be_simulated(
    store: GraphStore, kind: str, text: str, message: str
) -> None:
    conflicted(store)
    with pytest.raises(WhatIfError, match=message):
        whatif.simulate(store, [whatif.parse(kind, text)], AS_OF)


def test_a_reader_sees_the_live_graph_throughout(data_dir: Path) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        conflicted(store)
        expected = store.counts()
        seen: list[object] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                seen.append(store.counts())

        reader = threading.Thread(target=read)
        reader.start()
        try:
            for _ in range(5):
                whatif.simulate(store, [whatif.parse("appoint", "E1@P2")], AS_OF)
        finally:
            done.set()
            reader.join()
        assert seen and all(counts == expected for counts in seen)
        assert not [g for g in store.db.list_graphs() if "__scratch_" in g]


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lianfang.graph.falkor_store import EmbeddedFalkorStore
    from lianfang.loop import whatif

    store = EmbeddedFalkorStore(Path(sys.argv[1]), "lianfang")
    with store.scratch() as scratch:
        scratch.write(whatif.APPLY["appoint"], {"a": "E1", "b": "P2", "day": "2025-01-01"})
        print("changed", flush=True)
        sys.stdin.readline()
    """
)


def test_a_killed_simulation_leaves_the_graph_as_it_was(data_dir: Path) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        conflicted(store)
        expected = store.counts()
        child = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "changed"
        assert [g for g in store.db.list_graphs() if "__scratch_" in g]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert store.counts() == expected
    with EmbeddedFalkorStore(data_dir, "lianfang") as reopened:  # drops the orphan copy
        assert reopened.counts() == expected
        assert not [g for g in reopened.db.list_graphs() if "__scratch_" in g]


def test_paths_by_post_and_by_flowchart_step(store: GraphStore) -> None:
    conflicted(store)
    [route] = paths.paths(store, "E1", "Q1", AS_OF)
    assert route["via"] == "post"
    assert [n["uid"] for n in route["nodes"]] == ["E1", "P1", "Q1"]
    assert route["edges"] == [
        {"type": "HOLDS", "from": "E1", "to": "P1"},
        {"type": "EXERCISES", "from": "P1", "to": "Q1"},
    ]
    [step] = paths.paths(store, "E3", "Q1", AS_OF)
    assert step["via"] == "step"
    assert [n["uid"] for n in step["nodes"]] == ["E3", "P3", "F1#1", "F1", "Q1"]
    assert {"type": "HANDLED_BY", "from": "F1#1", "to": "P3"} in step["edges"]
    assert paths.paths(store, "E2", "Q1", AS_OF) == []  # a near miss: E2 reaches Q2 only
    assert paths.paths(store, "E1", "Q1", dt.date(2019, 1, 1)) == []  # before the holding
    with pytest.raises(LookupError, match="no Person"):
        paths.paths(store, "E9", "Q1", AS_OF)


def test_on_the_demo_county(demo_dir: Path) -> None:
    """An appointment that joins incompatible powers, and the end of a key post's only
    holder, on the demo organisation; nothing of the graph changes."""
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        [pick] = store.read(
            "MATCH (a:Power)-[:CONFLICTS_WITH]-(b:Power) "
            "MATCH (pa:Post {key_post: true})-[:EXERCISES]->(a) "
            "MATCH (pb:Post {key_post: true})-[:EXERCISES]->(b) WHERE pa <> pb "
            "MATCH (e:Person)-[h:HOLDS]->(pa) WHERE h.end_date IS NULL "
            "AND NOT (e)-[:HOLDS]->(pb) AND NOT (e)-[:HOLDS]->(:Post)-[:EXERCISES]->(b) "
            "MATCH (e)-[now:HOLDS]->() WHERE now.end_date IS NULL "
            "WITH e, pb, count(now) AS posts WHERE posts = 1 "  # one post today: no finding yet
            "RETURN e.uid AS person, pb.uid AS post ORDER BY person, post LIMIT 1"
        )
        [alone] = store.read(
            "MATCH (e:Person)-[h:HOLDS]->(p:Post {key_post: true}) WHERE h.end_date IS NULL "
            "WITH p, collect(e.uid) AS holders WHERE size(holders) = 1 "
            "RETURN p.uid AS post, holders[0] AS person ORDER BY post LIMIT 1"
        )
        before, counts = answers(store), store.counts()
        appointed = whatif.simulate(
            store, [whatif.parse("appoint", f"{pick['person']}@{pick['post']}")], AS_OF
        )
        assert any(
            key[1] == pick["person"] for key in keys(appointed, "incompatible-duties", "new")
        )
        assert (pick["person"],) in keys(appointed, "concurrent-key-posts", "new")
        ended = whatif.simulate(
            store, [whatif.parse("end", f"{alone['person']}@{alone['post']}")], AS_OF
        )
        assert (alone["post"],) in keys(ended, "vacant-key-posts", "new")
        assert store.counts() == counts and answers(store) == before


def exposed(store: GraphStore) -> GraphStore:
    """Q1 has a high risk, reached by E1 through P1 and by E3 through a step P3
    handles; Q2 has only a low risk (the near miss); E4's holding of P1 ended."""
    conflicted(store)
    g = Tiny()
    g.node("Power", "Q1", name="审批", category="行政许可")
    g.node("Power", "Q2", name="监督检查", category="行政检查")
    g.node("Post", "P1", name="岗位P1")
    g.node("RiskPoint", "K1", description="风险K1", category="业务流程", level="high")
    g.node("RiskPoint", "K2", description="风险K2", category="业务流程", level="low")
    g.edge("K1", "OF_POWER", "Q1").edge("K2", "OF_POWER", "Q2")
    g.node("Person", "E4", name="人员E4").holds("E4", "P1", "2010-01-01", "2015-01-01")
    return g.write(store)


def test_power_exposure_counts_who_reaches_high_risk_powers(store: GraphStore) -> None:
    exposed(store)
    result = run(store, "power-exposure", {"as_of": AS_OF})
    assert [(r["power_id"], r["high_risks"], r["people"]) for r in result.rows] == [("Q1", 1, 2)]
    assert sorted(result.rows[0]["post_ids"]) == ["P1", "P3"]
    assert result.total == 1  # Q2's risk is low: not exposure
    choke = run(store, "exposure-choke-posts", {"as_of": AS_OF})
    assert [
        (r["post_id"], r["high_risk_powers"], r["people"], r["exposure"]) for r in choke.rows
    ] == [
        ("P1", 1, 1, 1),
        ("P3", 1, 1, 1),
    ]
    # On 2012-01-01 only E4, then in P1, reaches Q1.
    early = run(store, "power-exposure", {"as_of": dt.date(2012, 1, 1)})
    assert [(r["power_id"], r["people"], r["post_ids"]) for r in early.rows] == [("Q1", 1, ["P1"])]


def test_a_conflict_finding_is_drawn_as_its_paths(store: GraphStore) -> None:
    from lianfang.viz.views import query_view

    conflicted(store)
    Tiny().node("Person", "E1", name="人员E1").node("Post", "P2", name="岗位P2").holds(
        "E1", "P2", "2021-01-01"
    ).write(store)
    result = run(store, "incompatible-duties", {"as_of": AS_OF})
    assert {r["person_id"] for r in result.rows} == {"E1"}
    graph, _ = query_view(store, result)
    assert set(graph.nodes) >= {
        ("Person", "E1"),
        ("Post", "P1"),
        ("Post", "P2"),
        ("Power", "Q1"),
        ("Power", "Q2"),
    }
    assert ("Person", "E2") not in graph.nodes  # P2's other holder is not on E1's paths
    assert (("Person", "E1"), "HOLDS", ("Post", "P2")) in graph.edges
    assert (("Post", "P2"), "EXERCISES", ("Power", "Q2")) in graph.edges
    assert (("Power", "Q1"), "CONFLICTS_WITH", ("Power", "Q2")) in graph.edges


def test_lianfang_path_prints_both_routes(data_dir: Path) -> None:
    import json

    from servers import cli

    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        conflicted(store)
        Tiny().node("Person", "E3", name="人员E3").node("Post", "P1", name="岗位P1").holds(
            "E3", "P1", "2021-01-01"
        ).write(store)
    printed = cli(data_dir, "path", "E3", "Q1", "--as-of", "2025-12-31", "-f", "json")
    assert printed.returncode == 0, printed.stderr
    routes = json.loads(printed.stdout)
    assert [(r["via"], [n["uid"] for n in r["nodes"]]) for r in routes] == [
        ("post", ["E3", "P1", "Q1"]),
        ("step", ["E3", "P3", "F1#1", "F1", "Q1"]),
    ]
    unknown = cli(data_dir, "path", "E3", "Q9")
    assert unknown.returncode == 2 and "no Power 'Q9'" in unknown.stderr


# Changes of every kind on the demo county, picked by what they open or close: a
# person given a post whose power conflicts with one they exercise, a key post's
# holder appointed to a second key post, a person given the other step of a flowchart
# whose first step they handle, the end of a key post's holding, a post given the
# power that conflicts with its own, a post given a high-risk power, and a post losing
# one of two conflicting powers.
_CURRENT = "h.end_date IS NULL"
_PICKS = {
    "appoint": [
        "MATCH (a:Power)-[:CONFLICTS_WITH]-(b:Power) "
        "MATCH (pa:Post)-[:EXERCISES]->(a) MATCH (pb:Post)-[:EXERCISES]->(b) WHERE pa <> pb "
        f"MATCH (e:Person)-[h:HOLDS]->(pa) WHERE {_CURRENT} AND NOT (e)-[:HOLDS]->(pb) "
        "RETURN DISTINCT e.uid AS a, pb.uid AS b ORDER BY a, b LIMIT 2",
        f"MATCH (e:Person)-[h:HOLDS]->(:Post {{key_post: true}}) WHERE {_CURRENT} "
        "MATCH (p:Post {key_post: true}) WHERE NOT (e)-[:HOLDS]->(p) "
        "RETURN DISTINCT e.uid AS a, p.uid AS b ORDER BY b DESC, a LIMIT 1",
        "MATCH (f:Process)-[:HAS_STEP]->(s1:Step)-[:HANDLED_BY]->(p1:Post) "
        "MATCH (f)-[:HAS_STEP]->(s2:Step)-[:HANDLED_BY]->(p2:Post) WHERE p1 <> p2 "
        f"MATCH (e:Person)-[h:HOLDS]->(p1) WHERE {_CURRENT} AND NOT (e)-[:HOLDS]->(p2) "
        "RETURN DISTINCT e.uid AS a, p2.uid AS b ORDER BY a, b LIMIT 2",
    ],
    "end": [
        f"MATCH (e:Person)-[h:HOLDS]->(p:Post) WHERE {_CURRENT} "
        "AND h.start_date <= date('2025-06-30') "
        "RETURN e.uid AS a, p.uid AS b ORDER BY p.key_post DESC, a, b LIMIT 3",
    ],
    "grant": [
        "MATCH (p:Post)-[:EXERCISES]->(:Power)-[:CONFLICTS_WITH]-(q:Power) "
        "WHERE NOT (p)-[:EXERCISES]->(q) RETURN DISTINCT p.uid AS a, q.uid AS b "
        "ORDER BY a, b LIMIT 2",
        "MATCH (p:Post)<-[:HANDLED_BY]-(:Step) "
        "MATCH (q:Power)<-[:OF_POWER]-(:RiskPoint {level: 'high'}) "
        "WHERE NOT (p)-[:EXERCISES]->(q) RETURN DISTINCT p.uid AS a, q.uid AS b "
        "ORDER BY b DESC, a LIMIT 2",
    ],
    "revoke": [
        "MATCH (p:Post)-[:EXERCISES]->(q:Power)-[:CONFLICTS_WITH]-(:Power)<-[:EXERCISES]-(p) "
        "RETURN DISTINCT p.uid AS a, q.uid AS b ORDER BY a, b LIMIT 2",
    ],
}


def _change(kind: str, pick: dict[str, str], day: str = "") -> whatif.Change:
    joined = "@" if kind in ("appoint", "end") else ">"
    return whatif.parse(kind, f"{pick['a']}{joined}{pick['b']}{day}")


def test_a_what_if_on_its_region_answers_as_on_a_copy_of_the_whole_graph(
    demo_dir: Path,
) -> None:
    """The region a change can reach (loop/region.py) gives the same findings, new and
    closed, as the whole graph copied, for changes of every kind and a pair at once;
    and it copies a small part of the graph."""
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        cases = [
            [_change(kind, pick, ":2025-12-01" if kind == "end" else "")]
            for kind, picks in _PICKS.items()
            for cypher in picks
            for pick in store.read(cypher)
        ]
        assert len(cases) == 14
        granted = next(c for c in cases if c[0].kind == "grant")
        cases.append([cases[0][0], granted[0]])  # an appointment and a grant together
        total = sum(store.counts().nodes.values())
        moved: set[tuple[str, str]] = set()
        for changes in cases:
            region = whatif.changed_region(store, changes)
            assert sum(len(uids) for uids in region.values()) < total / 5
            part = whatif.simulate(store, changes, AS_OF)
            whole = whatif.simulate(store, changes, AS_OF, whole=True)
            assert part == whole, [c.words() for c in changes]
            moved |= {
                (query, side) for query, q in whole["queries"].items() for side in q if q[side]
            }
        # the changes open and close findings of many queries: the comparison bites
        assert len(moved) >= 8, sorted(moved)

"""The GraphStore contract, run on every engine the machine can reach."""

from __future__ import annotations

import datetime as dt

import pytest

from lianfang.graph import model
from lianfang.graph.falkor_store import FalkorStore
from lianfang.graph.store import DEFAULT_BATCH, Change, GraphStore, QueryError, WriteRefused

UNITS = "UNWIND $rows AS row MERGE (u:Unit {uid: row.uid}) SET u.name = row.name, u.source = 't'"


def uids(store: GraphStore) -> set[str]:
    return {row["uid"] for row in store.read("MATCH (u:Unit) RETURN u.uid AS uid")}


def test_dates_go_in_as_dates_and_come_back_as_dates(store: GraphStore) -> None:
    store.write(
        "CREATE (:Incident {uid: $uid, source: 't', date: date($d)})",
        {"uid": "I1", "d": dt.date(2024, 3, 1)},
    )
    rows = store.read(
        "MATCH (i:Incident) WHERE i.date <= date($as_of) "
        "RETURN i.date AS d, i.date.year AS y, i.date + duration({years: 3}) AS due, i",
        {"as_of": "2024-12-31"},
    )
    assert rows == [
        {
            "d": dt.date(2024, 3, 1),
            "y": 2024,
            "due": dt.date(2027, 3, 1),
            "i": {"uid": "I1", "source": "t", "date": dt.date(2024, 3, 1)},
        }
    ]


def test_apply_writes_every_row_in_batches_and_reports_progress(store: GraphStore) -> None:
    rows = [{"uid": f"U{i}", "name": f"单位{i}"} for i in range(2 * DEFAULT_BATCH + 321)]
    if isinstance(store, FalkorStore):
        store.in_place_rows = 0  # FalkorDB batches in its staging graph only
    seen: list[int] = []
    store.apply([Change(UNITS, rows=rows)], progress=seen.append)
    assert seen == [DEFAULT_BATCH, DEFAULT_BATCH, 321]
    assert store.read("MATCH (u:Unit) RETURN count(u) AS n") == [{"n": len(rows)}]


def test_a_small_change_set_lands_in_place_as_one_query(store: GraphStore) -> None:
    if not isinstance(store, FalkorStore):
        pytest.skip("FalkorDB's write path")
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})
    rows = [{"uid": f"U{i}", "name": f"单位{i}"} for i in range(2 * DEFAULT_BATCH + 321)]
    seen: list[int] = []
    store.apply([Change(UNITS, rows=rows)], progress=seen.append)
    assert seen == [len(rows)]  # after its one query
    assert not store._exists(f"{store.graph_name}__staging")
    assert store.read("MATCH (u:Unit) RETURN count(u) AS n") == [{"n": len(rows) + 1}]


def test_uid_is_unique_per_label(store: GraphStore) -> None:
    store.write("CREATE (:Unit {uid: 'A', source: 't'})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Unit {uid: 'A', source: 't'})")
    store.write("CREATE (:Post {uid: 'A', source: 't'})")  # another label may reuse it
    assert uids(store) == {"A"}


def test_apply_lands_whole(store: GraphStore) -> None:
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})
    progress: list[int] = []
    store.apply(
        [
            Change(UNITS, rows=[{"uid": "B", "name": "乙"}, {"uid": "C", "name": "丙"}]),
            Change("MATCH (u:Unit {uid: $uid}) DETACH DELETE u", {"uid": "A"}),
        ],
        progress=progress.append,
    )
    assert uids(store) == {"B", "C"}
    assert progress == [2, 1]


def test_apply_that_fails_midway_changes_nothing(store: GraphStore) -> None:
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})
    with pytest.raises(QueryError):
        store.apply(
            [
                Change(UNITS, rows=[{"uid": "B", "name": "乙"}]),
                Change("MATCH (u:Unit {uid: 'A'}) SET u.name = 'changed'"),
                Change("CREATE (:Unit {uid: 'A', source: 't'})"),  # violates uniqueness
            ]
        )
    assert store.read("MATCH (u:Unit) RETURN u.uid AS uid, u.name AS name") == [
        {"uid": "A", "name": "甲"}
    ]
    store.apply([Change(UNITS, rows=[{"uid": "D", "name": "丁"}])])  # still writable after
    assert uids(store) == {"A", "D"}


def test_apply_that_is_interrupted_changes_nothing(store: GraphStore) -> None:
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})

    def changes():
        yield Change(UNITS, rows=[{"uid": "B", "name": "乙"}])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.apply(changes())
    assert uids(store) == {"A"}


def test_read_refuses_writes_on_the_engine(store: GraphStore) -> None:
    with pytest.raises(WriteRefused):
        store.read("CREATE (:Unit {uid: 'X', source: 't'})")
    assert uids(store) == set()


def test_a_procedure_split_by_a_comment_never_reaches_the_engine(store: GraphStore) -> None:
    """`CALL db./**/labels()` aborted FalkorDB, and a retry aborted it again."""
    store.write("CREATE (:Unit {uid: 'A', source: 't'})")
    with pytest.raises(WriteRefused, match="comments"):
        store.read_only("CALL db./**/labels()")
    assert store.read_only("CALL db.labels()")  # the allowed read procedure still runs
    assert store.read("MATCH (u:Unit) RETURN u.uid AS uid") == [{"uid": "A"}]


def test_read_only_refuses_writes_before_the_engine(store: GraphStore) -> None:
    with pytest.raises(WriteRefused, match="MERGE"):
        store.read_only("MERGE (:Unit {uid: 'X', source: 't'})")
    assert store.read_only("RETURN 'CREATE' AS word") == [{"word": "CREATE"}]


def test_bad_cypher_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.read("MATCH (n RETURN n")


def test_a_failure_while_running_is_a_query_error(store: GraphStore) -> None:
    """Raised by the engine after it began answering, not when it parsed the query."""
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})
    with pytest.raises(QueryError):
        store.read("MATCH (u:Unit) RETURN 1 / (size(u.name) - 1) AS n")


def test_entities_paths_and_maps_come_back_as_plain_values(store: GraphStore) -> None:
    """Rows mixing plain values with nodes, edges and paths: FalkorDB's plain rows are
    decoded by the project, the rest by the client, and both give the same shapes."""
    store.write(
        "CREATE (:Unit {uid: 'A', name: '甲', source: 't'})"
        "-[:PART_OF {source: 't'}]->(:Unit {uid: 'B', name: '乙', source: 't'})"
    )
    a = {"uid": "A", "name": "甲", "source": "t"}
    b = {"uid": "B", "name": "乙", "source": "t"}
    plain = store.read(
        "MATCH (a:Unit {uid: 'A'}) RETURN a.name AS name, "
        "{n: a.name, l: [1, 2.5, true, null, 'x']} AS m, [a.uid, [a.name]] AS l"
    )
    assert plain == [
        {"name": "甲", "m": {"n": "甲", "l": [1, 2.5, True, None, "x"]}, "l": ["A", ["甲"]]}
    ]
    rows = store.read(
        "MATCH p = (a:Unit)-[r:PART_OF]->(b:Unit) "
        "RETURN a.uid AS uid, a, r, p, [a, b] AS both, {top: b} AS m"
    )
    assert rows == [
        {
            "uid": "A",
            "a": a,
            "r": {"source": "t"},
            "p": {"nodes": [a, b], "edges": [{"source": "t"}]},
            "both": [a, b],
            "m": {"top": b},
        }
    ]


def test_counts_cover_every_schema_type(store: GraphStore) -> None:
    store.write(
        "CREATE (:Person {uid: 'P', source: 't'})-[:HOLDS {origin: 't', "
        "start_date: date('2020-01-01')}]->(:Post {uid: 'Q', source: 't'})"
    )
    counts = store.counts()
    assert set(counts.nodes) == set(model.labels())
    assert set(counts.edges) == set(model.edge_types())
    assert counts.nodes["Person"] == 1 and counts.nodes["Post"] == 1 and counts.nodes["Unit"] == 0
    assert counts.edges["HOLDS"] == 1 and counts.edges["GOVERNS"] == 0


def test_clear_empties_the_graph_and_keeps_the_schema(store: GraphStore) -> None:
    store.write(UNITS, {"rows": [{"uid": "A", "name": "甲"}]})
    store.clear()
    assert uids(store) == set()
    store.write("CREATE (:Unit {uid: 'A', source: 't'})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Unit {uid: 'A', source: 't'})")


AWKWARD = [
    'say "hi"',
    "back\\slash \\n not a newline",
    "line\nbreak\ttab",
    "单位'名称'`反引号`",
    "emoji 🙂 and {braces} $dollar",
    "",
]


def test_awkward_values_survive_the_round_trip(store: GraphStore) -> None:
    props = {
        "texts": AWKWARD,
        "n": -3,
        "x": 2.5e-7,
        "big": 2**53,
        "yes": True,
        "no": False,
        "nothing": None,
        "day": dt.date(2024, 2, 29),
        "nested": {"a key with spaces": [1, "二", None]},
    }
    [row] = store.read("RETURN $p AS p", {"p": props})
    assert row["p"] == {**props, "day": "2024-02-29"}
    store.write(
        "CREATE (:Unit {uid: $uid, source: 't', names: $names})",
        {"uid": AWKWARD[0], "names": AWKWARD},
    )
    assert store.read("MATCH (u:Unit) RETURN u.uid AS uid, u.names AS names") == [
        {"uid": AWKWARD[0], "names": AWKWARD}
    ]

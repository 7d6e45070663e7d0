"""The client-side write-clause check that guards `lianfang cypher` and the shell."""

from __future__ import annotations

import pytest

from lianfang.graph.store import write_clause


@pytest.mark.parametrize(
    ("cypher", "clause"),
    [
        ("CREATE (n:Unit)", "CREATE"),
        ("match (n) detach delete n", "DETACH"),
        ("MATCH (n) SET n.x = 1", "SET"),
        ("MATCH (n) REMOVE n.x", "REMOVE"),
        ("MERGE (n:Unit {uid: 'a'})", "MERGE"),
        ("LOAD  CSV FROM 'file:///x' AS r RETURN r", "LOAD  CSV"),
        ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
        ("DROP INDEX ON :Unit(uid)", "DROP"),
    ],
)
def test_write_clauses_are_found(cypher: str, clause: str) -> None:
    assert write_clause(cypher) == clause


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n:Unit) RETURN n.name",
        "MATCH (n) WHERE n.name = 'CREATE TABLE' RETURN n",
        'MATCH (n) WHERE n.note = "please DELETE this" RETURN n',
        "MATCH (n) // SET nothing\nRETURN n",
        "MATCH (n) /* MERGE */ RETURN n.`set`",
        "MATCH (n) RETURN n.dataset, n.offset, n.created_at",
    ],
)
def test_reads_pass(cypher: str) -> None:
    assert write_clause(cypher) is None

"""The client-side write-clause check that guards `lianfang cypher` and the shell."""

from __future__ import annotations

import pytest

from lianfang.graph.store import user_query_problem, write_clause


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


@pytest.mark.parametrize(
    ("cypher", "problem"),
    [
        ("CALL db./**/labels()", "comments"),  # this one crashed FalkorDB
        ("MATCH (n) RETURN n // note", "comments"),
        ("CALL db.indexes", "procedure db.indexes()"),
        ("CALL db.indexes() YIELD label RETURN label", "procedure db.indexes()"),
        ("call dbms.procedures()", "procedure dbms.procedures()"),
        ("CALL algo.BFS(n, 1, null) YIELD nodes RETURN nodes", "procedure algo.BFS()"),
        ("MATCH (n) DETACH DELETE n", "DETACH writes"),
        # Back-quoted names are names: quotes do not hide a procedure.
        ("CALL `dbms.procedures`()", "procedure dbms.procedures()"),
        ("CALL `algo.pageRank`('Unit','PART_OF')", "procedure algo.pageRank()"),
        ("CALL `db`.`indexes`()", "procedure db.indexes()"),
        ("CALL `db.labels`() YIELD label CALL `dbms.x`() RETURN 1", "procedure dbms.x()"),
    ],
)
def test_typed_queries_that_are_refused(cypher: str, problem: str) -> None:
    assert problem in (user_query_problem(cypher) or "")


@pytest.mark.parametrize(
    "cypher",
    [
        "CALL db.labels()",
        "CALL  db . relationshipTypes ( )",
        "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
        "CALL { MATCH (n:Unit) RETURN n } RETURN count(n)",
        "MATCH (n) WHERE n.note = '// not a comment /* either */' RETURN n",
        "MATCH (n) RETURN n.`a//b`",
        "CALL `db.labels`()",
        "MATCH (n:`it's`) RETURN n.`CALL x`",
    ],
)
def test_typed_queries_that_pass(cypher: str) -> None:
    assert user_query_problem(cypher) is None

"""Every canned query, and every statement the importer sends, parses as Neo4j 5 Cypher
with nothing unknown: no syntax error, no unknown function, label, type or property."""

from __future__ import annotations

import pytest

from graph import model
from ingest import plan
from queries.spec import library
from tests import cypher_lint

pytestmark = pytest.mark.skipif(
    cypher_lint.node_missing() is not None, reason=str(cypher_lint.node_missing())
)


def importer_statements() -> dict[str, str]:
    statements = {}
    for label in model.labels():
        statements[f"merge {label}"] = plan.merge_nodes(label)
        statements[f"sweep {label}"] = plan.sweep_nodes(label)
        statements[f"clear {label}"] = plan.clear_mark(label)
    for edge in model.edges():
        statements[f"create {edge.start}-{edge.type}->{edge.end}"] = plan.create_edges(
            edge.start, edge.type, edge.end
        )
    for type_ in model.edge_types():
        statements[f"delete {type_}"] = plan.delete_edges(type_)
    return statements


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict]]:
    queries = {f"{spec.id}": spec.cypher for spec in library().values()}
    queries |= {f"{spec.id} (total)": spec.total for spec in library().values() if spec.total}
    parameters = {p.name: "x" for spec in library().values() for p in spec.parameters}
    parameters |= {"source": "x", "run": "x", "rows": []}
    return cypher_lint.lint(queries | importer_statements(), parameters)


def test_the_lint_catches_what_it_should() -> None:
    found = cypher_lint.lint(
        {
            "syntax": "MATCH (n RETURN n",
            "function": "RETURN nosuchfunction(1) AS x",
            "label": "MATCH (n:NoSuchLabel) RETURN n",
            "subquery": "MATCH (n:Unit) RETURN COUNT { (n)--() } AS c",
        }
    )
    assert any(d["severity"] == 1 for d in found["syntax"])
    assert found["function"] and found["label"]
    assert found["subquery"] == []  # Neo4j accepts it; the dialect check is ours


def test_no_query_has_any_diagnostic(diagnostics: dict[str, list[dict]]) -> None:
    failing = {name: found for name, found in diagnostics.items() if found}
    assert failing == {}
    assert len(diagnostics) >= 2 * 17 + len(model.labels())

"""Every canned query, and every statement the importer sends, parses as Neo4j 5 Cypher
with nothing unknown: no syntax error, no unknown function, label, type or property."""

from __future__ import annotations

import contextlib

import cypher_lint
import pytest

from lianfang.graph import falkor_carry, model
from lianfang.graph.falkor_compose import compose
from lianfang.graph.store import Change, GraphStore, Scratch
from lianfang.ingest import plan
from lianfang.queries.spec import library

pytestmark = pytest.mark.skipif(
    cypher_lint.node_missing() is not None, reason=str(cypher_lint.node_missing())
)


def importer_statements() -> dict[str, str]:
    statements = {}
    for label in model.labels():
        statements[f"merge {label}"] = plan.merge_nodes(label)
        statements[f"sweep {label}"] = plan.sweep_nodes(label)
        statements[f"rename {label}"] = plan.rename_nodes(label)
    for edge in model.edges():
        statements[f"create {edge.start}-{edge.type}->{edge.end}"] = plan.create_edges(
            edge.start, edge.type, edge.end
        )
    for type_ in model.edge_types():
        statements[f"delete {type_}"] = plan.delete_edges(type_)
    return statements


def in_place_statement() -> tuple[dict[str, str], dict[str, object]]:
    """FalkorDB writes a small import as one composed query; it stays in the dialect too."""
    params = {"source": "x", "codes": []}
    changes = [Change(text, params, rows=[]) for text in importer_statements().values()]
    cypher, params = compose(changes)
    return {"in place": cypher}, {name: "x" for name in params}


def staging_statements() -> dict[str, str]:
    """FalkorDB's staging carry runs only there, but stays in the shared dialect too."""
    statements = {"count nodes": falkor_carry.COUNT_NODES, "count edges": falkor_carry.COUNT_EDGES}
    for label, dates in model.stored_labels().items():
        statements[f"read {label}"] = falkor_carry.read_nodes(label)
        statements[f"carry {label}"] = falkor_carry.create_nodes(label, dates)
    for edge in model.edges():
        name = f"{edge.start}-{edge.type}->{edge.end}"
        statements[f"read {name}"] = falkor_carry.read_edges(edge)
        statements[f"carry {name}"] = falkor_carry.create_edges(edge)
        statements[f"copy-read {name}"] = falkor_carry.read_edges(edge, by_uid=True)
        statements[f"copy {name}"] = falkor_carry.create_edges(edge, by_uid=True)
    return statements


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict]]:
    queries = {f"{spec.id}": spec.cypher for spec in library().values()}
    queries |= {
        f"{spec.id} (joined {n})": text
        for spec in library().values()
        for n, text in enumerate(spec.joined, 1)
    }
    queries |= {f"{spec.id} (total)": spec.total for spec in library().values() if spec.total}
    parameters = {p.name: "x" for spec in library().values() for p in spec.parameters}
    parameters |= {"source": "x", "codes": [], "rows": []}
    composed, composed_parameters = in_place_statement()
    return cypher_lint.lint(
        queries | importer_statements() | staging_statements() | composed,
        parameters | composed_parameters,
    )


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


class Recording(GraphStore):
    """A store that remembers every Cypher text it is asked to run."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.kind, self.location = inner.kind, inner.location
        self.seen: set[str] = set()

    def read(self, cypher, params=None):
        self.seen.add(cypher)
        return self.inner.read(cypher, params)

    def write(self, cypher, params=None):
        self.seen.add(cypher)
        return self.inner.write(cypher, params)

    def office_read(self, cypher, params=None):
        self.seen.add(cypher)
        return self.inner.office_read(cypher, params)

    def office_write(self, cypher, params=None):
        self.seen.add(cypher)
        return self.inner.office_write(cypher, params)

    @contextlib.contextmanager
    def scratch(self, region=None):
        with self.inner.scratch(region) as inner:

            def read(cypher, params=None):
                self.seen.add(cypher)
                return inner.read(cypher, params)

            def write(cypher, params=None):
                self.seen.add(cypher)
                return inner.write(cypher, params)

            yield Scratch(read, write, partial=inner.partial)

    def apply(self, changes, progress=None, replacing=None):
        changes = list(changes)
        self.seen.update(change.cypher for change in changes)
        return self.inner.apply(changes, progress, replacing)

    def ensure_schema(self) -> None:
        self.inner.ensure_schema()

    def clear(self) -> None:
        self.inner.clear()

    def close(self) -> None:
        self.inner.close()


def exercise_access(store: GraphStore) -> None:
    """Every statement of accounts, tokens, sessions and the audit log, once."""
    from lianfang.access import accounts, audit, sessions, tokens

    accounts.any_exist(store)
    account = accounts.add(store, "ana", "analyst", "a long password", ["U1"])
    accounts.listing(store), accounts.authenticate(store, "ana", "a long password")
    accounts.set_password(store, "ana", "another long one")
    token, info = tokens.create(store, "ana", 3)
    tokens.authenticate(store, token), tokens.listing(store), tokens.revoke(store, info.key)
    cookie, _ = sessions.start(store, account, 1)
    sessions.find(store, cookie), sessions.end(store, cookie), sessions.end_expired(store)
    accounts.disable(store, "ana")
    audit.record(store, "export", user="ana", client=None, rows=1)
    audit.entries(store, "2020-01-01T00:00:00.000Z", "ana", "export")


def exercise_loop(store: GraphStore, today) -> None:
    """Every statement of warnings, scores, notices, the ledger and acceptances, once."""
    import datetime as dt

    from lianfang.loop import acceptance, ledger, score, warnings
    from lianfang.reports import notice

    warnings.compute(store, today), score.compute(store, today)
    for kind in ("warning", "rectification"):  # its statements run before any refusal
        with contextlib.suppress(notice.NoticeError):
            notice.build(store, today, unit="U1", kind=kind)
    item = ledger.open_item(store, "unmitigated-high-risks", ("K3",), today, "ana")
    ledger.move(store, item.uid, "start", "ana"), ledger.followed(store, today)
    acceptance.accept(
        store, "unmitigated-high-risks", ("K3",), "r", "a", today + dt.timedelta(days=9), "ana"
    )
    from lianfang.loop import whatif
    from lianfang.queries import paths

    changes = (("appoint", "E1@P2"), ("grant", "P1>Q2"), ("revoke", "P1>Q1"), ("end", "E1@P1"))
    for kind, text in changes:
        with contextlib.suppress(whatif.WhatIfError):
            whatif.simulate(store, [whatif.parse(kind, text)], today)
    paths.paths(store, "E1", "Q1", today)
    from lianfang.reports import card

    card.unit_cards(store, "U1", today)


def test_every_statement_the_product_sends_passes_the_lint(data_dir, tmp_path) -> None:
    """Run the product's features over a small graph, record each Cypher text they send,
    and lint them all: what runs on FalkorDB here also parses as Neo4j 5 Cypher."""
    import datetime as dt
    import re

    from registers_data import write_workbook

    from lianfang.graph.falkor_store import EmbeddedFalkorStore
    from lianfang.ingest.load import load
    from lianfang.queries import lookups, scope
    from lianfang.queries.runner import run
    from lianfang.queries.stats import stats
    from lianfang.reports import disclosure, review, snapshots
    from lianfang.viz.subgraph import findings_map, mark_exposed, neighbourhood, unit_map

    store = Recording(EmbeddedFalkorStore(data_dir, "lianfang"))
    try:
        load(write_workbook(tmp_path / "org.xlsx"), store)
        today = dt.date.today()
        for spec in library().values():
            run(store, spec.id)
        stats(store), lookups.search(store, "科"), lookups.node_detail(store, "Post", "P3")
        mark_exposed(store, unit_map(store, "U1", today))
        neighbourhood(store, "Post", "P3", 2, today)
        findings_map(store, run(store, "unmitigated-high-risks").rows, today)
        snapshots.save(store, "s", today)
        snapshots.listing(store), snapshots.load(store, "s")
        review.build(store, today, unit="U1", compare_with="s")
        disclosure.disclosure_rows(store, "U1")
        within = scope.compute(store, ["U2"])
        for spec in library().values():
            scope.scoped(store, run(store, spec.id), within)
        stats(store, within)
        exercise_access(store)
        exercise_loop(store, today)
    finally:
        store.close()
    assert len(store.seen) > 60
    names = {name for text in store.seen for name in re.findall(r"\$(\w+)", text)}
    found = cypher_lint.lint(
        {f"q{i}": text for i, text in enumerate(sorted(store.seen))}, {name: "x" for name in names}
    )
    failing = {text: found[f"q{i}"] for i, text in enumerate(sorted(store.seen)) if found[f"q{i}"]}
    assert failing == {}

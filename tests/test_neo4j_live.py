"""Neo4j, live: the suites that hold a whole organisation, run on a real Neo4j server
beside the embedded FalkorDB, and compared. The two stores must answer alike: the demo
(every canned query, the review's figures, what-if, paths), the real registers office
after office, the office records, an import killed mid-way, and the web app's pages.

The server is the one `neo4j_url` gives (NEO4J_URI, a container, or one started with
scripts/neo4j-server.sh). The tests share it in file order: the demo is loaded once for
the first group, and later tests empty it for their own data.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graph_dump import dump
from registers_data import SHEETS, write_workbook
from web import LOCAL

from lianfang.access import accounts, audit
from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.neo4j_store import Neo4jStore
from lianfang.ingest import demo, writers
from lianfang.ingest.load import load
from lianfang.loop import acceptance, ledger, score, warnings, whatif
from lianfang.queries import paths
from lianfang.queries.runner import run
from lianfang.queries.spec import library
from lianfang.queries.stats import stats
from lianfang.reports import review, snapshots

AS_OF = dt.date(2026, 1, 31)
REAL = Path(__file__).parent / "fixtures" / "real"
CHANGES = [
    [("appoint", "C01-E0544@C01B14S04-P02")],
    [("grant", "C01B02S05-P03>C01B02-Q0024"), ("revoke", "C01B02S05-P03>C01B02-Q0013")],
    [("end", "C01-E0045@C01B02S04-P01")],
]


def _open(url: tuple[str, str, str]) -> Neo4jStore:
    return Neo4jStore(*url, None)


def _empty(store: Neo4jStore) -> None:
    with store.driver.session() as session:  # an implicit transaction, in batches
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS").consume()


@pytest.fixture(scope="module")
def neo4j_demo(neo4j_url: tuple[str, str, str]) -> Iterator[Neo4jStore]:
    """The demo organisation on Neo4j, imported as an office would import it."""
    store = _open(neo4j_url)
    _empty(store)
    demo.load_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def falkor_demo(demo_dir: Path) -> Iterator[EmbeddedFalkorStore]:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        yield store


def _params(query_id: str) -> dict[str, Any]:
    return {"as_of": AS_OF} if "as_of" in {p.name for p in library()[query_id].parameters} else {}


@pytest.mark.parametrize("query_id", sorted(library()))
def test_every_query_answers_alike_on_the_demo(
    neo4j_demo: Neo4jStore, falkor_demo: EmbeddedFalkorStore, query_id: str
) -> None:
    on_neo4j = run(neo4j_demo, query_id, _params(query_id))
    on_falkor = run(falkor_demo, query_id, _params(query_id))
    assert on_neo4j.rows == on_falkor.rows
    assert on_neo4j.total == on_falkor.total and on_neo4j.count >= 1


def test_the_reviews_figures_warnings_and_scores_agree(
    neo4j_demo: Neo4jStore, falkor_demo: EmbeddedFalkorStore
) -> None:
    assert stats(neo4j_demo) == stats(falkor_demo)
    a, b = review.build(neo4j_demo, AS_OF), review.build(falkor_demo, AS_OF)
    assert (a.headline, a.profile, a.distribution) == (b.headline, b.profile, b.distribution)
    assert a.names == b.names and a.loop == b.loop
    levels = {k: w.level for k, w in warnings.compute(neo4j_demo, AS_OF).posts.items()}
    assert levels == {k: w.level for k, w in warnings.compute(falkor_demo, AS_OF).posts.items()}
    assert score.compute(neo4j_demo, AS_OF) == score.compute(falkor_demo, AS_OF)


@pytest.mark.parametrize("changes", CHANGES, ids=["appoint", "grant-revoke", "end"])
def test_what_if_answers_alike_and_changes_nothing(
    neo4j_demo: Neo4jStore, falkor_demo: EmbeddedFalkorStore, changes: list[tuple[str, str]]
) -> None:
    before = dump(neo4j_demo)
    parsed = [whatif.parse(kind, text) for kind, text in changes]
    on_neo4j = whatif.simulate(neo4j_demo, parsed, AS_OF)
    assert on_neo4j == whatif.simulate(falkor_demo, parsed, AS_OF)
    assert any(q["new"] or q["closed"] for q in on_neo4j["queries"].values())
    assert dump(neo4j_demo) == before  # the rolled-back transaction left nothing


def test_paths_answer_alike(neo4j_demo: Neo4jStore, falkor_demo: EmbeddedFalkorStore) -> None:
    found = paths.paths(neo4j_demo, "C01-E0544", "C01B14-Q0009", AS_OF)
    assert found and found == paths.paths(falkor_demo, "C01-E0544", "C01B14-Q0009", AS_OF)


def test_the_web_apps_pages_on_neo4j(neo4j_demo: Neo4jStore) -> None:
    app = create_app(store=neo4j_demo, settings=AppSettings(warm_seconds=0))
    with TestClient(app, base_url=LOCAL) as client:
        for path in (
            "/",
            "/units",
            "/queries/incompatible-duties?as_of=2026-01-31",
            "/nodes/Post/C01B02S05-P03",
            "/nodes/Person/C01-E0544",
            "/maps/unit/C01B02",
            "/maps/query/incompatible-duties",
            "/warnings",
            "/ledger",
            "/api/queries/unmitigated-high-risks.csv",
            "/api/reports/review.docx",
        ):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        body = client.get("/api/queries/incompatible-duties", params={"as_of": "2026-01-31"})
        assert (
            body.json()["count"]
            == run(neo4j_demo, "incompatible-duties", _params("incompatible-duties")).count
        )


def test_the_real_registers_office_after_office(
    neo4j_url: tuple[str, str, str], tmp_path: Path
) -> None:
    """The eight published registers, imported in turn on each store: the same reports,
    the same graph."""
    from test_real_registers import OFFICES

    store = _open(neo4j_url)
    try:
        _empty(store)
        with EmbeddedFalkorStore(tmp_path / "data", "real") as falkor:
            for office in OFFICES:
                on_neo4j, on_falkor = load(REAL / office, store), load(REAL / office, falkor)
                assert (on_neo4j.nodes, on_neo4j.edges) == (on_falkor.nodes, on_falkor.edges)
            assert dump(store, with_provenance=False) == dump(falkor, with_provenance=False)
            for query_id in library():
                assert (
                    run(store, query_id, _params(query_id)).rows
                    == run(falkor, query_id, _params(query_id)).rows
                ), query_id
    finally:
        store.close()


def test_the_office_records(neo4j_url: tuple[str, str, str], tmp_path: Path) -> None:
    """Accounts, the audit log, the ledger, acceptances and snapshots, kept on Neo4j."""
    store = _open(neo4j_url)
    try:
        _empty(store)
        load(write_workbook(tmp_path / "org.xlsx"), store)
        accounts.add(store, "wang", "admin", "a-long-Passw0rd", [])
        assert accounts.authenticate(store, "wang", "a-long-Passw0rd") is not None
        assert accounts.authenticate(store, "wang", "wrong") is None
        audit.record(store, "login", user="wang", client="127.0.0.1")
        assert [e.action for e in audit.entries(store, "2000-01-01T00:00:00.000Z")] == ["login"]
        item = ledger.open_item(store, "unmitigated-high-risks", ("K3",), AS_OF, "wang")
        assert ledger.move(store, item.uid, "start", "wang").status == "in_progress"
        made = acceptance.accept(
            store,
            "overdue-controls",
            ("C2",),
            "整改中",
            "王书记",
            dt.date(2099, 1, 1),
            "wang",
        )
        assert acceptance.find(store, made.uid).finding_id == made.finding_id
        token = store.version()
        saved = snapshots.save(store, "2025年度", AS_OF)
        assert store.version() == token  # no answer reads a snapshot
        assert snapshots.load(store, "2025年度").findings(
            "unmitigated-high-risks"
        ) == saved.findings("unmitigated-high-risks")
        load(write_workbook(tmp_path / "org.xlsx", SHEETS), store)  # a re-import keeps them
        assert [i.uid for i in ledger.items(store)] == [item.uid]
        assert [s["name"] for s in snapshots.listing(store)] == ["2025年度"]
        snapshots.delete(store, "2025年度")
        assert snapshots.listing(store) == []
    finally:
        store.close()


KILLED_IMPORT = """
import sys
from pathlib import Path
from lianfang.graph.neo4j_store import Neo4jStore
from lianfang.ingest.load import load
store = Neo4jStore(sys.argv[1], sys.argv[2], sys.argv[3], None)
print("importing", flush=True)
load(Path(sys.argv[4]), store, source="org")
"""


def test_a_client_killed_mid_import_leaves_the_old_graph(
    neo4j_url: tuple[str, str, str], tmp_path: Path
) -> None:
    """The import is one transaction: killing its process mid-way leaves the graph as it
    was, and the next import lands whole."""
    store = _open(neo4j_url)
    try:
        _empty(store)
        load(write_workbook(tmp_path / "org.xlsx"), store)
        before = dump(store)
        big = writers.write_workbook(tmp_path / "big.xlsx", demo.generate(scale=3, seed=7))
        script = tmp_path / "import.py"
        script.write_text(KILLED_IMPORT, encoding="utf-8")
        importer = subprocess.Popen(
            [sys.executable, str(script), *neo4j_url, str(big)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        assert importer.stdout is not None and importer.stdout.readline() == "importing\n"
        deadline = time.monotonic() + 120
        while not _writing(store) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _writing(store), "the import never reached the server"
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=30)
        deadline = time.monotonic() + 120
        while _writing(store) and time.monotonic() < deadline:  # the server rolls it back
            time.sleep(0.1)
        assert dump(store) == before
        load(big, store, source="org")
        assert dump(store) != before
    finally:
        store.close()


def _writing(store: Neo4jStore) -> bool:
    """Whether another client's write transaction is open on the server."""
    records, _, _ = store.driver.execute_query(
        "SHOW TRANSACTIONS YIELD currentQuery, status "
        "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS n"
    )
    return records[0]["n"] > 0

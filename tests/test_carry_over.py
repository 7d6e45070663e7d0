"""After an import, an answer whose query reads nothing the import wrote is kept rather
than computed again, and it is the answer computing it again would give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reads import record_reads

from lianfang.api.warmer import Warmer
from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.ingest import writers
from lianfang.ingest.demo import load_demo
from lianfang.ingest.load import load
from lianfang.loop import score, warnings
from lianfang.loop.findings import query_findings
from lianfang.queries.cache import RESULTS, carry_over
from lianfang.queries.readsets import everything, reads, spec_reads
from lianfang.queries.runner import run
from lianfang.queries.spec import QuerySpec, library


def test_a_read_set_is_what_the_text_names_and_the_ends_of_each_type() -> None:
    found = reads("MATCH (p:Post)-[:IN_UNIT]->(u) RETURN p.uid")
    assert {"Post", "IN_UNIT", "Unit", "Person", "RiskPoint"} <= found
    assert "Control" not in found and "HOLDS" not in found
    # A relationship or a node that could be anything reads everything.
    for text in (
        "MATCH (p:Post)-[r]->(x) RETURN x",
        "MATCH (p:Post)-->(x) RETURN x",
        "MATCH (p:Post)<--(x) RETURN x",
        "MATCH (p:Post)-[*1..2]-(x) RETURN x",
        "MATCH (n) RETURN count(n)",
        "MATCH (n {uid: $uid}) RETURN n",
    ):
        assert reads(text) == everything(), text


def test_every_canned_query_reads_what_it_names() -> None:
    for spec in library().values():
        read = spec_reads(spec)
        for name in everything():
            if f":{name}" in spec.text:
                assert name in read, (spec.id, name)


@pytest.fixture
def demo(store: GraphStore) -> Iterator[GraphStore]:
    load_demo(store)
    RESULTS.clear()
    yield store
    RESULTS.clear()


def _first(store: GraphStore, query_id: str, column: str) -> str:
    rows = run(store, query_id).rows
    assert rows, f"the demo has no {query_id} finding to change"
    value = rows[0][column]
    return str(value[0] if isinstance(value, list) else value)


def _sources(store: GraphStore) -> list[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """Imports of one register each, every one changing some answer, then each undone."""
    risk = _first(store, "unmitigated-high-risks", "risk_id")
    post = _first(store, "vacant-key-posts", "post_id")
    power = _first(store, "powers-without-rules", "power_id")
    person = str(store.read("MATCH (p:Person) RETURN p.uid AS uid ORDER BY uid LIMIT 1")[0]["uid"])
    unit = str(store.read("MATCH (u:Unit) RETURN u.uid AS uid ORDER BY uid LIMIT 1")[0]["uid"])
    control = {
        "control_id": "T-C1",
        "description": "重大事项集体研究",
        "kind": "制度防控",
        "risks": risk,
        "owner_posts": post,
        "status": "已落实",
    }
    incident = {
        "incident_id": "T-X1",
        "date": dt.date(2025, 3, 1),
        "kind": "巡察发现",
        "person_id": person,
        "post_id": post,
        "risk_id": risk,
        "description": "审批资料不全",
        "disposal": "诫勉谈话",
    }
    rule = {"rule_id": "T-R1", "title": "审批管理办法", "status": "现行", "governs": power}
    assignment = {"person_id": person, "post_id": post, "start_date": dt.date(2025, 1, 1)}
    units = [{"unit_id": "T-U1", "name": "审计科", "parent_id": unit, "kind": "内设机构"}]
    posts = [{"post_id": "T-P1", "name": "审计员", "unit_id": "T-U1", "key_post": "是"}]
    second = {"unit_id": "T-U2", "name": "督查科", "parent_id": unit, "kind": "内设机构"}
    moved = [{**posts[0], "unit_id": "T-U2"}]  # the post's unit, as findings look it up
    return [
        ("controls", {"controls": [control]}),
        ("incidents", {"incidents": [incident]}),
        ("rules", {"rules": [rule]}),
        ("assignments", {"assignments": [assignment]}),  # edges only, between others' records
        ("unit", {"units": units, "posts": posts}),
        ("unit", {"units": [*units, second], "posts": moved}),
        ("unit", {"units": units, "posts": posts}),
        ("copy", {"units": units}),  # a code two sources hold: the first one's is renamed
        ("controls", {"controls": []}),  # each source emptied again: what it drops
        ("incidents", {"incidents": []}),
        ("rules", {"rules": []}),
        ("assignments", {"assignments": []}),
        ("copy", {"units": []}),
        ("unit", {"units": [], "posts": []}),
    ]


# Registers every import holds, if only as a header (REGISTERS.md).
REQUIRED = ("units", "posts", "people", "assignments", "powers", "risks", "controls")


def _whole(sheets: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {**{name: [] for name in REQUIRED}, **sheets}


def _answers(store: GraphStore, today: dt.date) -> dict[str, Any]:
    """Every canned query's answer, every warning query's findings, every post's and
    unit's warning level and every unit's score, as the warmer prepares them."""
    answers: dict[str, Any] = {}
    for spec in library().values():
        result = run(store, spec.id)
        answers[spec.id] = (result.rows, result.total)
        if spec.warns:
            answers[f"findings {spec.id}"] = sorted(query_findings(store, spec, today), key=repr)
    answers["warnings"] = warnings.compute(store, today)
    answers["scores"] = score.compute(store, today)
    return answers


def _reread(spec: QuerySpec, asked: list[str]) -> bool:
    return any(cypher in spec.statements for cypher in asked)


def test_answers_kept_over_an_import_are_the_ones_computed_again(
    demo: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, today = demo, calendar.today()
    kept_any = 0
    for number, (source, sheets) in enumerate(_sources(store)):
        _answers(store, today)  # the state before, prepared
        path = writers.write_workbook(tmp_path / f"{number}-{source}.xlsx", _whole(sheets))
        load(path, store, source=source)
        change = store.state_change()
        assert change.touched is not None, source
        kept = carry_over(store, change)
        kept_any += kept
        asked = record_reads(store, monkeypatch)
        carried = _answers(store, today)
        recomputed = {spec.id for spec in library().values() if _reread(spec, asked)}
        monkeypatch.undo()
        RESULTS.clear()
        fresh = _answers(store, today)
        for name, answer in fresh.items():
            assert carried[name] == answer, (source, sheets, name, sorted(change.touched))
        if source == "controls" and sheets["controls"]:
            # A control's import leaves the people, powers and rules queries alone.
            assert {"ungraded-risks", "vacant-key-posts", "powers-without-rules"}.isdisjoint(
                recomputed
            )
            assert "risks-without-controls" in recomputed
    assert kept_any > 0


def test_a_write_that_does_not_say_what_it_wrote_keeps_nothing(demo: GraphStore) -> None:
    _answers(demo, calendar.today())
    demo.write("MATCH (u:Unit) WITH u LIMIT 1 SET u.name = '改名'")
    change = demo.state_change()
    assert change.touched is None
    assert carry_over(demo, change) == 0


def test_the_warmer_computes_again_only_what_an_import_touched(
    demo: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmer = Warmer(demo, every_seconds=0)
    warmer.warm_once()
    power = _first(demo, "powers-without-rules", "power_id")
    rule = {"rule_id": "T-R1", "title": "审批管理办法", "status": "现行", "governs": power}
    path = writers.write_workbook(tmp_path / "rules.xlsx", _whole({"rules": [rule]}))
    load(path, demo, source="r")
    asked = record_reads(demo, monkeypatch)
    warmer.warm_once()
    again = {spec.id for spec in library().values() if _reread(spec, asked)}
    assert "powers-without-rules" in again
    assert "ungraded-risks" not in again and "vacant-key-posts" not in again
    assert len(again) < len(library()) / 2
    assert power not in {row["power_id"] for row in run(demo, "powers-without-rules").rows}

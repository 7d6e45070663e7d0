"""The library: complete, documented, in the shared dialect; the runner's refusals."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lianfang.graph.store import GraphStore
from lianfang.queries.dialect import AVOID
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import UnknownQuery, run
from lianfang.queries.spec import LIBRARY, LibraryError, library, load_library, parse

DOCS_QUERIES = Path(__file__).resolve().parents[1] / "docs" / "queries.md"
QUERIES_MD = Path(__file__).resolve().parents[2] / "shared" / "QUERIES.md"  # the given one
IDS = {
    "unmitigated-high-risks",
    "ungraded-risks",
    "unclassified-risks",
    "risks-without-controls",
    "power-concentration",
    "incompatible-duties",
    "process-capture",
    "rotation-due",
    "concurrent-key-posts",
    "vacant-key-posts",
    "powers-without-process",
    "powers-without-rules",
    "major-matters-without-collective-decision",
    "unsupervised-processes",
    "posts-without-risks",
    "reassessment-due",
    "level-review",
    "responsibility-mismatch",
    "overdue-controls",
    "unit-risk-profile",
}
# The register ids each query's rows carry (QUERIES.md, "row carries").
# Beyond the contract's eighteen: issue 16's exposure queries.
ADDED = {"power-exposure", "exposure-choke-posts"}
CARRIES = {
    "power-exposure": {"power_id", "people", "post_ids"},
    "exposure-choke-posts": {"post_id", "people", "exposure"},
    "unmitigated-high-risks": {"risk_id", "level", "post_id", "unit_id", "control_ids"},
    "risks-without-controls": {"risk_id", "level"},
    "ungraded-risks": {"risk_id", "post_ids", "unit_id"},
    "unclassified-risks": {"risk_id", "post_ids", "unit_id"},
    "power-concentration": {"person_id", "post_ids", "power_count", "high_risk_power_count"},
    "incompatible-duties": {"person_id", "post_id", "power_a", "power_b"},
    "process-capture": {"process_id", "person_id", "seqs"},
    "rotation-due": {"person_id", "post_id", "start_date", "years_in_post", "due_date"},
    "concurrent-key-posts": {"person_id", "post_ids"},
    "vacant-key-posts": {"post_id"},
    "powers-without-process": {"power_id"},
    "powers-without-rules": {"power_id", "rule_ids"},
    "major-matters-without-collective-decision": {"power_id", "process_ids"},
    "unsupervised-processes": {"process_id", "power_id"},
    "posts-without-risks": {"post_id", "power_count"},
    "reassessment-due": {"risk_id", "assessed"},
    "level-review": {"risk_id", "level", "incident_ids"},
    "responsibility-mismatch": {"risk_id", "level", "required_leadership", "owner_post_ids"},
    "overdue-controls": {"control_id", "due", "risk_ids", "owner_post_ids"},
    "unit-risk-profile": {
        "unit_id",
        "powers",
        "processes",
        "rules",
        "posts",
        "people",
        "high_risks",
        "medium_risks",
        "low_risks",
        "controls",
        "unmitigated_high_risks",
    },
}
GOOD = LIBRARY / "vacant-key-posts.yaml"


def test_the_library_holds_exactly_the_contracts_queries() -> None:
    assert set(library()) == IDS | ADDED
    shipped = DOCS_QUERIES.read_text(encoding="utf-8")
    for spec in library().values():
        assert f"| `{spec.id}` | {spec.title_zh} |" in shipped, spec.id
    if QUERIES_MD.exists():  # beside the checkout: the contract the project was given
        listed = set(re.findall(r"^\| ([a-z-]+) \|", QUERIES_MD.read_text(), re.M)) - {"id"}
        assert listed == IDS
        for spec in library().values():
            if spec.id not in ADDED:
                assert f"| {spec.id} | {spec.title_zh} |" in QUERIES_MD.read_text()


def test_every_query_is_documented() -> None:
    for spec in library().values():
        assert spec.title_zh and spec.title_en and len(spec.description) > 60, spec.id
        assert len(spec.description_zh) > 25 and spec.version >= 1, spec.id
        prose = re.sub(r"`[^`]*`", "", spec.description_zh)
        assert not re.search(r"[A-Za-z]{4,}", prose), (spec.id, "English in description_zh")
        assert spec.rule and spec.remedy and spec.severity in ("high", "medium", "low")
        assert all(p.description for p in spec.parameters)
        assert all(c.description for c in spec.columns)
        assert CARRIES[spec.id] <= {c.name for c in spec.columns}, spec.id
        if spec.id != "unit-risk-profile":
            assert spec.total, f"{spec.id} has no denominator"


def test_every_query_takes_as_of_and_the_timed_ones_read_it() -> None:
    timed = re.compile(r"start_date|end_date|assessed|\.due\b|i\.date")
    for spec in library().values():
        assert "as_of" in {p.name for p in spec.parameters}, spec.id
        assert spec.dated == bool(timed.search(spec.text)), spec.id


def test_an_undated_query_answers_the_same_on_any_date(store: GraphStore) -> None:
    spec = library()["risks-without-controls"]
    assert not spec.dated
    early = run(store, spec.id, {"as_of": "2001-01-01"})
    assert early.params["as_of"] == "2001-01-01"
    assert early.rows == run(store, spec.id, {"as_of": "2031-01-01"}).rows


@pytest.mark.parametrize(("construct", "pattern"), AVOID, ids=[name for name, _ in AVOID])
def test_no_query_uses_the_avoid_list(construct: str, pattern: re.Pattern[str]) -> None:
    for spec in library().values():
        assert not pattern.search(spec.text), (spec.id, construct)


def _variant(tmp_path: Path, text: str, name: str = "vacant-key-posts.yaml") -> Path:
    folder = tmp_path / "library"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


GOOD_TEXT = GOOD.read_text(encoding="utf-8")
BAD_FILES = {
    "not yaml": ("id: [unclosed", "not valid YAML"),
    "missing remedy": (re.sub(r"remedy: >\n(  .*\n)+", "", GOOD_TEXT), "remedy: missing"),
    "bad severity": (GOOD_TEXT.replace("severity: medium", "severity: urgent"), "severity"),
    "unknown type": (GOOD_TEXT.replace("type: date", "type: datetime"), "parameters.0.type"),
    "no version": (GOOD_TEXT.replace("version: 1\n", ""), "version: missing"),
    "version zero": (GOOD_TEXT.replace("version: 1\n", "version: 0\n"), "version"),
    "no Chinese description": (
        re.sub(r"description_zh: .*\n", "", GOOD_TEXT),
        "description_zh: missing",
    ),
    "unknown parameter key": (
        GOOD_TEXT.replace("    type: date\n", "    type: date\n    unit: days\n"),
        "parameters.0.unit: unknown field",
    ),
    "as_of declared but unused": (
        GOOD_TEXT.replace("$as_of", "'2025-01-01'"),
        "'as_of' is declared but not used",
    ),
    "write clause": (
        GOOD_TEXT.replace("RETURN p.uid AS post_id", "SET p.x = 1 RETURN p.uid AS post_id"),
        "write clause (SET)",
    ),
    "joined statement writes": (
        GOOD_TEXT.replace(
            "\ntotal: |",
            "\njoined:\n  - MATCH (p:Post) SET p.x = 1 RETURN p.uid AS post_id\ntotal: |",
        ),
        "joined statement 1 uses a write clause (SET)",
    ),
    "joined statement's parameter undeclared": (
        GOOD_TEXT.replace(
            "\ntotal: |",
            "\njoined:\n  - 'MATCH (p:Post {uid: $who}) RETURN p.uid AS post_id'\ntotal: |",
        ),
        "joined statement 1 uses undeclared $who",
    ),
    "exists subquery": (
        GOOD_TEXT.replace(
            "WHERE p.key_post = true\n  OPTIONAL", "WHERE EXISTS { (p)--() }\n  OPTIONAL"
        ),
        "EXISTS",
    ),
    "duration": (
        GOOD_TEXT.replace(
            "past.end_date <= date($as_of)", "past.end_date <= date($as_of) + duration({days: 1})"
        ),
        "date/duration arithmetic",
    ),
    "undeclared parameter": (
        GOOD_TEXT.replace(
            "WHERE p.key_post = true\n  OPTIONAL", "WHERE p.key_post = $flag\n  OPTIONAL"
        ),
        "undeclared $flag",
    ),
    "unused parameter": (
        GOOD_TEXT.replace(
            "columns:", "  - name: spare\n    type: integer\n    description: unused\ncolumns:"
        ),
        "not used",
    ),
    "id not the file name": (
        GOOD_TEXT.replace("id: vacant-key-posts", "id: vacant-posts"),
        "name the file",
    ),
    "unknown field": (GOOD_TEXT + "\nauthor: someone\n", "author: unknown field"),
    "count_by an unknown column": (GOOD_TEXT + "\ncount_by: [nope]\n", "count_by"),
    "unknown kind": (GOOD_TEXT + "\nkind: advice\n", "kind"),
    "unknown map": (GOOD_TEXT + "\nmap: heat\n", "map"),
    "unknown fragment": (
        GOOD_TEXT.replace("cypher: |\n", "cypher: |\n  // include: no-such-gathering\n"),
        "includes 'no-such-gathering', which is not in fragments/",
    ),
}


def test_what_a_query_is_and_how_it_is_drawn_is_in_its_file() -> None:
    """No id-keyed code decides it: a new query is warned on, scored, simulated and drawn
    by what its file declares."""
    kinds = {spec.id: (spec.kind, spec.map) for spec in library().values()}
    assert kinds["unit-risk-profile"][0] == "profile"
    assert kinds["power-exposure"][0] == kinds["exposure-choke-posts"][0] == "ranking"
    assert kinds["incompatible-duties"][1] == kinds["power-concentration"][1] == "paths"
    assert kinds["process-capture"][1] == "capture"
    assert sum(kind == "finding" for kind, _ in kinds.values()) == len(kinds) - 3
    text = GOOD_TEXT + "\nkind: ranking\nmap: paths\n"
    spec = parse(_variant_file(text))
    assert not spec.warns and spec.simulated and spec.map == "paths"


def test_a_gathering_several_queries_open_with_is_written_once() -> None:
    """The fragment is spliced where a query names it, indented as the line naming it."""
    fragment = (LIBRARY / "fragments" / "step-only-high-risk-powers.cypher").read_text()
    first = next(line for line in fragment.splitlines() if line.startswith("OPTIONAL"))
    texts = [library()["exposure-choke-posts"].cypher, library()["power-exposure"].cypher]
    texts.append(library()["power-exposure"].total or "")
    for text in texts:
        assert first in text and "// include:" not in text
    raw = (LIBRARY / "power-exposure.yaml").read_text()
    assert raw.count("// include: step-only-high-risk-powers") == 2 and first not in raw


def test_no_query_reads_saved_snapshots() -> None:
    """Snapshots are saved without a new state token (store.write_aside), which holds
    only while no cached answer reads them."""
    from lianfang.graph import model

    label = re.compile(rf":\s*`?{model.SNAPSHOT_LABEL}\b")
    for spec in library().values():
        assert not label.search(spec.text), spec.id


def _variant_file(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="lf-spec-"))
    path = folder / "vacant-key-posts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_query_file_is_rejected(tmp_path: Path, case: str) -> None:
    text, message = BAD_FILES[case]
    with pytest.raises(LibraryError, match=re.escape(message)):
        load_library(_variant(tmp_path, text))


def test_an_empty_library_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="no query files"):
        load_library(tmp_path)


def test_the_good_file_loads(tmp_path: Path) -> None:
    assert parse(GOOD).id == "vacant-key-posts"
    shutil.copy(GOOD, tmp_path / GOOD.name)
    assert list(load_library(tmp_path)) == ["vacant-key-posts"]


@pytest.mark.parametrize(
    ("query_id", "params", "message"),
    [
        ("rotation-due", {"foo": "1"}, "unknown parameter 'foo'"),
        ("rotation-due", {"as_of": "2026-13-01"}, "as_of: '2026-13-01' is not a date"),
        ("rotation-due", {"within_months": "abc"}, "within_months: 'abc' is not a whole number"),
        ("rotation-due", {"within_months": "-1"}, "below the minimum 0"),
        ("unmitigated-high-risks", {"min_level": "很高"}, "is not a risk level"),
        ("powers-without-process", {"only_significant": "maybe"}, "is not yes/no"),
    ],
)
def test_the_runner_refuses_bad_parameters(
    store: GraphStore, query_id: str, params: dict, message: str
) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        run(store, query_id, params)


def test_the_runner_refuses_an_unknown_query(store: GraphStore) -> None:
    with pytest.raises(UnknownQuery):
        run(store, "nope")


def test_a_query_returning_undeclared_columns_is_refused(store: GraphStore, monkeypatch) -> None:
    from lianfang.queries import runner

    spec = library()["unsupervised-processes"]
    broken = spec.model_copy(update={"cypher": "RETURN 1 AS surprise"})
    monkeypatch.setitem(library(), spec.id, broken)
    with pytest.raises(LibraryError, match="surprise"):
        runner.run(store, spec.id)


def test_joined_statements_add_their_columns_on_the_key(store: GraphStore, monkeypatch) -> None:
    """unit-risk-profile's organisation figures come from a statement of their own; the
    rows carry them beside the risk figures, in the declared order, and a joined
    statement that answers for other units, or returns a column twice, is refused."""
    from lianfang.ingest.demo import load_demo

    load_demo(store)
    spec = library()["unit-risk-profile"]
    assert len(spec.statements) == 2
    rows = run(store, spec.id).rows
    assert [list(row) for row in rows[:1]] == [[c.name for c in spec.columns]]
    names = {
        row["unit_id"]: row["unit_name"]
        for row in store.read("MATCH (u:Unit) RETURN u.uid AS unit_id, u.name AS unit_name")
    }
    assert {row["unit_id"]: row["unit_name"] for row in rows} == names
    one = run(store, spec.id, {"unit": rows[0]["unit_id"]}).rows
    assert one == rows[:1]

    fewer = spec.joined[0].replace(
        "MATCH (u:Unit)\n", f"MATCH (u:Unit) WHERE u.uid <> '{rows[0]['unit_id']}'\nWITH u\n", 1
    )
    monkeypatch.setitem(library(), spec.id, spec.model_copy(update={"joined": (fewer,)}))
    with pytest.raises(LibraryError, match="joined statement 1 answers for other rows"):
        run(store, spec.id, {"as_of": "2020-01-01"})

    twice = spec.joined[0].replace("u.name AS unit_name,", "u.name AS unit_name, 0 AS risks,")
    monkeypatch.setitem(library(), spec.id, spec.model_copy(update={"joined": (twice,)}))
    with pytest.raises(LibraryError, match="joined statement 1 returns 'risks' too"):
        run(store, spec.id, {"as_of": "2020-01-02"})

    extra = spec.joined[0].replace("u.name AS unit_name,", "u.name AS unit_name, 0 AS surprise,")
    monkeypatch.setitem(library(), spec.id, spec.model_copy(update={"joined": (extra,)}))
    with pytest.raises(LibraryError, match="surprise"):
        run(store, spec.id, {"as_of": "2020-01-03"})

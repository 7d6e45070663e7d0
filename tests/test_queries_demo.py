"""On the demo organisation every canned query finds its planted gaps, and the CLI
serves them in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.queries.runner import run
from lianfang.queries.spec import library

AS_OF = "2026-01-31"


@pytest.mark.parametrize("query_id", sorted(library()))
def test_every_query_finds_something_in_the_demo(demo_dir: Path, query_id: str) -> None:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        result = run(store, query_id, {"as_of": AS_OF} if _takes_as_of(query_id) else {})
    assert result.count >= 1
    assert result.total is None or result.count <= result.total


def _takes_as_of(query_id: str) -> bool:
    return "as_of" in {p.name for p in library()[query_id].parameters}


@pytest.mark.parametrize("query_id", sorted(library()))
def test_every_query_as_json_from_the_cli(demo_dir: Path, query_id: str) -> None:
    result = cli(demo_dir, "query", query_id, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and list(rows[0]) == [c.name for c in library()[query_id].columns]


def test_query_json_keys_rows_by_the_contracts_column_names(demo_dir: Path) -> None:
    result = cli(demo_dir, "query", "unmitigated-high-risks", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and set(rows[0]) >= {"risk_id", "level", "post_id", "unit_id", "control_ids"}
    assert all(row["level"] == "high" for row in rows)


def test_query_csv_and_xlsx(demo_dir: Path, tmp_path: Path) -> None:
    result = cli(
        demo_dir, "query", "rotation-due", "--as-of", AS_OF, "-p", "within_months=6", "-f", "csv"
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["due_date"] <= "2026-07-31"
    out = tmp_path / "rotation.xlsx"
    saved = cli(demo_dir, "query", "rotation-due", "--as-of", AS_OF, "-f", "xlsx", "-o", str(out))
    assert saved.returncode == 0, saved.stderr
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["person_id", "person_name", "post_id"]
    assert sheet.freeze_panes == "A2" and sheet.max_row >= 2


def test_queries_and_check_summarise_every_query(demo_dir: Path) -> None:
    listing = cli(demo_dir, "queries")
    assert listing.returncode == 0, listing.stderr
    for spec in library().values():
        assert spec.title_zh in listing.stdout
    checked = cli(demo_dir, "check", "--as-of", AS_OF)
    assert checked.returncode == 0  # gaps are findings, not failures
    assert " of " in checked.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "no-such-query"], "unknown query"),
        (["query", "rotation-due", "--as-of", "2026-13-01"], "--as-of"),
        (["query", "rotation-due", "-p", "shoe_size=42"], "unknown parameter 'shoe_size'"),
        (["query", "rotation-due", "-p", "within_months=soon"], "not a whole number"),
        (["query", "rotation-due", "-f", "xlsx"], "-o FILE.xlsx"),
    ],
)
def test_query_errors_are_one_line(demo_dir: Path, args: list[str], message: str) -> None:
    result = cli(demo_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_csv_cells_cannot_become_formulas(tmp_path: Path) -> None:
    from lianfang.queries.exports import to_csv, to_xlsx

    rows = [{"name": '=HYPERLINK("http://x")', "n": "-1+1", "ok": "岗位"}]
    text = to_csv(rows)
    assert "'=HYPERLINK" in text and "'-1+1" in text and ",岗位" in text
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(rows, ["name", "n", "ok"], "t")))
    assert book.active["A2"].value.startswith("'=") and book.active["A2"].data_type == "s"

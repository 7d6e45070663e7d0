"""`lianfang ingest`, `template` and `demo-data` as a user runs them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from registers_data import SHEETS, write_workbook
from servers import cli


def _count(data_dir: Path, label: str) -> int:
    result = cli(data_dir, "cypher", f"MATCH (n:{label}) RETURN count(n) AS n", "-f", "json")
    return json.loads(result.stdout)[0]["n"]


def test_ingest_prints_what_it_imported(data_dir: Path, tmp_path: Path) -> None:
    result = cli(data_dir, "ingest", str(write_workbook(tmp_path / "org.xlsx")))
    assert result.returncode == 0, result.stderr
    assert "30 nodes and 51 edges imported." in result.stdout
    assert "备注" in result.stdout  # the extra-column warning
    assert _count(data_dir, "RiskPoint") == 4


def test_ingest_errors_are_a_table_and_a_non_zero_exit(data_dir: Path, tmp_path: Path) -> None:
    sheets = copy.deepcopy(SHEETS)
    sheets["risks"][0]["level"] = "很高"
    sheets["posts"][3]["unit_id"] = "U9"
    result = cli(data_dir, "ingest", str(write_workbook(tmp_path / "org.xlsx", sheets)))
    assert result.returncode == 1
    assert "工作表" in result.stdout and "风险等级" in result.stdout and "很高" in result.stdout
    assert "所属单位编号" in result.stdout and "U9" in result.stdout
    assert result.stderr.strip().endswith("2 error(s) in org.xlsx; nothing was written")
    assert "Traceback" not in result.stderr
    assert _count(data_dir, "Unit") == 0


def test_ingest_json_errors_are_machine_readable(data_dir: Path, tmp_path: Path) -> None:
    sheets = copy.deepcopy(SHEETS)
    sheets["assignments"][0]["end_date"] = "2010-01-01"
    path = write_workbook(tmp_path / "org.xlsx", sheets)
    result = cli(data_dir, "ingest", str(path), "--format", "json")
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False
    [error] = body["errors"]
    assert (error["file"], error["sheet"], error["row"], error["column"], error["value"]) == (
        "org.xlsx",
        "任职",
        3,
        "离任日期",
        "2010-01-01",
    )
    assert error["message"] == error["zh"]


def test_dry_run_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    result = cli(data_dir, "ingest", str(path), "--dry-run", "--source", "试点")
    assert result.returncode == 0, result.stderr
    assert "would be imported (dry run, nothing written)" in result.stdout
    assert "试点" in result.stdout
    assert _count(data_dir, "Unit") == 0


def test_a_path_that_does_not_exist(data_dir: Path, tmp_path: Path) -> None:
    result = cli(data_dir, "ingest", str(tmp_path / "missing.xlsx"))
    assert result.returncode == 1 and "不存在" in result.stdout


def test_template_and_demo_data_commands(data_dir: Path, tmp_path: Path) -> None:
    template = cli(data_dir, "template", str(tmp_path / "t.xlsx"), "--lang", "en")
    assert template.returncode == 0 and (tmp_path / "t.xlsx").stat().st_size > 0
    wrong = cli(data_dir, "template", str(tmp_path / "t.txt"))
    assert wrong.returncode == 2 and "xlsx" in wrong.stderr
    demo = cli(data_dir, "demo-data", str(tmp_path / "demo"), "--seed", "3")
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "demo" / "风险点.csv").exists()
    imported = cli(data_dir, "ingest", str(tmp_path / "demo"), "-f", "json")
    assert imported.returncode == 0, imported.stdout
    assert json.loads(imported.stdout)["nodes"]["RiskPoint"] > 1500

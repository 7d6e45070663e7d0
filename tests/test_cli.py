"""The CLI skeleton: status, read-only cypher, the shell."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import LIANFANG
from servers import cli

SEED = "CREATE (:Unit {uid: 'U1', name: '<b>纪委</b>', source: 't'})"


def seed(data_dir: Path) -> None:
    from lianfang.graph.falkor_store import EmbeddedFalkorStore

    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        store.write(SEED)


def test_status_names_the_store_and_counts_each_type(data_dir: Path) -> None:
    seed(data_dir)
    result = cli(data_dir, "status")
    assert result.returncode == 0, result.stderr
    assert "falkordb (embedded)" in result.stdout and str(data_dir.resolve()) in result.stdout
    unit_line = next(line for line in result.stdout.splitlines() if "│ Unit " in line)
    assert "单位" in unit_line and unit_line.rstrip("│ ").endswith("1")
    assert "MITIGATED_BY" in result.stdout


def test_cypher_prints_json_with_parameters(data_dir: Path) -> None:
    seed(data_dir)
    result = cli(
        data_dir,
        "cypher",
        "MATCH (u:Unit {uid: $uid}) RETURN u.name AS name",
        "-p",
        "uid=U1",
        "-f",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"name": "<b>纪委</b>"}]


def test_cypher_table_shows_register_text_literally(data_dir: Path) -> None:
    seed(data_dir)
    result = cli(data_dir, "cypher", "MATCH (u:Unit) RETURN u.name AS name")
    assert "<b>纪委</b>" in result.stdout


def test_cypher_refuses_writes_and_changes_nothing(data_dir: Path) -> None:
    seed(data_dir)
    result = cli(data_dir, "cypher", "MATCH (u:Unit) DETACH DELETE u")
    assert result.returncode == 1
    assert result.stderr.startswith("error: refused: DETACH")
    assert "Traceback" not in result.stderr
    # Even a write the client-side check misses is refused by the engine.
    sneaky = cli(data_dir, "cypher", "MATCH (u:Unit) CALL { WITH u DELETE u } RETURN 1")
    assert sneaky.returncode == 1
    count = cli(data_dir, "cypher", "MATCH (u:Unit) RETURN count(u) AS n", "-f", "csv")
    assert count.stdout.splitlines() == ["n", "1"]


def test_cypher_syntax_error_is_one_clear_error(data_dir: Path) -> None:
    result = cli(data_dir, "cypher", "MATCH (u RETURN u")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_bad_param_is_refused(data_dir: Path) -> None:
    result = cli(data_dir, "cypher", "RETURN 1", "-p", "novalue")
    assert result.returncode == 2 and "name=value" in result.stderr


def test_shell_runs_queries_and_survives_errors(data_dir: Path) -> None:
    seed(data_dir)
    script = (
        "MATCH (u:Unit)\nRETURN u.uid AS uid;\n"
        "CREATE (:Unit {uid: 'X'});\n"
        "RETURN 41 + 1 AS answer;\n:q\n"
    )
    result = subprocess.run(
        [LIANFANG, "--data-dir", str(data_dir), "shell"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "U1" in result.stdout and "42" in result.stdout
    assert "refused: CREATE" in result.stderr

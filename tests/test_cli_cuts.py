"""The CLI's small cuts (issue 25): one-line usage errors with the same exit code for the
same mistake, ids never cut in a pipe, no silent wrong output, and imports that say what
an empty or doubled import does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import LIANFANG
from registers_data import write_workbook
from servers import cli

from lianfang.queries.spec import library


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["query"], "Missing argument 'query_id'. (see: lianfang query --help)"),
        (["review"], "Did you mean `lianfang report`?"),
        (["query", "rotation-due", "--bogus"], "No such option: --bogus"),
        (["query", "nope"], "unknown query 'nope'"),
        (["map", "-o", "m.html", "--query", "nope"], "unknown query 'nope'"),
        (["map", "-o", "m.docx", "--unit", "U1"], "a map is an HTML page"),
        (["serve", "--port", "99999"], "a port is a number from 1 to 65535"),
    ],
)
def test_a_usage_mistake_is_one_line_and_exit_2(
    data_dir: Path, tmp_path: Path, args: list[str], said: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("m.") else a for a in args]
    done = cli(data_dir, *args)
    assert done.returncode == 2, done.stderr
    assert said in one_line(done)
    assert not (tmp_path / "m.docx").exists()


def test_a_busy_port_is_said_before_serving(data_dir: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = cli(data_dir, "serve", "--port", str(port))
    assert done.returncode == 1 and "serving" not in done.stdout
    assert "cannot listen on 127.0.0.1" in one_line(done)


def test_ids_are_never_cut_in_a_pipe(data_dir: Path, tmp_path: Path) -> None:
    assert cli(data_dir, "ingest", str(write_workbook(tmp_path / "org.xlsx"))).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LIANFANG_STORE")}
    env["LIANFANG_DATA"] = str(data_dir)
    piped = subprocess.run(
        [LIANFANG, "queries"], capture_output=True, text=True, env=env, timeout=120
    )
    assert piped.returncode == 0, piped.stderr
    for query_id in library():
        assert query_id in piped.stdout, query_id


def test_an_empty_import_and_a_doubled_one_are_said(data_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "空白.xlsx"
    assert cli(data_dir, "template", str(template)).returncode == 0
    empty = cli(data_dir, "ingest", str(template), "-f", "json")
    assert empty.returncode == 0 and "没有导入任何记录" in warned(empty)
    workbook = write_workbook(tmp_path / "org.xlsx")
    assert cli(data_dir, "ingest", str(workbook), "--source", "财政局").returncode == 0
    same = cli(data_dir, "ingest", str(workbook), "--source", "财政局", "-f", "json")
    assert "已由来源" not in warned(same)  # the same source again is an update
    again = cli(data_dir, "ingest", str(workbook), "--source", "财政局2", "-f", "json")
    assert again.returncode == 0
    assert "已由来源“财政局”导入" in warned(again) and "--source 财政局" in warned(again)


def warned(done: subprocess.CompletedProcess[str]) -> str:
    return " ".join(w["message"] for w in json.loads(done.stdout)["warnings"])


def test_an_acceptance_can_be_withdrawn(data_dir: Path, tmp_path: Path) -> None:
    assert cli(data_dir, "ingest", str(write_workbook(tmp_path / "org.xlsx"))).returncode == 0
    accepted = cli(
        data_dir,
        "accept",
        "add",
        "unmitigated-high-risks",
        "K3",
        "--reason",
        "整改中",
        "--approver",
        "王书记",
        "--expires",
        "2099-01-01",
    )
    assert accepted.returncode == 0, accepted.stderr
    withdrawn = cli(data_dir, "accept", "withdraw", "A0001")
    assert withdrawn.returncode == 0 and "open again" in withdrawn.stdout, withdrawn.stderr
    listed = json.loads(cli(data_dir, "accept", "list", "-f", "json").stdout)
    assert listed == []
    assert cli(data_dir, "accept", "withdraw", "A0001").returncode == 2
    log = json.loads(cli(data_dir, "audit", "-f", "json").stdout)
    assert any(e["action"] == "accept withdraw" and e["target"] == "A0001" for e in log)

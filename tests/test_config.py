"""Bad configuration: one line naming the setting, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import free_port
from servers import cli


def assert_one_line_error(result, setting: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {setting}"), lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("url", ["foo://somewhere", "mysql://db:3306", "just-text"])
def test_unknown_store_url(data_dir: Path, url: str) -> None:
    assert_one_line_error(cli(data_dir, "status", env={"LIANFANG_STORE": url}), "LIANFANG_STORE")


@pytest.mark.parametrize("scheme", ["neo4j", "bolt"])
def test_unreachable_neo4j(data_dir: Path, scheme: str) -> None:
    url = f"{scheme}://127.0.0.1:{free_port()}"
    result = cli(data_dir, "status", env={"LIANFANG_STORE": url})
    assert_one_line_error(result, "LIANFANG_STORE")
    assert url in result.stderr


def test_unreachable_external_falkordb(data_dir: Path) -> None:
    url = f"falkordb://127.0.0.1:{free_port()}"
    assert_one_line_error(cli(data_dir, "status", env={"LIANFANG_STORE": url}), "LIANFANG_STORE")


def test_data_dir_that_is_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = cli(blocker / "data", "status")
    assert_one_line_error(result, "LIANFANG_DATA / --data-dir")
    assert "not writable" in result.stderr


def test_data_dir_flag_is_named_too(tmp_path: Path) -> None:
    result = cli(tmp_path, "--data-dir", "/proc/lianfang-data", "status")
    assert_one_line_error(result, "LIANFANG_DATA / --data-dir")


def test_data_dir_too_long_for_a_socket(tmp_path: Path) -> None:
    result = cli(tmp_path / ("x" * 120), "status")
    assert_one_line_error(result, "LIANFANG_DATA / --data-dir")
    assert "too long" in result.stderr


def test_db_stop_refuses_a_remote_store(data_dir: Path) -> None:
    result = cli(data_dir, "db", "stop", env={"LIANFANG_STORE": "neo4j://example:7687"})
    assert_one_line_error(result, "LIANFANG_STORE")

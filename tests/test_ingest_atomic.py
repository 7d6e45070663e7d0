"""An import lands whole or not at all, even when killed with -9 halfway through."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from conftest import LIANFANG
from graph_dump import dump
from registers_data import write_workbook
from servers import live_servers

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest import demo, writers
from lianfang.ingest.load import load


@pytest.fixture
def old_state(data_dir: Path, tmp_path: Path) -> Iterator[tuple[EmbeddedFalkorStore, object]]:
    """The small organisation imported as source 'org', and the store kept open."""
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), store)
    yield store, dump(store)
    store.close()


def _staging_exists(data_dir: Path) -> bool:
    client = redis.Redis(unix_socket_path=str(data_dir.resolve() / "falkordb.sock"))
    try:
        return "lianfang__staging" in [g.decode() for g in client.execute_command("GRAPH.LIST")]
    except redis.RedisError:
        return False
    finally:
        client.close()


def _start_big_import(data_dir: Path, tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    workbook = writers.write_workbook(tmp_path / "big.xlsx", demo.generate(scale=3, seed=7))
    env = {**os.environ, "LIANFANG_DATA": str(data_dir)}
    env.pop("LIANFANG_STORE", None)
    process = subprocess.Popen(
        [LIANFANG, "ingest", str(workbook), "--source", "org", "-f", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not _staging_exists(data_dir):
        assert process.poll() is None, "the import finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.3)  # well into the writing
    assert process.poll() is None, "the import finished before it could be interrupted"
    return process, workbook


def test_killing_the_importer_leaves_the_old_graph(
    old_state: tuple[EmbeddedFalkorStore, object], data_dir: Path, tmp_path: Path
) -> None:
    store, before = old_state
    process, workbook = _start_big_import(data_dir, tmp_path)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert dump(store) == before
    # The next import discards the half-built staging graph and lands whole.
    report = load(workbook, store, source="org")
    assert store.counts().nodes["RiskPoint"] == report.nodes["RiskPoint"] > 4000
    assert not _staging_exists(data_dir)


def test_killing_the_server_mid_import_leaves_the_old_graph(
    old_state: tuple[EmbeddedFalkorStore, object], data_dir: Path, tmp_path: Path
) -> None:
    store, before = old_state
    process, _workbook = _start_big_import(data_dir, tmp_path)
    [server] = live_servers(data_dir)
    os.kill(server, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert dump(store) == before  # the store restarts the server; the AOF replays

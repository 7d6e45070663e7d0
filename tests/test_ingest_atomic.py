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

from lianfang.graph import model
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


def _client(data_dir: Path) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(data_dir.resolve() / "falkordb.sock"))


def _staging_exists(data_dir: Path) -> bool:
    client = _client(data_dir)
    try:
        return "lianfang__staging" in [g.decode() for g in client.execute_command("GRAPH.LIST")]
    except redis.RedisError:
        return False
    finally:
        client.close()


def _writing_in_place(data_dir: Path) -> bool:
    """The import's one query is running on the server (GRAPH.INFO lists it)."""
    client = _client(data_dir)
    try:
        info = client.execute_command("GRAPH.INFO", "RunningQueries")
        return b"WITH count(*) AS step0" in repr(info).encode()
    except redis.RedisError:
        return False
    finally:
        client.close()


def _start_import(data_dir: Path, workbook: Path, staged: bool) -> subprocess.Popen[bytes]:
    """An import of `workbook` as source 'org', stopped in its write: in the staging
    graph (as a large import is written) or in its one query (as a small one is)."""
    env = {**os.environ, "LIANFANG_DATA": str(data_dir)}
    env.pop("LIANFANG_STORE", None)
    env["LIANFANG_IN_PLACE_ROWS"] = "0" if staged else "1000000"
    process = subprocess.Popen(
        [LIANFANG, "ingest", str(workbook), "--source", "org", "-f", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    writing = _staging_exists if staged else _writing_in_place
    deadline = time.monotonic() + 120
    while not writing(data_dir):
        assert process.poll() is None, "the import finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    if staged:
        time.sleep(0.3)  # well into the writing
    assert process.poll() is None, "the import finished before it could be interrupted"
    return process


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    return writers.write_workbook(folder / "big.xlsx", demo.generate(scale=3, seed=7))


@pytest.fixture(scope="module")
def after_state(big_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The graph as it is once the big import has landed on the small organisation."""
    folder = tmp_path_factory.mktemp("after")
    with EmbeddedFalkorStore(folder / "data", "lianfang") as store:
        load(write_workbook(folder / "org.xlsx"), store)
        load(big_workbook, store, source="org")
        return dump(store)


def _quiet(data_dir: Path) -> None:
    """Wait until the server runs no query (a killed client's query runs to its end)."""
    deadline = time.monotonic() + 60
    while _writing_in_place(data_dir):
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "in-place"])
def test_killing_the_importer_leaves_the_graph_before_or_after(
    old_state: tuple[EmbeddedFalkorStore, object],
    data_dir: Path,
    big_workbook: Path,
    after_state: object,
    staged: bool,
) -> None:
    store, before = old_state
    process = _start_import(data_dir, big_workbook, staged)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    _quiet(data_dir)
    found = dump(store)
    # Staged: the swap never came. In place: the server had the whole query, so it
    # either never started it or ran it to its end.
    assert found == before if staged else found in (before, after_state)
    # The next import (discarding a half-built staging graph) lands whole.
    report = load(big_workbook, store, source="org")
    assert store.counts().nodes["RiskPoint"] == report.nodes["RiskPoint"] > 4000
    assert dump(store) == after_state
    assert not _staging_exists(data_dir)


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "in-place"])
def test_killing_the_server_mid_import_leaves_the_old_graph(
    old_state: tuple[EmbeddedFalkorStore, object],
    data_dir: Path,
    big_workbook: Path,
    staged: bool,
) -> None:
    store, before = old_state
    process = _start_import(data_dir, big_workbook, staged)
    [server] = live_servers(data_dir)
    os.kill(server, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert dump(store) == before  # the store restarts the server; the AOF replays


def _register_nodes(store: EmbeddedFalkorStore) -> int:
    """Every node but the version token, in one read."""
    cypher = f"MATCH (n) WHERE NOT n:{model.VERSION_LABEL} RETURN count(n) AS n"
    return store.read(cypher)[0]["n"]


def test_readers_see_the_graph_before_or_after_an_in_place_import(
    old_state: tuple[EmbeddedFalkorStore, object],
    data_dir: Path,
    big_workbook: Path,
    after_state: object,
) -> None:
    store, before = old_state
    counts = {len(before[0]), len(after_state[0])}  # type: ignore[index]
    seen: list[int] = []
    process = _start_import(data_dir, big_workbook, staged=False)
    while process.poll() is None:
        seen.append(_register_nodes(store))
    assert process.returncode == 0
    seen.append(_register_nodes(store))
    assert set(seen) <= counts and seen[-1] == len(after_state[0])  # type: ignore[index]
    assert dump(store) == after_state
